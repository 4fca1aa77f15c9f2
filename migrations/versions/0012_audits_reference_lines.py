"""Voiding an upload keeps its lines, marked void; audits refer to their lines, not copy them

Lines of a voided upload stay, marked void, and uniqueness holds among live lines only.
Each audit keeps its lines as references in ``audit_lines`` (ids as varint deltas, a SHA-256
over their content, an index per line into the audit's own table of decisions) instead of
a JSON copy of every line. Audits whose copied lines all still match the stored lines are
converted; their frozen digest still verifies, since it hashes the lines in the copied
form, rebuilt from the stored lines. An audit whose copy no longer matches (a line deleted
by a void before this migration, or erased) keeps its copy.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-03 15:45:00.000000
"""

import hashlib
from collections.abc import Iterable, Iterator, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = '0012'
down_revision: str | None = '0011'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

LIVE = {"sqlite_where": sa.text("voided = 0"), "postgresql_where": sa.text("voided = false")}
# table, the unique constraint it had, the unique index over live lines that replaces it
LINES = (
    ("transactions", "uq_transactions_account_id_dedup_key_occurrence", "uq_transactions_live_line",
     ["account_id", "dedup_key", "occurrence"]),
    ("timesheet_entries", "uq_timesheet_entries_recipient_id_dedup_key",
     "uq_timesheet_entries_live_entry", ["recipient_id", "dedup_key"]),
    ("payroll_lines", "uq_payroll_lines_recipient_id_worker_name_period_start_period_end",
     "uq_payroll_lines_live_line", ["recipient_id", "worker_name", "period_start", "period_end"]),
)


def upgrade() -> None:
    for table, old, new, columns in LINES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('voided', sa.Boolean(), server_default=sa.false(),
                                          nullable=False))
            batch_op.drop_constraint(batch_op.f(old), type_='unique')
        op.create_index(new, table, columns, unique=True, **LIVE)
    op.create_table('audit_lines',
    sa.Column('audit_id', sa.Integer(), nullable=False),
    sa.Column('line_count', sa.Integer(), nullable=False),
    sa.Column('first_day', sa.Date(), nullable=True),
    sa.Column('last_day', sa.Date(), nullable=True),
    sa.Column('account_ids', sa.JSON(), nullable=False),
    sa.Column('line_ids', sa.LargeBinary(), nullable=False),
    sa.Column('decisions', sa.LargeBinary(), nullable=False),
    sa.Column('decided', sa.JSON(), nullable=False),
    sa.Column('lines_sha256', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['audit_id'], ['audits.id'], name=op.f('fk_audit_lines_audit_id_audits')),
    sa.PrimaryKeyConstraint('audit_id', name=op.f('pk_audit_lines'))
    )
    _convert_audits(op.get_bind())


# --- converting the audits that copied their lines ------------------------------------------
# (written out here rather than imported, so this migration means the same whatever the
# service's code becomes; it matches service.audits.storage)

AUDITS = sa.table('audits', sa.column('id', sa.Integer), sa.column('inputs', sa.JSON))
TXNS = sa.table('transactions', sa.column('id', sa.BigInteger), sa.column('account_id', sa.Integer),
                sa.column('posted_on', sa.Date), sa.column('amount', sa.BigInteger),
                sa.column('balance', sa.BigInteger), sa.column('description', sa.Text))
KEPT = sa.table('audit_lines', *(sa.column(name, kind) for name, kind in (
    ('audit_id', sa.Integer), ('line_count', sa.Integer), ('first_day', sa.Date),
    ('last_day', sa.Date), ('account_ids', sa.JSON), ('line_ids', sa.LargeBinary),
    ('decisions', sa.LargeBinary), ('decided', sa.JSON), ('lines_sha256', sa.String))))


def _pack(values: Iterable[int]) -> bytes:
    out = bytearray()
    for value in values:
        while value > 0x7F:
            out.append((value & 0x7F) | 0x80)
            value >>= 7
        out.append(value)
    return bytes(out)


def _zigzag_deltas(ids: Iterable[int]) -> Iterator[int]:
    previous = 0
    for tid in ids:
        step, previous = tid - previous, tid
        yield (step << 1) if step >= 0 else ((-step << 1) - 1)


def _money(hundredths: int | None) -> str | None:
    return None if hundredths is None else str((Decimal(int(hundredths)) / 100).quantize(Decimal("0.01")))


def _day(value: Any) -> date:
    return date.fromisoformat(value) if isinstance(value, str) else value


