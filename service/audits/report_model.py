"""A kept audit (its result and what it used) to the report model the writers lay out.

Built only from what the audit stored, never from today's rows, so a workbook or letter
made years later shows exactly what was decided.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, object_session

import reports as r
from service.audits.kept import (
    Finding,
    KeptFlag,
    KeptInputs,
    KeptRates,
    KeptResult,
    KeptWorker,
    PlanLineSpend,
    inputs_of,
    result_of,
)
from service.audits.loading import category_label
from service.audits.money import gbp
from service.audits.storage import shown_lines
from service.audits.words import day_words, list_words, range_words
from service.core.errors import DpauditError
from service.models import Audit, Council, Representative, Upload, User

SEVERITY_WORDS = {"unlawful": "unlawful", "harmful": "harmful", "local_policy": "local policy",
                  "info": "informational"}
# Completes the letter's "This is because ...", in the person's own terms.
HELD_BECAUSE = {
    "could_not_recruit": "you could not find a personal assistant",
    "hospital_stay": "you were in hospital",
    "provider_let_down": "a care provider let you down",
    "other": "of what you told us",
}
# The officer's words for the same reasons, for the workbook.
HELD_FOR_OFFICER = {
    "could_not_recruit": "The person could not recruit a personal assistant",
    "hospital_stay": "The person was in hospital",
    "provider_let_down": "A care provider let the person down",
    "other": "Another reason recorded with the underspend",
}
# A sentence for the letter: the reason is told back, and never asked for again.
TOLD_US = {
    "could_not_recruit": "You told us that you could not find a personal assistant",
    "hospital_stay": "You told us about a stay in hospital",
    "provider_let_down": "You told us that a care provider let you down",
    "other": "You told us why less was spent",
}
REPLY_DAYS = 28  # an open letter asks for a reply within this many days of its date
AGE_BANDS = {"21_plus": "21+", "18_20": "18-20", "16_17": "16-17", "apprentice": "apprentice"}


def d(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


def m(text: str | None) -> Decimal | None:
    return Decimal(text) if text is not None else None


def build_report(audit: Audit) -> r.AuditReport:
    result, used = result_of(audit), inputs_of(audit)
    lines = shown_lines(audit)
    figures: dict[str, Any] = {name: result.money(name) for name in _FIGURES}
    issued = (audit.closed_at or audit.created_at).date() if audit.created_at else None
    closed = audit.status == "closed"
    decision = decision_of(audit)
    underspend = underspend_notes(used)
    items, documents = ((), ()) if closed else letter_asks(audit, underspend, lines)
    held_by_engine = result.recovery_held
    return r.AuditReport(
        council_name=used.council_name,
        recipient_name=used.recipient_name,
        recipient_reference=used.recipient_reference or "",
        period_from=audit.period_start, period_to=audit.period_end,
        audit_kind=audit.kind.replace("_", " "),
        tier=r.Tier(result.tier),
        tier_reasons=tuple(r.TierReason(x.label, x.points) for x in result.tier_reasons),
        **figures,
        contingency_weeks=0 if result.final_audit else result.contingency_weeks,
        recovery_held=held_by_engine,
        recovery_held_reason=held_because(used) if held_by_engine else "",
        recovery_held_reason_for_officer=held_for_officer(used) if held_by_engine else "",
        gaps=tuple(r.CoverageGap(g.start, g.end) for g in result.coverage),
        transactions=tuple(transaction(row) for row in lines),
        plan_lines=tuple(plan_line(line) for line in result.plan_lines),
        flexible_use_total=result.flexible_use,
        flags=tuple(flag(f) for f in used.flags),
        timesheet_findings=timesheet_findings(audit),
        planned_hours=planned_hours(audit),
        surplus_steps=tuple(r.ArithmeticStep(s.label, s.amount, s.explanation)
                            for s in result.surplus_steps),
        items=items,
        documents_needed=documents,
        rules_in_force=tuple(r.RuleInForce(x.id, x.title, x.on) for x in used.rules),
        issued_on=issued,
        difference_explained_by_gaps=explained_by_gaps(result),
        balances_known=not any(a.opening_source.startswith("unknown") for a in result.accounts),
        status=r.AuditStatus.CLOSED if closed else r.AuditStatus.OPEN,
        audit_reference=f"{used.recipient_reference}/{audit.id}" if audit.id else "",
        contact=council_contact(audit),
        holder=holder_of(audit),
        decision=decision,
        reply_by=issued + timedelta(days=REPLY_DAYS) if issued and (items or documents) else None,
        underspend=underspend,
        transfers=transfers(result, lines),
    )


_FIGURES = ("opening_balance", "closing_balance", "money_in", "money_out",
            "reconciliation_difference", "contingency", "weekly_plan_value", "commitments",
            "surplus", "council_share", "contribution_share", "proposed_recovery")


def explained_by_gaps(result: KeptResult) -> bool:
    """Missing statements account for every account's difference (see reconcile.explain_by_gaps)."""
    explained = set(result.explained_accounts)
    unexplained = [a for a in result.accounts if a.difference != 0 and a.account not in explained]
    return bool(explained) and not unexplained


