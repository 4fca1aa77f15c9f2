"""Statement ingest: parse, check, dedup in layers, store atomically, classify, summarise.

Dedup, in layers, every decision recorded with the key that fired:
1. the bank's own transaction id (OFX FITID, a provider's id), scoped to the account and
   confirmed by amount and date; an id that comes back with another amount or date is stored
   and marked ``id_collision`` for review, never skipped;
2. for files with a running balance, (date, amount, balance after), which also proves no
   line is missing when the balances chain;
3. otherwise the line's own content (date, amount, text as written);
each with an occurrence number, so two identical coffees on one day are two transactions.
A unique constraint on (account, key, occurrence) backs all of it, so two overlapping files
arriving at once still give exactly their union. Near-duplicates from other uploads (same amount
and payee within 3 days) are stored and listed for a person to look at, never merged.
"""

from __future__ import annotations

import functools
import hashlib
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from operator import attrgetter
from typing import TYPE_CHECKING, Any

from sqlalchemy import Column, MetaData, Table, bindparam, select, true, update

from importers import ImportFailure, Limits, parse_statement
from importers.records import ParsedStatement, StatementLine
from service import rules
from service.audits import balances
from service.core.context import Ctx
from service.core.errors import Unprocessable, field_error
from service.core.events import record
from service.core.schemas import EARLIEST, LATEST
from service.core.types import utcnow
from service.ingest import uploads
from service.ingest.schemas import (
    ChainBreak,
    Decision,
    Gap,
    Period,
    RowCounts,
    StatementResult,
)
from service.models import Account, Flag, Recipient, Transaction, Upload
from service.models.live import live
from service.rules import payee_key
from service.rules.model import ref_id

if TYPE_CHECKING:
    from service.people.context import PersonContext

# statements repeat the same few payees: work each one out once per process
_payee_key = functools.lru_cache(maxsize=65536)(lambda description: payee_key(description)[:200])

NEAR_DUPLICATE_DAYS = 3
ID_DATE_TOLERANCE_DAYS = 3
_CHUNK = 5000


@dataclass(frozen=True)
class Declared:
    """What the uploader tells us when the file does not say (Monzo CSV, QIF...)."""

    period_start: date | None = None
    period_end: date | None = None
    opening_balance: Decimal | None = None
    closing_balance: Decimal | None = None


@dataclass
class Keyed:
    line: StatementLine
    rule: str
    key: str
    occurrence: int = 0
    review: str | None = None
    duplicate_of: int | None = None
    found: rules.Classification | None = None
    position: int = 0  # place in the file, counted oldest-first


@dataclass
class Outcome:
    new_ids: list[int] = field(default_factory=list)
    new_keys: list[tuple[str, int]] = field(default_factory=list)
    decisions: list[Decision] = field(default_factory=list)
    duplicates: int = 0
    possible_duplicates: int = 0
    id_collisions: int = 0


def import_statement(
    ctx: Ctx,
    account: Account,
    data: bytes,
    filename: str | None,
    *,
    declared: Declared | None = None,
    dry_run: bool = False,
    limits: Limits | None = None,
) -> tuple[StatementResult, bool]:
    """Import one statement file into ``account``. Returns the summary and whether it is new.

    The whole file is stored or nothing is: any failure raises before the caller commits.
    """
    digest = uploads.sha256(data)
    first = uploads.previous_upload(ctx.session, kind="statement", digest=digest, account_id=account.id)
    if first is not None:
        return _replay(first, dry_run), False
    limits = limits or uploads.upload_limits()
    try:
        parsed = parse_statement(data, filename, limits=limits)
    except ImportFailure as exc:
        raise _unreadable(filename, exc) from exc
    lines = lines_for_account(account, parsed)
    result = ingest_lines(ctx, account, lines, kind="statement", raw=data, filename=filename,
                          file_format=parsed.format, parsed=parsed, declared=declared or Declared(),
                          dry_run=dry_run)
    if result.upload_id is not None:
        uploads.keep_audits_in_step(ctx, account.recipient_id)
    return result, True


