"""`dpaudit audit --account REF --from DAY --to DAY`: audit a person's accounts and keep it.

The account names the person; the audit covers all their accounts (dates inclusive), runs
as the council's system administrator, and is saved like one made through the API.
With ``--json`` standard output carries only the audit as JSON; messages go to standard
error. Exit 2 with one line when the account is unknown or ambiguous or a date is wrong.
"""

from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path
from typing import Any

from service.cli.common import fail, find_account, parse_day

KINDS = ("scheduled", "on_demand", "final")


def period_or_fail(start: date, end: date) -> None:
    from service.audits.schemas import check_audit_period as allowed

    try:
        allowed(start, end)
    except ValueError as exc:
        fail(f"--from {start} --to {end}: {exc}")


def run(reference: str, start_text: str, end_text: str, *, as_json: bool, xlsx: Path | None,
        letter: Path | None, kind: str = "on_demand", council_code: str | None = None) -> None:
    start, end = parse_day(start_text, "--from"), parse_day(end_text, "--to")
    period_or_fail(start, end)
    if kind not in KINDS:
        fail(f"--kind must be one of {', '.join(KINDS)}")
    if letter is not None and letter.suffix.lower() not in (".html", ".htm", ".pdf"):
        fail(f"--letter {letter}: name it .html or .pdf")
    from service.audits import service
    from service.core.db import session_scope
    from service.models import Recipient
    from service.onboarding.service import system_ctx

    with session_scope() as session:
        account = find_account(session, reference, council_code)
        recipient = session.get(Recipient, account.recipient_id)
        assert recipient is not None  # an account always belongs to a recipient
        audit = service.create_audit(system_ctx(session, account.council_id), recipient, start, end, kind)
        session.flush()
        write_outputs(audit, xlsx, letter)
        body = service.headline(audit)
    if as_json:
        sys.stdout.write(json.dumps(body, indent=2, ensure_ascii=False) + "\n")
    else:
        print_summary(body)


def write_outputs(audit: Any, xlsx: Path | None, letter: Path | None) -> None:
    import reports
    from service.audits.report_model import build_report, letter_pdf

    if xlsx is not None:
        xlsx.write_bytes(reports.render_workbook(build_report(audit)))
        print(f"workbook written to {xlsx}", file=sys.stderr)
    if letter is not None:
        if letter.suffix.lower() == ".pdf":
            letter.write_bytes(letter_pdf(audit))
        else:
            letter.write_text(reports.render_letter_html(build_report(audit)), encoding="utf-8")
        print(f"letter written to {letter}", file=sys.stderr)


def print_summary(body: dict[str, Any]) -> None:
    lines = [
        f"Audit {body['audit_id']} of {body['recipient_reference']}, "
        f"{body['period_start']} to {body['period_end']}: {body['tier']}",
        f"  opening {body['opening_balance']}  in {body['money_in']}  out {body['money_out']}  "
        f"closing {body['closing_balance']}  difference {body['reconciliation_difference']}",
        f"  contingency {body['contingency']}  commitments {body['commitments']}  "
        f"surplus {body['surplus']}  proposed recovery {body['proposed_recovery']}",
        *(f"  reason: {r['label']} ({r['points']})" for r in body["tier_reasons"]),
        *(f"  gap: {g}" for g in body["gaps"]),
        *(f"  flag: {f['title']} ({f['status']})" for f in body["flags"]),
    ]
    print("\n".join(lines))


def check(audit_id: int, *, as_json: bool) -> None:
    """`dpaudit check-audit ID`: one line (or JSON); exit 0 when unchanged, 1 when not."""
    from service.audits import service
    from service.core.db import session_scope
    from service.models import Audit

    with session_scope(reads=True) as session:
        audit = session.get(Audit, audit_id)
        if audit is None:
            fail(f"audit {audit_id}: no such audit")
        found = service.verify(session, audit)
        body = {"audit_id": audit.id, "status": audit.status, "unchanged": found.unchanged,
                "lines": found.lines.lines, "missing_lines": found.lines.missing,
                "lines_unchanged": found.lines.unchanged, "frozen_digest": audit.frozen_digest,
                "digest_matches": found.digest_matches, "message": found.message}
    if as_json:
        sys.stdout.write(json.dumps(body, indent=2) + "\n")
    else:
        sys.stdout.write(f"audit {audit_id}: {found.message}\n")
    if not found.unchanged:
        sys.exit(1)