def held_because(used: KeptInputs) -> str:
    holding = [x.reason for x in used.underspend if x.hold_recovery]
    return " and ".join(dict.fromkeys(HELD_BECAUSE.get(code, HELD_BECAUSE["other"]) for code in holding))


def transaction(row: Sequence[Any]) -> r.Transaction:
    _id, account, day, amount, description, code, reason, rules = row
    return r.Transaction(date.fromisoformat(day), account, description, Decimal(amount), code,
                         category_label(code), reason, tuple(rules))


def plan_line(line: PlanLineSpend) -> r.PlanLine:
    return r.PlanLine(line.description, category_label(line.category), line.planned_weekly,
                      line.planned, line.actual)


def flag(row: KeptFlag) -> r.Flag:
    return r.Flag(row.rule_id, row.title, r.Severity(SEVERITY_WORDS[row.severity]),
                  r.FlagStatus(row.status), row.explanation, row.transaction_date,
                  row.transaction_amount, row.transaction_description)


def timesheet_findings(audit: Audit) -> tuple[r.TimesheetFinding, ...]:
    """Per worker: hours and pay over the work the period's payments covered.

    The dates shown are inside the audit's period (a payment early in the period may cover
    work from before it). Planned hours are the worker's own only when one worker has the
    plan line to themselves; a line shared by several workers shows its hours once, in
    ``planned_hours`` below, not on every worker's row.
    """
    result, used = result_of(audit), inputs_of(audit)
    hours = {wid: h for row in result.hours for wid, h in row.by_worker}
    planned = {row.by_worker[0][0]: row.planned_hours for row in result.hours if len(row.by_worker) == 1}
    found = []
    for row in result.wages:
        worker = used.worker(row.worker_id) or KeptWorker(row.worker_id, "A worker", None, None, ZERO)
        worked = hours.get(row.worker_id, Decimal("0.00"))
        if not worked and row.paid == 0:
            continue
        start = max(row.covers_from, audit.period_start)
        end = min(row.covers_to or audit.period_end, audit.period_end)
        found.append(r.TimesheetFinding(
            worker.name, min(start, end), max(start, end), worked, planned.get(row.worker_id),
            row.timesheet_pay, row.paid, worker.hourly_rate,
            minimum_rate(worker, audit.period_end, used.rates),
            _worker_notes(result, row.worker_id)))
    return tuple(found)


def planned_hours(audit: Audit) -> tuple[r.PlannedHours, ...]:
    """Each plan line that pays for hours: planned against worked, by all its workers."""
    return tuple(r.PlannedHours(row.description, row.planned_hours, row.worked_hours, len(row.by_worker))
                 for row in result_of(audit).hours)


def minimum_rate(worker: KeptWorker, on: date, kept: Sequence[KeptRates]) -> Decimal:
    """The minimum wage for the worker's band on the day, from the tables the audit kept."""
    from service.rules.wages import age_on

    band = AGE_BANDS.get(worker.age_band or "", "21+")
    born = worker.date_of_birth
    if born is not None:
        age = age_on(born, on)
        band = "21+" if age >= 21 else "18-20" if age >= 18 else "16-17"
    tables = [t for t in kept if t.starts <= on.isoformat() and band in t.hourly]
    return tables[-1].hourly[band] if tables else Decimal("0")


def _worker_notes(result: KeptResult, worker_id: str) -> str:
    return " ".join(f.message for f in result.findings
                    if worker_id in f.refs and f.code != "holiday_accrued")


# --- who it is from and to, and what was decided -----------------------------------------

def _session(audit: Audit) -> Session | None:
    return object_session(audit)