def import_batch(ctx: Ctx, account: Account, lines: Sequence[StatementLine], raw: bytes,
                 declared: Declared, *, dry_run: bool = False,
                 ) -> tuple[StatementResult, bool, uploads.Asked | None]:
    """Provider transactions sent as JSON, with their own ids: the same checks as a file.

    The person's open audits are worked out again once the caller has committed the batch
    (``uploads.after_commit`` with the third value), so that batches for one person arriving
    together are read by one refresh rather than each waiting to do its own. A replay finishes
    a refresh a batch of theirs left undone."""
    digest = uploads.sha256(raw)
    first = uploads.previous_upload(ctx.session, kind="batch", digest=digest, account_id=account.id)
    if first is not None:
        unfinished = None if dry_run else uploads.still_asked(ctx, account.recipient_id)
        return _replay(first, dry_run), False, unfinished
    result = ingest_lines(ctx, account, list(lines), kind="batch", raw=raw, filename=None,
                          file_format="json", parsed=None, declared=declared, dry_run=dry_run)
    asked = uploads.ask_audits_in_step(ctx, account.recipient_id) if result.upload_id is not None else None
    return result, True, asked


def _unreadable(filename: str | None, exc: ImportFailure) -> Unprocessable:
    where = f"line {exc.line}" if exc.line else "the file"
    return Unprocessable(
        f"{filename or 'The file'} could not be read ({where}): {exc.reason}",
        errors=[field_error(exc.field or "file", exc.reason, line=exc.line)],
    )


def _replay(first: Upload, dry_run: bool) -> StatementResult:
    summary = StatementResult.model_validate(first.summary)
    return summary.model_copy(update={"duplicate_file": True, "dry_run": dry_run})


def lines_for_account(account: Account, parsed: ParsedStatement) -> list[StatementLine]:
    """The file's lines for this account; a file for another account is refused, whether
    its lines name the account or only its preamble does ("FlexDirect ****45678")."""
    in_file = sorted({line.account for line in parsed.lines if line.account} | set(parsed.accounts))
    if not in_file:
        return list(parsed.lines)
    last4 = (account.masked_number or "")[-4:]
    if last4:
        matching = {a for a in in_file if "".join(ch for ch in a if ch.isdigit()).endswith(last4)}
        if len(matching) > 1:
            raise Unprocessable(
                f"This file holds {len(matching)} accounts ending {last4}, so we cannot tell "
                "which lines are this account's. Download the statement for this account alone.",
                errors=[field_error("account", f"several accounts in the file end {last4}")],
            )
        if not matching:
            shown = ", ".join("…" + a[-4:] for a in in_file)
            raise Unprocessable(
                f"This file is for account {shown}, not the account ending {last4}.",
                errors=[field_error("account", f"file is for {shown}, not …{last4}")],
            )
        return [line for line in parsed.lines if line.account is None or line.account in matching]
    if len(in_file) > 1:
        raise Unprocessable(
            f"This file holds {len(in_file)} accounts. Record this account's last four digits "
            "so we can take the right lines.",
            errors=[field_error("account", "file holds several accounts; account number not recorded")],
        )
    return list(parsed.lines)