def _convert_audits(conn: Any) -> None:
    ids = [row.id for row in conn.execute(sa.select(AUDITS.c.id).order_by(AUDITS.c.id))]
    for audit_id in ids:
        inputs = conn.execute(sa.select(AUDITS.c.inputs).where(AUDITS.c.id == audit_id)).scalar_one()
        if not isinstance(inputs, dict) or not isinstance(inputs.get("transactions"), list):
            continue
        kept = _as_references(conn, inputs)
        if kept is None:
            continue  # the copy no longer matches the stored lines: it stays a copy
        conn.execute(KEPT.insert().values(audit_id=audit_id, **kept))
        rest = {k: v for k, v in inputs.items() if k != "transactions"}
        conn.execute(AUDITS.update().where(AUDITS.c.id == audit_id).values(inputs=rest))


def _as_references(conn: Any, inputs: dict[str, Any]) -> dict[str, Any] | None:
    rows = inputs["transactions"]
    refs = {str(a.get("reference")): int(a["id"]) for a in inputs.get("accounts", [])}
    wanted = [int(row[0]) for row in rows]
    stored: dict[int, Any] = {}
    for start in range(0, len(wanted), 500):
        chunk = wanted[start:start + 500]
        stored.update({r.id: r for r in conn.execute(sa.select(TXNS).where(TXNS.c.id.in_(chunk)))})
    table: dict[tuple[Any, ...], int] = {}
    choices: list[int] = []
    digest = hashlib.sha256()
    accounts: set[int] = set()
    days: list[date] = []
    for tid, account, day, amount, description, code, reason, rules in rows:
        line = stored.get(int(tid))
        if (line is None or refs.get(account) != line.account_id or _day(line.posted_on).isoformat() != day
                or _money(line.amount) != amount or (line.description or "") != description):
            return None
        decided = (code, reason, None, None, tuple(rules))
        choices.append(table.setdefault(decided, len(table)))
        accounts.add(line.account_id)
        days.append(_day(line.posted_on))
        balance = _money(line.balance)
        text = line.description or ""
        digest.update((f"{line.id}\t{line.account_id}\t{day}\t{amount}\t{'' if balance is None else balance}"
                       f"\t{len(text)}:{text}\n").encode())
    return {"line_count": len(rows), "first_day": min(days, default=None),
            "last_day": max(days, default=None), "account_ids": sorted(accounts),
            "line_ids": _pack(_zigzag_deltas(wanted)), "decisions": _pack(choices),
            "decided": [[c, r, p, w, list(x)] for c, r, p, w, x in table],
            "lines_sha256": digest.hexdigest()}


def downgrade() -> None:
    _copy_lines_back(op.get_bind())
    op.drop_table('audit_lines')
    for table, old, new, columns in LINES:
        op.drop_index(new, table_name=table, **LIVE)
        op.execute(sa.text(f"DELETE FROM {table} WHERE voided = true"))  # noqa: S608
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column('voided')
            batch_op.create_unique_constraint(batch_op.f(old), columns)


def _copy_lines_back(conn: Any) -> None:
    """Each audit's lines as the copy it kept before: id, account, day, amount, description,
    category, reason and rules, for the lines in its period."""
    audits = sa.table('audits', sa.column('id', sa.Integer), sa.column('inputs', sa.JSON),
                      sa.column('period_start', sa.Date), sa.column('period_end', sa.Date))
    for kept in conn.execute(sa.select(KEPT)).all():
        audit = conn.execute(sa.select(audits).where(audits.c.id == kept.audit_id)).one()
        inputs = dict(audit.inputs or {})
        refs = {int(a["id"]): str(a.get("reference")) for a in inputs.get("accounts", [])}
        ids, previous, value, shift = [], 0, 0, 0
        for byte in kept.line_ids:
            value |= (byte & 0x7F) << shift
            if byte & 0x80:
                shift += 7
                continue
            previous += (value >> 1) if not value & 1 else -((value + 1) >> 1)
            ids.append(previous)
            value = shift = 0
        choices, value, shift = [], 0, 0
        for byte in kept.decisions:
            value |= (byte & 0x7F) << shift
            if byte & 0x80:
                shift += 7
                continue
            choices.append(value)
            value = shift = 0
        stored: dict[int, Any] = {}
        for start in range(0, len(ids), 500):
            chunk = ids[start:start + 500]
            stored.update({r.id: r for r in conn.execute(sa.select(TXNS).where(TXNS.c.id.in_(chunk)))})
        first, last = _day(audit.period_start), _day(audit.period_end)
        rows = []
        for tid, choice in zip(ids, choices, strict=True):
            line = stored.get(tid)
            if line is None or not first <= _day(line.posted_on) <= last:
                continue
            code, reason, _plan_line, _worker, rules = kept.decided[choice]
            rows.append([tid, refs.get(line.account_id, ""), _day(line.posted_on).isoformat(),
                         _money(line.amount), line.description or "", code, reason, list(rules)])
        conn.execute(audits.update().where(audits.c.id == kept.audit_id)
                     .values(inputs={**inputs, "transactions": rows}))
