"""A kept audit (its result and what it used) to the report model the writers lay out.

Built only from what the audit stored, never from today's rows, so a workbook or letter
made years later shows exactly what was decided.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import reports as r
from service.audits.loading import category_label
from service.core.errors import DpauditError
from service.models import Audit

SEVERITY_WORDS = {"unlawful": "unlawful", "harmful": "harmful", "local_policy": "local policy",
                  "info": "informational"}
# Completes the letter's "This is because ...", in the person's own terms.
HELD_BECAUSE = {
    "could_not_recruit": "you could not find a personal assistant",
    "hospital_stay": "you were in hospital",
    "provider_let_down": "a care provider let you down",
    "other": "of what you told us",
}
AGE_BANDS = {"21_plus": "21+", "18_20": "18-20", "16_17": "16-17", "apprentice": "apprentice"}


def d(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


def m(text: str | None) -> Decimal | None:
    return Decimal(text) if text is not None else None


def build_report(audit: Audit) -> r.AuditReport:
    result, used = audit.result, audit.inputs
    surplus = result["surplus_working"]
    figures: dict[str, Any] = {name: Decimal(result[name]) for name in _FIGURES}
    return r.AuditReport(
        council_name=used.get("council_name", ""),
        recipient_name=used["recipient"]["name"],
        recipient_reference=used["recipient"]["reference"],
        period_from=audit.period_start, period_to=audit.period_end,
        audit_kind=audit.kind.replace("_", " "),
        tier=r.Tier(result["tier"]),
        tier_reasons=tuple(r.TierReason(x["label"], x["points"]) for x in result["tier_reasons"]),
        **figures,
        contingency_weeks=0 if result["final_audit"] else int(result["settings"]["contingency_weeks"]),
        recovery_held=bool(result["recovery_held"]),
        recovery_held_reason=held_because(used) if result["recovery_held"] else "",
        gaps=tuple(r.CoverageGap(date.fromisoformat(g["start"]), date.fromisoformat(g["end"]))
                   for g in result["coverage"]),
        transactions=tuple(transaction(row) for row in used.get("transactions", [])),
        plan_lines=tuple(plan_line(line) for line in result["plan"]["lines"]),
        flexible_use_total=Decimal(result["plan"]["flexible_use"]),
        flags=tuple(flag(f) for f in used.get("flags", [])),
        timesheet_findings=timesheet_findings(audit),
        surplus_steps=tuple(r.ArithmeticStep(s["label"], Decimal(s["amount"]), s["explanation"])
                            for s in surplus["steps"]),
        questions=tuple(r.Question(q) for q in result["decision"]["questions"]),
        documents_needed=tuple(r.DocumentRequest(item) for item in result["decision"]["documents"]),
        rules_in_force=tuple(r.RuleInForce(x["id"], x["title"], bool(x["on"]))
                             for x in used.get("rules", [])),
        issued_on=(audit.closed_at or audit.created_at).date() if audit.created_at else None,
        difference_explained_by_gaps=explained_by_gaps(result),
        balances_known=not any(a["opening_source"].startswith("unknown")
                               for a in result.get("reconciliation", {}).get("accounts", [])),
    )


_FIGURES = ("opening_balance", "closing_balance", "money_in", "money_out",
            "reconciliation_difference", "contingency", "weekly_plan_value", "commitments",
            "surplus", "council_share", "contribution_share", "proposed_recovery")


def explained_by_gaps(result: dict[str, Any]) -> bool:
    """Missing statements account for every account's difference (see reconcile.explain_by_gaps)."""
    rec = result.get("reconciliation", {})
    explained = set(rec.get("explained_accounts", ()))
    unexplained = [a for a in rec.get("accounts", [])
                   if Decimal(a["difference"]) != 0 and a["account"] not in explained]
    return bool(explained) and not unexplained


def held_because(used: dict[str, Any]) -> str:
    holding = [x["reason"] for x in used.get("underspend_reasons", []) if x.get("hold_recovery")]
    return " and ".join(dict.fromkeys(HELD_BECAUSE.get(code, HELD_BECAUSE["other"]) for code in holding))