def ingest_lines(ctx: Ctx, account: Account, lines: list[StatementLine], *, kind: str, raw: bytes,
                 filename: str | None, file_format: str | None, parsed: ParsedStatement | None,
                 declared: Declared, dry_run: bool) -> StatementResult:
    """One straight pipeline: check, order, keys, write, classify, flags, summary. The caller
    brings the person's open audits in step."""
    check_line_dates(lines, declared)
    chronological = oldest_first(lines)
    keyed = assign_keys(chronological)
    _resolve_id_collisions(ctx, account, keyed)
    from service.people.context import load_person

    person = load_person(ctx.session, account.recipient_id)  # once: classification and period rules
    classify = classifier(person, account)
    for item in keyed:
        item.found = classify(item.line, None)
    opening, closing, balance_warnings = _balances(chronological, parsed, declared)
    period, evidence = _period(chronological, parsed, declared)
    upload: Upload | None = None
    if dry_run:
        outcome = _preview(ctx, account, keyed)
    else:
        upload = uploads.create_upload(
            ctx, recipient_id=account.recipient_id, account_id=account.id, kind=kind,
            sha256=uploads.store_blob(ctx.session, raw), filename=filename, format=file_format,
            period_start=period.start, period_end=period.end, period_evidence=evidence,
            opening_balance=opening, closing_balance=closing, summary={})
        outcome = _store(ctx, account, upload, keyed)
    upload_id = upload.id if upload is not None else None
    flags = _raise_flags(ctx, account, keyed, outcome, classify) if upload else _preview_flags(keyed, outcome)
    if upload is not None and outcome.new_ids and period.start and period.end:
        flags += _period_flags(ctx, account, person, period.start, period.end)
    result = _summary(
        upload_id=upload_id, dry_run=dry_run, file_format=file_format, filename=filename,
        period=period, lines=lines, outcome=outcome, opening=opening, closing=closing,
        chain=chain_breaks(chronological), gaps=_gaps(ctx, account, period),
        flags=flags, warnings=[*(parsed.warnings if parsed else ()), *balance_warnings],
    )
    if upload is not None:
        upload.summary = result.model_dump(mode="json")
        record(ctx, "upload.imported", upload, after={
            "upload_id": upload.id, "account_id": account.id, "kind": kind, "sha256": upload.sha256,
            "rows": result.rows.model_dump()})
    return result


# --- keys --------------------------------------------------------------------------------

def _digest(*parts: object) -> str:
    return hashlib.sha256("|".join(str(p) for p in parts).encode()).hexdigest()[:40]


def _text(description: str) -> str:
    """The text as the bank wrote it, spacing and case evened out; never a derived payee."""
    return " ".join(description.upper().split())


def assign_keys(lines: Iterable[StatementLine]) -> list[Keyed]:
    """Keys for the lines, given oldest-first: each keeps its place as its position."""
    keyed: list[Keyed] = []
    seen: dict[str, int] = defaultdict(int)
    for position, line in enumerate(lines):
        if line.reference:
            rule, key = "bank_id", "id:" + _digest(line.reference)
        elif line.balance is not None:
            rule, key = "balance_chain", "bal:" + _digest(line.date, line.amount, line.balance)
        else:
            rule, key = "content", "txt:" + _digest(line.date, line.amount, _text(line.description))
        keyed.append(Keyed(line, rule, key, seen[key], position=position))
        seen[key] += 1
    return keyed


def _existing(ctx: Ctx, account: Account, keys: Iterable[str]) -> dict[tuple[str, int], Any]:
    found: dict[tuple[str, int], Any] = {}
    wanted = sorted(set(keys))
    for start in range(0, len(wanted), _CHUNK):
        rows = ctx.session.execute(
            select(Transaction.id, Transaction.dedup_key, Transaction.occurrence,
                   Transaction.amount, Transaction.posted_on)
            .where(Transaction.account_id == account.id, live(Transaction),
                   Transaction.dedup_key.in_(wanted[start:start + _CHUNK])))
        for row in rows:
            found[(row.dedup_key, row.occurrence)] = row
    return found


def _resolve_id_collisions(ctx: Ctx, account: Account, keyed: list[Keyed]) -> None:
    """Match bank ids to stored lines by amount and date; an id that comes back for a
    different line is kept (re-keyed) and marked for review, never skipped."""
    by_id = [k for k in keyed if k.rule == "bank_id"]
    if not by_id:
        return
    stored: dict[str, list[Any]] = defaultdict(list)
    for row in _existing(ctx, account, (k.key for k in by_id)).values():
        stored[row.dedup_key].append(row)
    claimed: set[int] = set()
    collided: dict[str, int] = defaultdict(int)
    for item in by_id:
        rows = stored.get(item.key)
        if not rows:
            continue
        match = next((r for r in rows if r.id not in claimed and _same_line(r, item.line)), None)
        if match is not None:
            claimed.add(match.id)
            item.occurrence = match.occurrence  # the stored line: the insert will skip it
            continue
        line = item.line
        item.key = "idc:" + _digest(line.reference, line.date, line.amount, _text(line.description))
        item.occurrence = collided[item.key]
        collided[item.key] += 1
        item.review, item.duplicate_of = "id_collision", rows[0].id


