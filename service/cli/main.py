"""The ``dpaudit`` command. Heavy libraries are imported inside each command, so it starts fast."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

app = typer.Typer(
    name="dpaudit",
    help="dpaudit: direct-payments audit and accounting for councils.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    workers: Annotated[int, typer.Option(min=1, help="Worker processes.")] = 1,
) -> None:
    """Serve the HTTP API (uvicorn with uvloop and httptools)."""
    import uvicorn

    from service.core.config import get_settings

    # the proxies whose X-Forwarded-* uvicorn believes are the ones dpaudit believes
    proxies = [str(network) for network in get_settings().trusted_proxy_networks]
    uvicorn.run("service.app:create_app", factory=True, host=host, port=port, workers=workers,
                loop="uvloop", http="httptools", log_level="warning", access_log=False,
                proxy_headers=bool(proxies), forwarded_allow_ips=proxies or None)


@app.command()
def migrate(
    revision: Annotated[str, typer.Option("--to", help="Target revision.")] = "head",
) -> None:
    """Bring the database schema up to date (runs the Alembic migrations)."""
    from service.core import migrate as migrations
    from service.core.config import get_settings

    migrations.upgrade(revision=revision)
    typer.echo(f"database at {migrations.head_revision() if revision == 'head' else revision}: "
               f"{_safe_url(get_settings().database_url)}", err=True)


def _safe_url(url: str) -> str:
    """The URL without any password, for messages."""
    if "@" in url and "://" in url:
        scheme, rest = url.split("://", 1)
        return f"{scheme}://***@{rest.split('@', 1)[1]}"
    return url


@app.command("create-user")
def create_user(
    email: Annotated[str, typer.Argument(help="The user's email address.")],
    council: Annotated[str, typer.Option(help="Council code. It must exist unless --new-council.")],
    name: Annotated[str, typer.Option(help="The user's name.")] = "",
    role: Annotated[str, typer.Option(
        help="holder (the default), officer, admin, or provider (needs --provider).")] = "holder",
    new_council: Annotated[bool, typer.Option(
        "--new-council", help="Create the council if it does not exist yet.")] = False,
    council_name: Annotated[str, typer.Option(help="Name for a new council.")] = "",
    provider: Annotated[str, typer.Option(help="Provider reference (provider role).")] = "",
) -> None:
    """Create a user and print an API key for them (shown once).

    The role defaults to the one with the fewest rights, holder: a holder sees only the
    people whose direct payment they hold, so none until they are named as a person's
    representative (a representative's "user" in `dpaudit load`). Give --role officer or
    --role admin for council staff; a provider user needs --provider REF.

    An unknown council is refused, so a typing mistake never starts a new council; give
    --new-council to create it, with the settings DPAUDIT_CONTINGENCY_WEEKS,
    DPAUDIT_FIRST_REVIEW_WEEKS and DPAUDIT_REVIEW_INTERVAL_MONTHS.
    """
    from service.cli import admin

    admin.create_user(email, council, name, role, council_name, provider, new_council=new_council)


@app.command()
def load(
    file: Annotated[Path, typer.Argument(help="Onboarding document (JSON).", exists=True,
                                         dir_okay=False)],
) -> None:
    """Set up a council's recipients, plans, accounts and workers from one JSON document.

    Matched by the council's own references, so loading twice changes nothing. Shows a
    progress bar while it reads the document and sets up each recipient. A document larger
    than DPAUDIT_MAX_LOAD_BYTES (64 MiB by default) is refused before it is read.
    """
    from service.cli import admin

    admin.load(file)


@app.command("import")
def import_(
    path: Annotated[Path, typer.Argument(help="A file, or a folder of them.", exists=True)],
    account: Annotated[str | None, typer.Option(
        help="The account's reference (statements).")] = None,
    recipient: Annotated[str | None, typer.Option(
        help="The person's reference (timesheets and payroll runs).")] = None,
    kind: Annotated[str, typer.Option(
        help="statement (the default), timesheet (XLSX or CSV) or payroll (CSV).")] = "statement",
    council: Annotated[str | None, typer.Option(help="Council code, if references repeat.")] = None,
    dry_run: Annotated[bool, typer.Option(help="Check and count without storing.")] = False,
    start: Annotated[str | None, typer.Option(
        "--from", help="First day the statement covers, YYYY-MM-DD, when the file does not say.")] = None,
    end: Annotated[str | None, typer.Option(
        "--to", help="Last day it covers (inclusive), YYYY-MM-DD, when the file does not say.")] = None,
) -> None:
    """Import statements, timesheets or payroll runs, each file whole or not at all, with progress.

    Statements go into an account (--account REF). A statement covers the period it
    declares (OFX, a preamble, or dates in its file name); --from and --to declare it for
    files that do not say, so days without lines at either end count as covered. Every
    line must fall inside the period given.

    Timesheets (--kind timesheet) and payroll runs (--kind payroll) belong to a person
    (--recipient REF), and are read exactly as the API reads them. The same file twice
    changes nothing; a shift or pay period already held is counted, not added again.
    Exit 2 when a file cannot be read or an option is wrong.
    """
    from service.cli import ingest

    if kind not in ingest.KINDS:
        from service.cli.common import fail

        fail(f"--kind must be one of {', '.join(ingest.KINDS)}")
    if kind == "statement":
        ingest.check_statement_options(account, recipient)
        assert account is not None
        ingest.import_path(path, account, council, dry_run, ingest.declared_period(start, end))
    else:
        ingest.check_person_options(kind, account, recipient, start, end)
        assert recipient is not None
        ingest.import_person_files(path, kind, recipient, council, dry_run)


@app.command()
def commitment(
    recipient: Annotated[str, typer.Option(help="The person's reference.")],
    kind: Annotated[str, typer.Option(help="invoice, wages, hmrc, pension or other.")],
    amount: Annotated[str, typer.Option(help="Pounds owed, e.g. 240.00.")],
    description: Annotated[str, typer.Option(help="What it is for, in a few words.")],
    due_on: Annotated[str | None, typer.Option(help="When it is due, YYYY-MM-DD.")] = None,
    council: Annotated[str | None, typer.Option(help="Council code, if references repeat.")] = None,
) -> None:
    """Record money the person's account already owes (an invoice, wages, HMRC, pension).

    An audit takes known commitments off the balance before it works out a surplus, so the
    money is not recovered. Checked as POST /v1/recipients/{id}/commitments checks it.
    Exit 2 with one line when the person is unknown or a value is wrong.
    """
    from service.cli import record

    record.commitment(recipient, kind, amount, due_on, description, council)


@app.command()
def underspend(
    recipient: Annotated[str, typer.Option(help="The person's reference.")],
    reason: Annotated[str, typer.Option(
        help="could_not_recruit, hospital_stay, provider_let_down or other.")],
    start: Annotated[str, typer.Option("--from", help="First day it covers, YYYY-MM-DD.")],
    end: Annotated[str, typer.Option("--to", help="Last day it covers (inclusive), YYYY-MM-DD.")],
    hold: Annotated[bool, typer.Option(
        "--hold", help="Hold any recovery until people have talked.")] = False,
    note: Annotated[str | None, typer.Option(help="More about it, in the person's words.")] = None,
    council: Annotated[str | None, typer.Option(help="Council code, if references repeat.")] = None,
) -> None:
    """Record why money was not spent in a period (unmet need), and optionally hold recovery.

    Audits of the period show the reason; with --hold their recovery is held. Checked as
    POST /v1/recipients/{id}/underspend-reasons checks it. Exit 2 with one line when the
    person is unknown or a value is wrong.
    """
    from service.cli import record

    record.underspend(recipient, reason, start, end, hold, note, council)


@app.command()
def demo() -> None:
    """Load the demo council and print how to sign in. Safe to run again, on any day.

    Prints one line `sign-in ROLE EMAIL PASSWORD` each for the admin, officer and holder (the
    web pages), an API key for the admin, finance officer, DP holder and provider, each on the
    line after its role, and the audit command for the last year. A re-run changes no data
    and replaces the passwords and keys it printed before.
    """
    from service.cli import demo as demo_data

    demo_data.run()


@app.command()
def parse(
    file: Annotated[Path, typer.Argument(help="A statement, timesheet or payroll file.")],
    kind: Annotated[str | None, typer.Option(
        help="statement, timesheet or payroll (default: detect statement or timesheet).")] = None,
    check: Annotated[bool, typer.Option(help="Add each line's category and rule flags.")] = False,
) -> None:
    """Print the records in FILE as JSON lines. Needs no database.

    Statements: {"date", "amount", "description", "reference", "balance", "account"} with
    amount negative for money out. Timesheets: {"worker", "date", "start", "end", "hours",
    "sleep_in"}. Payroll (--kind payroll, never detected): {"worker", "period_start",
    "period_end", "gross", "paye", "employee_ni", "employer_ni", "employee_pension",
    "employer_pension", "net", "hours"}, money as "1234.56". Warnings go to standard
    error. Exit 0 when read; exit 2 with one line naming the file, line and reason.

    With --check, each statement line also has "category" and "flags": [{"rule", "reason"}]
    from the built-in default rules, with no support plan.

    Categories, money in: council_payment (direct payment from the council),
    client_contribution (your contribution), refund, other_income.

    Categories, money out: pa_wages (personal assistant wages), hmrc (tax and National
    Insurance), pension, payroll_service, insurance (employer's liability), dbs_training,
    agency_care, respite (respite and short breaks), day_activities, equipment (equipment
    and adaptations), transport, dp_support_fees (support or managed account fees), cash,
    flexible_use (outside the support plan lines; never flagged), repayment_to_council,
    transfer (between your own direct payment accounts).
    """
    from service.cli import parse as parse_command

    parse_command.parse(file, kind=kind, check=check)


@app.command()
def audit(
    account: Annotated[str, typer.Option("--account", help="The reference of one of the person's accounts.")],
    start: Annotated[str, typer.Option("--from", help="First day of the period, YYYY-MM-DD.")],
    end: Annotated[str, typer.Option("--to", help="Last day of the period (inclusive), YYYY-MM-DD.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print only the audit, as JSON.")] = False,
    xlsx: Annotated[Path | None, typer.Option("--xlsx", help="Write the workbook to this file.")] = None,
    letter: Annotated[Path | None, typer.Option(
        "--letter", help="Write the letter to this file: HTML for .html, PDF for .pdf.")] = None,
    kind: Annotated[str, typer.Option(help="scheduled, on_demand or final.")] = "on_demand",
    council: Annotated[str | None, typer.Option(help="Council code, if references repeat.")] = None,
) -> None:
    """Audit all of a person's accounts for a period and save the audit.

    Running it again for the same person, period and kind refreshes the open audit.
    The rules that judge a whole period (minimum wage, cash each month) run first.

    --json prints one object, a contract kept from release to release. Money is a decimal
    string ("1234.50"):

    opening_balance, closing_balance, money_in, money_out, reconciliation_difference
    (opening + in - out + difference = closing; transfers between the person's own accounts
    are neither in nor out); weekly_plan_value, contingency_weeks (an integer), contingency,
    commitments, surplus (closing - contingency - commitments - paid in advance);
    proposed_recovery, council_share, contribution_share, recovery_held (true or false);
    tier (light, standard or full), tier_reasons ([{label, points}]); accounts (the account
    references); gaps (sentences, "no statement from 1 July to 31 July 2026"); flags
    ([{rule_id, status, transaction_date, transaction_amount, transaction_description, ...}]);
    findings ([{code, severity (info or question), message}]). Also audit_id, recipient_id,
    recipient_reference, period_start, period_end, kind, status, score, agreed_recovery.

    Exit 2 with one line when the account is unknown or ambiguous, or a date is wrong.
    """
    from service.cli import audit as audit_command

    audit_command.run(account, start, end, as_json=as_json, xlsx=xlsx, letter=letter, kind=kind,
                      council_code=council)


@app.command("check-audit")
def check_audit(
    audit_id: Annotated[int, typer.Argument(help="The audit's id (audit_id in `dpaudit audit --json`).")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the check as JSON.")] = False,
) -> None:
    """Check that an audit still rests on what it was decided on.

    Reads the statement lines the audit used as they are stored today and hashes them against
    the hash the audit kept; for a closed audit, also works its frozen digest out again from
    its result, inputs and lines. Changes nothing. Exit 0 when all is unchanged, 1 when
    anything changed or is missing, 2 when there is no such audit. --json prints audit_id,
    status, unchanged, lines, missing_lines, lines_unchanged, frozen_digest, digest_matches
    (null while the audit is open) and message.
    """
    from service.cli import audit as audit_command

    audit_command.check(audit_id, as_json=as_json)


@app.command()
def worker(
    processes: Annotated[int, typer.Option(min=1, max=64, help="Worker processes to run.")] = 1,
) -> None:
    """Take council-wide jobs (audit, letter and retention runs) from PostgreSQL until stopped.

    Run any number of workers, on any number of machines, against the same database
    (DPAUDIT_DATABASE_URL); they share the work, and the work of a worker that dies is taken
    up by another. SIGTERM or SIGINT lets the current piece of work finish, then exits. On
    SQLite there is no worker: jobs run inside `dpaudit serve`, and this exits 2.
    """
    from service.jobs import worker as jobs_worker

    jobs_worker.run(processes)


app.command("retention")(__import__("service.cli.retention", fromlist=["retention"]).retention)


def run() -> None:
    """Entry point: one plain line on errors, never a traceback (DPAUDIT_DEBUG=1 shows it)."""
    import os

    try:
        app()
    except KeyboardInterrupt:
        sys.exit(130)
    except Exception as exc:
        if os.environ.get("DPAUDIT_DEBUG"):
            raise
        typer.echo(f"error: {_describe(exc)}", err=True)
        sys.exit(1)


def _describe(exc: Exception) -> str:
    from sqlalchemy.exc import ArgumentError, OperationalError

    from service.core.errors import DpauditError

    if isinstance(exc, DpauditError):
        return exc.detail
    if isinstance(exc, OperationalError):
        return "cannot reach the database (check DPAUDIT_DATABASE_URL and that the server is up)"
    if isinstance(exc, ArgumentError):
        return f"DPAUDIT_DATABASE_URL is not a database URL ({exc})"
    return f"{type(exc).__name__}: {exc} (set DPAUDIT_DEBUG=1 for details)"


def print_json(data: object) -> None:
    sys.stdout.write(json.dumps(data, indent=2, default=str) + "\n")


if __name__ == "__main__":
    run()