def transaction(row: list[Any]) -> r.Transaction:
    _id, account, day, amount, description, code, reason, rules = row
    return r.Transaction(date.fromisoformat(day), account, description, Decimal(amount), code,
                         category_label(code), reason, tuple(rules))


def plan_line(line: dict[str, Any]) -> r.PlanLine:
    return r.PlanLine(line["description"], category_label(line["category"]),
                      Decimal(line["planned_weekly"]), Decimal(line["planned"]), Decimal(line["actual"]))


def flag(row: dict[str, Any]) -> r.Flag:
    return r.Flag(row["rule_id"], row["title"], r.Severity(SEVERITY_WORDS[row["severity"]]),
                  r.FlagStatus(row["status"]), row["explanation"], d(row["transaction_date"]),
                  m(row["transaction_amount"]), row["transaction_description"])


def timesheet_findings(audit: Audit) -> tuple[r.TimesheetFinding, ...]:
    """Per worker: hours and pay over the work the period's payments covered."""
    sheets, used = audit.result["timesheets"], audit.inputs
    workers = {str(w["id"]): w for w in used.get("workers", [])}
    hours = {wid: Decimal(h) for row in sheets["hours"] for wid, h in row["by_worker"]}
    planned = {wid: Decimal(row["planned_hours"]) for row in sheets["hours"] for wid, _ in row["by_worker"]}
    found = []
    for row in sheets["wages"]:
        worker = workers.get(row["worker_id"], {"name": row["worker_id"], "hourly_rate": "0.00"})
        worked = hours.get(row["worker_id"], Decimal("0.00"))
        if not worked and Decimal(row["paid"]) == 0:
            continue
        start = date.fromisoformat(row["covers_from"])
        end = d(row["covers_to"]) or audit.period_end
        found.append(r.TimesheetFinding(
            worker["name"], start, max(start, end), worked, planned.get(row["worker_id"], Decimal(0)),
            Decimal(row["timesheet_pay"]), Decimal(row["paid"]), Decimal(worker["hourly_rate"]),
            minimum_rate(worker, audit.period_end, used.get("rates", [])),
            _worker_notes(audit, row["worker_id"])))
    return tuple(found)


def minimum_rate(worker: dict[str, Any], on: date, kept: list[dict[str, Any]]) -> Decimal:
    """The minimum wage for the worker's band on the day, from the tables the audit kept."""
    from service.rules.wages import age_on

    band = AGE_BANDS.get(worker.get("age_band") or "", "21+")
    born = d(worker.get("date_of_birth"))
    if born is not None:
        age = age_on(born, on)
        band = "21+" if age >= 21 else "18-20" if age >= 18 else "16-17"
    tables = [t for t in kept if t["from"] <= on.isoformat() and t["hourly"].get(band)]
    return Decimal(tables[-1]["hourly"][band]) if tables else Decimal("0")


def _worker_notes(audit: Audit, worker_id: str) -> str:
    return " ".join(f["message"] for f in audit.result["findings"]
                    if worker_id in f.get("refs", []) and f["code"] != "holiday_accrued")


class PdfUnavailable(DpauditError):
    status, slug, title = 503, "pdf-unavailable", "PDF letters are not available here"


def letter_pdf(audit: Audit) -> bytes:
    """The letter as a tagged PDF. WeasyPrint warns on import when the optional
    HarfBuzz-Subset library is missing; the PDF is the same, so that warning is not an error."""
    import warnings

    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*HarfBuzz-Subset.*", category=DeprecationWarning)
        try:
            return r.render_letter_pdf(build_report(audit))
        except (ImportError, OSError) as exc:  # WeasyPrint or its system libraries missing
            raise PdfUnavailable(
                "PDF letters need the Pango system library (Debian/Ubuntu: apt-get install "
                "libpango-1.0-0 libpangoft2-1.0-0); the HTML letter works without it.") from exc