def _same_line(row: Any, line: StatementLine) -> bool:
    close = abs((row.posted_on - line.date).days) <= ID_DATE_TOLERANCE_DAYS
    return bool(row.amount == line.amount and close)


# --- storing -----------------------------------------------------------------------------

def _row(account: Account, upload: Upload, item: Keyed, now: Any) -> dict[str, Any]:
    line, found = item.line, item.found
    return {
        "council_id": account.council_id, "account_id": account.id, "upload_id": upload.id,
        "posted_on": line.date, "amount": line.amount, "description": line.description,
        "reference": (line.reference or "")[:255] or None, "balance": line.balance,
        "mcc": line.mcc, "source_line": line.line, "position": item.position, "dedup_key": item.key,
        "dedup_rule": item.rule, "occurrence": item.occurrence,
        "payee_key": _payee_key(line.description), "review": item.review,
        "possible_duplicate_of": item.duplicate_of, "created_at": now,
        "category": found.category if found else None, "category_reason": found.reason if found else None,
        "worker_id": ref_id(found.worker_ref) if found else None,
        "plan_line_id": ref_id(found.plan_line_ref) if found else None,
    }


_STAGED = ("council_id", "account_id", "upload_id", "posted_on", "amount", "description", "reference",
           "balance", "mcc", "source_line", "position", "dedup_key", "dedup_rule", "occurrence", "payee_key",
           "review", "possible_duplicate_of", "created_at", "category", "category_reason",
           "worker_id", "plan_line_id")


def _staging_table() -> Table:
    """A per-connection temporary table shaped like the stored columns (types and all)."""
    columns = [Column(name, Transaction.__table__.c[name].type) for name in _STAGED]
    return Table("staging_transactions", MetaData(), *columns, prefixes=["TEMPORARY"])


STAGING = _staging_table()
_STRAIGHT_IN = 100  # lines stored as the INSERT's own values; more go through the staging table
# built from our own constant column names, never from input
_SQLITE_STAGE_INSERT = (f"INSERT INTO staging_transactions ({', '.join(_STAGED)}) "  # noqa: S608
                        f"VALUES ({', '.join('?' for _ in _STAGED)})")


def _store(ctx: Ctx, account: Account, upload: Upload, keyed: list[Keyed]) -> Outcome:
    """Store the new lines in one INSERT ... ON CONFLICT DO NOTHING, which the unique
    constraint makes safe against a parallel upload of an overlapping file. A file's lines are
    first loaded into a staging table at bulk speed (COPY on PostgreSQL) and moved across with
    INSERT ... SELECT; a provider batch's few lines go straight in as the INSERT's values."""
    now = utcnow()
    rows = [_row(account, upload, k, now) for k in keyed]
    connection = ctx.session.connection()
    table = Transaction.__table__
    staged = len(rows) > _STRAIGHT_IN
    if staged:
        STAGING.create(connection, checkfirst=True)
        connection.execute(STAGING.delete())
        _load_staging(connection, rows)
    insert = uploads.dialect_insert(ctx.session, table)
    insert = (insert.from_select(list(_STAGED), select(*STAGING.c).where(true())) if staged
              else insert.values(rows))
    move = (insert.on_conflict_do_nothing(index_elements=["account_id", "dedup_key", "occurrence"],
                                          index_where=live(Transaction))
            .returning(table.c.id, table.c.dedup_key, table.c.occurrence))
    inserted = {(r.dedup_key, r.occurrence): r.id for r in connection.execute(move)} if rows else {}
    if staged:
        connection.execute(STAGING.delete())
    outcome = _tally(ctx, account, keyed, inserted)
    _mark_near_duplicates(ctx, account, upload, keyed, inserted, outcome)
    return outcome