def council_contact(audit: Audit) -> r.CouncilContact:
    """The council's phone, email and address: as the audit kept them, else as they are now
    (a letter printed later should carry today's phone number, not an old one)."""
    kept = inputs_of(audit).contact
    if kept is not None:
        return r.CouncilContact(kept.phone, kept.email, address_lines(kept.address))
    session = _session(audit)
    council = session.get(Council, audit.council_id) if session is not None else None
    if council is None:
        return r.CouncilContact()
    return r.CouncilContact(council.contact_phone or "", council.contact_email or "",
                            address_lines(council.contact_address))


def address_lines(address: str | None) -> tuple[str, ...]:
    return tuple(line.strip() for line in (address or "").splitlines() if line.strip())


def holder_of(audit: Audit) -> r.Holder | None:
    """The DP holder: a nominee or authorised person where there is one, else the person."""
    kept = inputs_of(audit).holder
    if kept is not None:
        return r.Holder(kept.name, kept.kind)
    session = _session(audit)
    if session is None:
        return None
    reps = session.scalars(select(Representative).where(
        Representative.recipient_id == audit.recipient_id).order_by(Representative.id)).all()
    for kind in ("authorised_person", "nominee"):
        acting = next((rep for rep in reps if rep.kind == kind), None)
        if acting is not None:
            return r.Holder(acting.name, acting.kind)
    return None


def decision_of(audit: Audit) -> r.Decision:
    """The officer's decision, read with care: a hold may be recorded in the result, the
    inputs or on the audit itself, as ``recovery_held`` with a reason."""
    held, reason = hold_of(audit)
    who = ""
    session = _session(audit)
    decider_id = audit.decided_by_id or audit.closed_by_id
    if session is not None and decider_id is not None:
        user = session.get(User, decider_id)
        who = user.name if user is not None else ""
    decided_at = audit.decided_at or audit.closed_at
    agreed = audit.agreed_recovery
    return r.Decision(
        agreed_recovery=agreed.quantize(Decimal("0.01")) if agreed is not None else None,
        reason=(audit.decision_reason or "").strip(),
        decided_by=who, decided_on=decided_at.date() if decided_at else None,
        held=held, held_reason=reason)


def hold_of(audit: Audit) -> tuple[bool, str]:
    """(on hold, why) from the officer's decision."""
    if audit.recovery_held:
        return True, (audit.decision_reason or "").strip()
    return False, ""


def held_for_officer(used: KeptInputs) -> str:
    words = [HELD_FOR_OFFICER.get(x.reason, HELD_FOR_OFFICER["other"]) + (f" ({x.note})" if x.note else "")
             for x in used.underspend if x.hold_recovery]
    return "; ".join(dict.fromkeys(words))


def underspend_notes(used: KeptInputs) -> tuple[r.UnderspendNote, ...]:
    notes = []
    for x in used.underspend:
        told = TOLD_US.get(x.reason, TOLD_US["other"])
        if x.reason == "other" and x.note:
            told = f"You told us why less was spent: {x.note}"
        notes.append(r.UnderspendNote(
            told, HELD_FOR_OFFICER.get(x.reason, HELD_FOR_OFFICER["other"]), x.start, x.end, x.note,
            x.hold_recovery))
    return tuple(notes)


def transfers(result: KeptResult, lines: Sequence[Sequence[Any]]) -> tuple[r.TransferPair, ...]:
    days = {str(row[0]): row[2] for row in lines}
    return tuple(r.TransferPair(t.from_account, t.to_account, t.amount,
                                d(days.get(t.out_id) or days.get(t.in_id)))
                 for t in result.transfers)


# --- what an open letter asks: one item per subject, papers only where needed --------------

RELATIVE_RULE = "unlawful.household_relative"
RELATIVE_WORDS = re.compile(r"This payment is to (?P<worker>.+?), recorded as your (?P<who>[^.]+?)\.")
ZERO = Decimal("0.00")


def letter_asks(audit: Audit, underspend: tuple[r.UnderspendNote, ...],
                lines: Sequence[Sequence[Any]] | None = None,
                ) -> tuple[tuple[r.LetterItem, ...], tuple[r.DocumentRequest, ...]]:
    """The subjects an open letter asks about, each once, and the papers it needs.

    A light audit asks nothing. Otherwise: flags grouped by what they ask (six wages to one
    relative are one item), the missing statements as one item, statements that do not
    add up, contributions, pay that differs from timesheets (one per worker), the wage
    questions, and money above what may be kept (never asking again for an underspend
    reason already given). Papers (full audits only) are the ones these need and the
    statements and uploads do not already show.
    """
    result, used = result_of(audit), inputs_of(audit)
    tier = result.tier
    if tier == "light":
        return (), ()
    findings = result.findings
    workers = [w.name for w in used.workers]
    flagged = flag_items(used.flags, workers)
    items = [*flagged, *gap_items(audit, findings),
             *balance_items(audit, findings), *income_items(findings),
             *wage_items(audit, findings, told=" ".join(i.text for i in flagged)),
             *rule_question_items(findings),
             *surplus_items(audit, underspend)]
    documents = needed_documents(audit, lines) if tier == "full" else ()
    return tuple(dict.fromkeys(items)), documents