def _load_staging(connection: Any, rows: list[dict[str, Any]]) -> None:
    if connection.dialect.name != "postgresql":
        _load_staging_sqlite(connection, rows)
        return
    money = {"amount", "balance"}
    cursor = connection.connection.driver_connection.cursor()
    with cursor.copy(f"COPY staging_transactions ({', '.join(_STAGED)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row([_pence(row[c]) if c in money else row[c] for c in _STAGED])


def _load_staging_sqlite(connection: Any, rows: list[dict[str, Any]]) -> None:
    """One executemany of plain tuples, converted by the columns' own bind processors (so the
    stored form is exactly what SQLAlchemy would write), without per-row statement overhead."""
    convert = [(name, STAGING.c[name].type.bind_processor(connection.dialect)) for name in _STAGED]
    values = [tuple(to(row[name]) if to and row[name] is not None else row[name]
                    for name, to in convert) for row in rows]
    cursor = connection.connection.driver_connection.cursor()
    cursor.executemany(_SQLITE_STAGE_INSERT, values)


def _pence(value: Decimal | None) -> int | None:
    return None if value is None else int(value.scaleb(2))


def _tally(ctx: Ctx, account: Account, keyed: list[Keyed],
           inserted: dict[tuple[str, int], int]) -> Outcome:
    outcome = Outcome()
    skipped = [k for k in keyed if (k.key, k.occurrence) not in inserted]
    matches = _existing(ctx, account, (k.key for k in skipped)) if skipped else {}
    for item in keyed:
        new_id = inserted.get((item.key, item.occurrence))
        if new_id is not None:
            outcome.new_ids.append(new_id)
            outcome.new_keys.append((item.key, item.occurrence))
            if item.review == "id_collision":
                outcome.id_collisions += 1
                outcome.decisions.append(Decision(line=item.line.line, outcome="id_collision",
                                                  key=item.rule, transaction_id=item.duplicate_of))
            continue
        outcome.duplicates += 1
        match = matches.get((item.key, item.occurrence))
        outcome.decisions.append(Decision(line=item.line.line, outcome="duplicate", key=item.rule,
                                          transaction_id=match.id if match else None))
    return outcome


def _preview(ctx: Ctx, account: Account, keyed: list[Keyed]) -> Outcome:
    existing = _existing(ctx, account, (k.key for k in keyed))
    outcome = Outcome()
    for item in keyed:
        match = existing.get((item.key, item.occurrence))
        if match is None:
            outcome.id_collisions += item.review == "id_collision"
            continue
        outcome.duplicates += 1
        outcome.decisions.append(Decision(line=item.line.line, outcome="duplicate", key=item.rule,
                                          transaction_id=match.id))
    return outcome


def _mark_near_duplicates(ctx: Ctx, account: Account, upload: Upload, keyed: list[Keyed],
                          inserted: dict[tuple[str, int], int], outcome: Outcome) -> None:
    """Same amount and payee within 3 days, from another upload: ask a person, never merge."""
    fresh = [(k, inserted[(k.key, k.occurrence)]) for k in keyed
             if (k.key, k.occurrence) in inserted and k.review is None]
    if not fresh:
        return
    low = min(k.line.date for k, _ in fresh) - timedelta(days=NEAR_DUPLICATE_DAYS)
    high = max(k.line.date for k, _ in fresh) + timedelta(days=NEAR_DUPLICATE_DAYS)
    stmt = (select(Transaction.id, Transaction.posted_on, Transaction.amount, Transaction.payee_key,
                   Transaction.balance)
            .where(Transaction.account_id == account.id, Transaction.upload_id != upload.id,
                   live(Transaction), Transaction.posted_on.between(low, high))
            .order_by(Transaction.id))  # the earliest stored twin first
    # only lines that could be a twin: an account's busy days need not be read whole
    for column, values in ((Transaction.amount, {k.line.amount for k, _ in fresh}),
                           (Transaction.payee_key, {_payee_key(k.line.description) for k, _ in fresh})):
        if len(values) <= _NEAR_FILTER_MAX:
            stmt = stmt.where(column.in_(sorted(values)))
    earlier: dict[tuple[Decimal, str, date], list[tuple[int, bool]]] = defaultdict(list)
    for row in ctx.session.execute(stmt):
        earlier[(row.amount, row.payee_key, row.posted_on)].append((row.id, row.balance is not None))
    marks: list[dict[str, Any]] = []
    for item, new_id in fresh:
        twin = _near(earlier, item.line)
        if twin is not None:
            marks.append({"tid": new_id, "dup": twin})
            outcome.possible_duplicates += 1
            outcome.decisions.append(Decision(line=item.line.line, outcome="possible_duplicate",
                                              key="near_duplicate", transaction_id=twin))
    if marks:
        table: Any = Transaction.__table__
        ctx.session.execute(
            update(table).where(table.c.id == bindparam("tid"))
            .values(review="possible_duplicate", possible_duplicate_of=bindparam("dup")),
            marks,
        )


_NEAR_FILTER_MAX = 500  # distinct amounts or payees asked for by name; more, and the days are read whole
_NEAR_OFFSETS = sorted(range(-NEAR_DUPLICATE_DAYS, NEAR_DUPLICATE_DAYS + 1), key=abs)


def _near(earlier: dict[tuple[Decimal, str, date], list[tuple[int, bool]]],
          line: StatementLine) -> int | None:
    """The closest twin, unless both lines carry running balances: then the balances prove
    them apart. A handful of dictionary look-ups per line, however long the history."""
    payee = _payee_key(line.description)
    for offset in _NEAR_OFFSETS:
        for tid, has_balance in earlier.get((line.amount, payee, line.date + timedelta(days=offset)), ()):
            if not (has_balance and line.balance is not None):
                return tid
    return None


Classifier = Callable[[StatementLine, "int | None"], rules.Classification]


def classifier(person: PersonContext, account: Account) -> Classifier:
    """Classify lines against this person's plan, workers, schedule and remembered payees."""
    context, ruleset = person.classification(account.id), person.ruleset

    def classify(line: StatementLine, stored_id: int | None) -> rules.Classification:
        txn = rules.Txn(date=line.date, amount=line.amount, description=line.description,
                        mcc=line.mcc, reference=line.reference,
                        id=None if stored_id is None else str(stored_id))
        return rules.classify(txn, context.on(line.date), ruleset)

    return classify


def _raise_flags(ctx: Ctx, account: Account, keyed: list[Keyed], outcome: Outcome,
                 classify: Classifier) -> list[dict[str, Any]]:
    """One flag per rule hit on a newly stored line (flags are keyed, so never twice)."""
    from service.review.flags import Found, sync_flags

    stored = dict(zip(outcome.new_keys, outcome.new_ids, strict=True))
    found = []
    for item in keyed:
        tid = stored.get((item.key, item.occurrence))
        if tid is None or not (item.found and item.found.hits):
            continue
        for hit in classify(item.line, tid).hits:  # again with the id, so the flag names its line
            found.append(Found(hit, account.id, tid, item.line.date))
    if not found:
        return []
    new, _ = sync_flags(ctx, account.council_id, account.recipient_id, found)
    return [{"rule": f.rule_id, "reason": f.explanation, "transaction_id": f.transaction_id}
            for f in new]


def _period_flags(ctx: Ctx, account: Account, person: PersonContext, start: date,
                  end: date) -> list[dict[str, Any]]:
    """The rules that judge whole pay periods (the minimum wage on bank pay) see the new lines
    at once; a flag they raise is listed with the upload's."""
    from service.review.flags import run_period_rules

    recipient = ctx.session.get(Recipient, account.recipient_id)
    assert recipient is not None
    before = set(ctx.session.scalars(select(Flag.id).where(Flag.recipient_id == recipient.id)))
    found = run_period_rules(ctx, recipient, start, end, person=person)
    return [{"rule": f.rule_id, "reason": f.explanation, "transaction_id": f.transaction_id}
            for f in found if f.id not in before]


def _preview_flags(keyed: list[Keyed], outcome: Outcome) -> list[dict[str, Any]]:
    """On a dry run: what the rules would flag among the lines that would be stored."""
    held = {(d.line) for d in outcome.decisions if d.outcome == "duplicate"}
    return [{"rule": hit.rule_id, "reason": hit.reason, "transaction_id": None, "line": item.line.line}
            for item in keyed if item.found and item.line.line not in held for hit in item.found.hits]


def hand_over_shared_lines(ctx: Ctx, voided: Upload) -> int:
    """Lines that another live upload of the account also held stay, as that upload's lines:
    voiding one statement never takes away what an overlapping one still shows."""
    held = set(ctx.session.scalars(select(Transaction.id).where(
        Transaction.upload_id == voided.id, live(Transaction))))
    others = ctx.session.scalars(select(Upload).where(
        Upload.account_id == voided.account_id, Upload.status == "imported", Upload.id != voided.id,
        Upload.kind.in_(("statement", "batch"))).order_by(Upload.id))
    moved = 0
    for other in others:
        shared = [d["transaction_id"] for d in other.summary.get("decisions", [])
                  if d.get("outcome") == "duplicate" and d.get("transaction_id") in held]
        if shared:
            ctx.session.execute(update(Transaction).where(Transaction.id.in_(shared))
                                .values(upload_id=other.id))
            held -= set(shared)
            moved += len(shared)
    return moved


# --- balances, period, coverage ------------------------------------------------------------

def oldest_first(lines: list[StatementLine]) -> list[StatementLine]:
    """Files come newest-first or oldest-first; each day's lines keep the file's order."""
    return balances.oldest_first(lines, _DAY, _AMOUNT, _BALANCE)


_DAY = attrgetter("date")
_AMOUNT = attrgetter("amount")
_BALANCE = attrgetter("balance")


def chain_breaks(lines: list[StatementLine]) -> list[ChainBreak]:
    """Where a printed balance does not follow from the one before (lines oldest-first)."""
    found = balances.breaks([line.amount for line in lines], [line.balance for line in lines])
    return [ChainBreak(line=lines[index].line, expected_balance=expected, balance=printed)
            for index, expected, printed in found]


def _balances(lines: list[StatementLine], parsed: ParsedStatement | None,
              declared: Declared) -> tuple[Decimal | None, Decimal | None, list[str]]:
    """Opening and closing balances: the file's own statement balances, else its earliest
    line's balance less that line's amount and its latest line's balance, else declared."""
    opening = _first_known(parsed.opening_balance if parsed else None,
                           balances.opening_balance(lines, _AMOUNT, _BALANCE))
    closing = _first_known(parsed.closing_balance if parsed else None,
                           balances.closing_balance(lines, _AMOUNT, _BALANCE))
    warnings = []
    for name, found, given in (("opening", opening, declared.opening_balance),
                               ("closing", closing, declared.closing_balance)):
        if found is not None and given is not None and found != given:
            warnings.append(f"The file shows a {name} balance of £{found}; you told us £{given}. "
                            "We used the file's.")
    opening = _first_known(opening, declared.opening_balance)
    return opening, _first_known(closing, declared.closing_balance), warnings


def _first_known(*values: Decimal | None) -> Decimal | None:
    return next((v for v in values if v is not None), None)


def _period(lines: list[StatementLine], parsed: ParsedStatement | None,
            declared: Declared) -> tuple[Period, str]:
    """The period the statement covers, and what that rests on: the file's own statement
    period (OFX, a preamble), else the period in its name, else what the uploader declared
    (checked to contain every line), else only the first and last day with a line."""
    evidence = parsed.period_evidence if parsed is not None else "lines"
    if parsed is not None and evidence != "lines":
        return Period(start=parsed.period_start, end=parsed.period_end), evidence
    if declared.period_start is not None or declared.period_end is not None:
        start = _first_date(declared.period_start, min((ln.date for ln in lines), default=None))
        end = _first_date(declared.period_end, max((ln.date for ln in lines), default=None))
        complete = declared.period_start is not None and declared.period_end is not None
        return Period(start=start, end=end), "declared" if complete else "lines"
    start = min((line.date for line in lines), default=None)
    end = max((line.date for line in lines), default=None)
    return Period(start=start, end=end), "lines"


def check_line_dates(lines: list[StatementLine], declared: Declared) -> None:
    """Dates a statement can hold, and a declared period that contains its lines."""
    start, end = declared.period_start, declared.period_end
    if start and end and start > end:
        raise Unprocessable("The period you gave ends before it starts.",
                            errors=[field_error("period_end", "before period_start")])
    for line in lines:
        if not EARLIEST <= line.date <= LATEST:
            raise Unprocessable(
                f"Line {line.line} is dated {line.date}, which cannot be right.",
                errors=[field_error("date", f"outside {EARLIEST} to {LATEST}", line=line.line)])
        if (start and line.date < start) or (end and line.date > end):
            raise Unprocessable(
                f"Line {line.line} is dated {line.date}, outside the period you gave "
                f"({start or '…'} to {end or '…'}).",
                errors=[field_error("date", "outside the declared period", line=line.line)])


def _first_date(*values: date | None) -> date | None:
    return next((v for v in values if v is not None), None)


def coverage_gaps(periods: Iterable[tuple[date, date]]) -> list[tuple[date, date]]:
    """Days between the earliest and latest covered day that no statement covers."""
    gaps, covered_to = [], None
    for start, end in sorted(periods):
        if covered_to is not None and start > covered_to + timedelta(days=1):
            gaps.append((covered_to + timedelta(days=1), start - timedelta(days=1)))
        covered_to = end if covered_to is None else max(covered_to, end)
    return gaps


def gap_words(start: date, end: date) -> str:
    return f"no statement from {_day(start)} to {_day(end)}"


def _day(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def _gaps(ctx: Ctx, account: Account, period: Period) -> list[Gap]:
    rows = ctx.session.execute(  # each period once: a provider sends many batches for a day
        select(Upload.period_start, Upload.period_end).distinct().where(
            Upload.account_id == account.id, Upload.status == "imported",
            Upload.period_start.is_not(None), Upload.period_end.is_not(None)))
    periods = [(r.period_start, r.period_end) for r in rows]
    if period.start and period.end:
        periods.append((period.start, period.end))
    return [Gap(start=s, end=e, words=gap_words(s, e)) for s, e in coverage_gaps(set(periods))]


def _summary(*, upload_id: int | None, dry_run: bool, file_format: str | None, filename: str | None,
             period: Period, lines: list[StatementLine], outcome: Outcome, opening: Decimal | None,
             closing: Decimal | None, chain: list[ChainBreak], gaps: list[Gap],
             flags: list[dict[str, Any]], warnings: list[str]) -> StatementResult:
    difference = None
    if opening is not None and closing is not None:
        difference = closing - (opening + sum((line.amount for line in lines), Decimal("0.00")))
    return StatementResult(
        upload_id=upload_id, duplicate_file=False, dry_run=dry_run, format=file_format,
        filename=filename, period=period,
        rows=RowCounts(total=len(lines), new=len(outcome.new_ids) if not dry_run
                       else len(lines) - outcome.duplicates,
                       duplicate=outcome.duplicates, possible_duplicate=outcome.possible_duplicates,
                       id_collision=outcome.id_collisions),
        opening_balance=opening, closing_balance=closing,
        balances_reconcile=None if difference is None else difference == 0,
        reconciliation_difference=difference, balance_chain_breaks=chain, gaps=gaps,
        decisions=outcome.decisions, flags_raised=flags, warnings=list(warnings),
    )