def months_words(days: list[date]) -> str:
    months = sorted({(day.year, day.month) for day in days})
    names = [date(y, m_, 1).strftime("%B") for y, m_ in months]
    years = sorted({y for y, _ in months})
    if len(names) == 1:
        return f"{names[0]} {years[0]}"
    if len(years) == 1:
        return f"{', '.join(names[:-1])} and {names[-1]} {years[0]}"
    first, last = months[0], months[-1]
    return f"{date(*first, 1):%B %Y} to {date(*last, 1):%B %Y}"


def flag_items(flags: Sequence[KeptFlag], workers: list[str]) -> list[r.LetterItem]:
    """Open flags, grouped: one subject per rule and what it is about (the same payee or
    explanation, or for a flag on a period of work, the worker), so twelve weeks of low pay
    to one worker are one item, not twelve."""
    groups: dict[tuple[str, str], list[KeptFlag]] = {}
    for f in flags:
        if f.status != "open" or f.severity == "info":
            continue
        about = f.explanation
        if not f.transaction_date:
            about = next((name for name in workers if name and name in f.explanation), about)
        groups.setdefault((f.rule_id, about), []).append(f)
    items = []
    for (rule, about), rows in groups.items():
        if len(rows) > 1 and not rows[0].transaction_date:
            items.append(period_flags_item(rule, about, rows))
        else:
            items.append(flag_item(rule, rows[0].explanation, rows))
    return items


LOW_PAY_RULE = "unlawful.below_minimum_wage"
LOW_PAY_WORDS = re.compile(r"£(?P<short>[\d,]+\.\d\d) less than the law says for (?P<when>[^.]+)\.")


def period_flags_item(rule: str, worker: str, rows: list[KeptFlag]) -> r.LetterItem:
    """Several flags on periods of work for one worker: told once, with the first and last."""
    found = [m_ for x in rows if (m_ := LOW_PAY_WORDS.search(x.explanation)) is not None]
    if rule == LOW_PAY_RULE and len(found) == len(rows):
        short = sum((Decimal(m_["short"].replace(",", "")) for m_ in found), ZERO)
        return r.LetterItem(
            f"You paid {worker} less than the law says for {len(rows)} pay periods, {gbp(short)} "
            f"in all. The first was {found[0]['when']}. The last was {found[-1]['when']}",
            f"Is this right? If {worker} was also paid in another way, please tell us.")
    return r.LetterItem(f"We have {len(rows)} notes about {worker}. The first is this. "
                        f"{rows[0].explanation}")


def flag_item(rule: str, explanation: str, rows: list[KeptFlag]) -> r.LetterItem:
    paid = [(x.transaction_date, abs(x.transaction_amount)) for x in rows
            if x.transaction_date and x.transaction_amount is not None]
    total = sum((amount for _, amount in paid), ZERO)
    payees = {x.transaction_description or "" for x in rows}
    to = f" to {payees.pop()}" if len(payees) == 1 and "" not in payees else ""
    relative = RELATIVE_WORDS.search(explanation) if rule == RELATIVE_RULE else None
    if relative is not None:
        worker, who = relative["worker"], relative["who"]
        when = f" in {months_words([day for day, _ in paid])}" if paid else ""
        times = f"{len(paid)} {'time' if len(paid) == 1 else 'times'}"
        text = (f"{worker} was paid {times}{when}, {gbp(total)} in all. {worker} is your {who}. "
                "The law only lets a direct payment pay them if the council agreed it was needed")
        return r.LetterItem(text, "Did the council agree this was necessary? If it did, please tell us when.")
    if len(paid) == 1:
        (day, amount), = paid
        return r.LetterItem(f"On {day_words(day)}, {gbp(amount)} went{to}. {explanation}")
    if paid:
        text = (f"{len(paid)} payments went{to} in {months_words([day for day, _ in paid])}, "
                f"{gbp(total)} in all. {explanation}")
        return r.LetterItem(text.replace("what it was for", "what they were for"))
    return r.LetterItem(explanation)


def gap_items(audit: Audit, findings: Sequence[Finding]) -> list[r.LetterItem]:
    """Every missing statement in one item, with the money that moved while it was missing."""
    gaps = result_of(audit).coverage
    if not gaps:
        return []
    spans = [range_words(g.start, g.end) for g in gaps]
    moved = [f.message.split(";")[0] for f in findings if f.code == "balance_moved_during_gap"]
    one = len(spans) == 1
    text = f"We do not have {'a bank statement' if one else 'bank statements'} for {list_words(spans)}."
    text += "".join(f" {sentence_of(line)}" for line in dict.fromkeys(moved))
    return [r.LetterItem(text, f"Please send us {'this statement' if one else 'these statements'}.")]


def balance_items(audit: Audit, findings: Sequence[Finding]) -> list[r.LetterItem]:
    """Statements that do not add up: one item, never naming an upload."""
    codes = {"reconciliation_difference", "statement_does_not_add_up", "balance_chain_break"}
    if not any(f.code in codes for f in findings):
        return []
    difference = result_of(audit).reconciliation_difference
    unexplained = [f for f in findings if f.code == "reconciliation_difference"]
    out = f" They are {gbp(abs(difference))} out." if unexplained and difference else ""
    return [r.LetterItem(f"Your statements do not add up.{out} A line may be missing, or shown twice.",
                         "Can you help us see why?")]


def income_items(findings: Sequence[Finding]) -> list[r.LetterItem]:
    """Contributions not paid in, as one item; council payments are the council's to check."""
    short = [f.amount or Decimal(0) for f in findings if f.code == "contribution_arrears"]
    if not short:
        return []
    return [r.LetterItem(f"Your own payments into the account are {gbp(sum(short, ZERO))} short.",
                         "Can you tell us about this?")]


def wage_items(audit: Audit, findings: Sequence[Finding], told: str = "") -> list[r.LetterItem]:
    """Pay that differs from timesheets: one item per worker, however many pay periods, and
    none for a worker whose pay a flag already asks about."""
    names = {w.id: w.name for w in inputs_of(audit).workers}
    per_worker: dict[str, int] = {}
    for f in findings:
        if f.code == "wages_differ_from_timesheets":
            worker = names.get((f.refs or ("?",))[0], "A personal assistant")
            if worker not in told:
                per_worker[worker] = per_worker.get(worker, 0) + 1
    return [r.LetterItem(
        f"The pay for {worker} is not the same as the timesheets"
        f"{'' if times == 1 else f' for {times} pay periods'}. Tax, pension or an advance may explain it.",
        "Can you tell us why?") for worker, times in per_worker.items()]


def rule_question_items(findings: Sequence[Finding]) -> list[r.LetterItem]:
    return [r.LetterItem(f.message) for f in findings if f.code == "rule_question"]


def surplus_items(audit: Audit, underspend: tuple[r.UnderspendNote, ...]) -> list[r.LetterItem]:
    """Money above what may be kept: is any of it spoken for? The reason for spending less
    is asked only when none was recorded."""
    result = result_of(audit)
    if result.final_audit or result.surplus <= 0:
        return []
    ask = "Is any of it already spoken for, like a bill to pay?"
    if not underspend:
        ask += " If you could not get the support you need, please tell us why."
    return [r.LetterItem(f"There is {gbp(result.surplus)} more than you may keep.", ask)]


def needed_documents(audit: Audit, lines: Sequence[Sequence[Any]] | None = None
                     ) -> tuple[r.DocumentRequest, ...]:
    """Papers a full audit needs that the statements and uploads do not already show.

    Statements for the gaps are asked for in their own item, not again here. Timesheets and
    payslips only when none were uploaded for the period. HMRC only when money was due to
    HMRC (tax, or National Insurance beyond the Employment Allowance); pension only when a
    worker had to be enrolled; insurance only when no payment for it shows.
    """
    result, used = result_of(audit), inputs_of(audit)
    rows = shown_lines(audit) if lines is None else lines
    seen = {row[5] for row in rows}
    employs = bool(used.workers) or "pa_wages" in seen
    docs: list[r.DocumentRequest] = []
    if employs:
        uploaded = uploaded_kinds(audit)
        wage_doubts = any(f.code == "wages_differ_from_timesheets" for f in result.findings)
        duties = employer_duties(audit, rows)
        if "timesheet" not in uploaded and "payroll" not in uploaded:
            docs.append(r.DocumentRequest("Timesheets for your personal assistants for this time"))
        if "payroll" not in uploaded and (wage_doubts or duties.hmrc_due):
            docs.append(r.DocumentRequest("Payslips for your personal assistants for this time"))
        if duties.hmrc_due and "hmrc" not in seen:
            docs.append(r.DocumentRequest("Proof of what you paid to HMRC for tax and National Insurance"))
        if duties.pension_due and "pension" not in seen:
            docs.append(r.DocumentRequest("Proof of what you paid into your workers' pension"))
        if "insurance" not in seen:
            docs.append(r.DocumentRequest("Your employer's insurance paper",
                                          "It must cover at least £5 million."))
    if any("invoice" in text for text in result.documents):
        docs.append(r.DocumentRequest("Bills for care and support you paid for in this time"))
    return tuple(docs)


def uploaded_kinds(audit: Audit) -> set[str]:
    """Kinds of upload (timesheet, payroll) that cover part of the audit's period."""
    session = _session(audit)
    if session is None:
        return {"timesheet"} if inputs_of(audit).workers else set()
    kinds = session.scalars(select(Upload.kind).where(
        Upload.recipient_id == audit.recipient_id, Upload.kind.in_(("timesheet", "payroll")),
        Upload.status == "imported", Upload.period_start.is_not(None),
        Upload.period_start <= audit.period_end, Upload.period_end >= audit.period_start)).all()
    return set(kinds)


@dataclass(frozen=True)
class EmployerDuties:
    hmrc_due: bool
    pension_due: bool


def employer_duties(audit: Audit, lines: Sequence[Sequence[Any]]) -> EmployerDuties:
    """Whether money was due to HMRC or into a pension, from each worker's pay over a year.

    Pay per worker comes from the timesheet check where there is one, else from the wage
    lines grouped by payee. Tax or employee National Insurance is due when a worker earns
    above the personal allowance or primary threshold; employer National Insurance counts
    only beyond the Employment Allowance. A pension is due for a worker aged 22 to state
    pension age (or of unknown age) earning over the earnings trigger.
    """
    from service.rules.wages import age_on, thresholds_on

    used, result = inputs_of(audit), result_of(audit)
    days = (audit.period_end - audit.period_start).days + 1
    per_year = Decimal(365) / Decimal(days)
    pay: dict[str, Decimal] = {}
    for row in result.wages:
        pay[row.worker_id] = pay.get(row.worker_id, ZERO) + row.paid
    if not pay:
        for line in lines:
            if line[5] == "pa_wages":
                pay[line[4]] = pay.get(line[4], ZERO) - Decimal(line[3])
    limits, duties = thresholds_on(audit.period_end), duties_on(audit.period_end)
    if limits is None or duties is None:
        return EmployerDuties(bool(pay), bool(pay))
    yearly = {who: amount * per_year for who, amount in pay.items()}
    taxed = min(limits.figures["personal_allowance"]["year"], limits.figures["primary_threshold"]["year"])
    secondary = limits.figures["secondary_threshold"]["year"]
    employer_ni = sum((max(ZERO, y - secondary) * duties["rate"] for y in yearly.values()), ZERO)
    hmrc = any(y > taxed for y in yearly.values()) or employer_ni > duties["allowance"]
    trigger = limits.figures["pension_earnings_trigger"]["year"]

    def enrolled_age(who: str) -> bool:
        worker = used.worker(who)
        born = worker.date_of_birth if worker else None
        if born is None:
            return (worker.age_band if worker else None) in (None, "21_plus")
        return duties["from_age"] <= age_on(born, audit.period_end) < duties["pension_age"]

    pension = any(y > trigger and enrolled_age(who) for who, y in yearly.items())
    return EmployerDuties(hmrc, pension)


def duties_on(day: date) -> dict[str, Decimal] | None:
    """Employer NI rate, Employment Allowance and pension ages for the tax year of a day."""
    from service.rules._data import read_json

    current = None
    for year in read_json("employer_duties.json")["years"]:
        if date.fromisoformat(year["from"]) <= day:
            current = year
    if current is None:
        return None
    return {"rate": Decimal(current["employer_ni_rate"]),
            "allowance": Decimal(current["employment_allowance"]),
            "from_age": Decimal(current["pension_from_age"]),
            "pension_age": Decimal(current["state_pension_age"])}


def sentence_of(text: str) -> str:
    text = text.strip()
    return text if text.endswith((".", "?", "!")) else f"{text}."


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
