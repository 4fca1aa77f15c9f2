"""Voiding an upload keeps its lines, marked void; uniqueness holds among live lines

Revision ID: 0012
Revises: 0010
Create Date: 2026-12-03 15:45:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0012'
down_revision: str | None = '0010'
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


def downgrade() -> None:
    for table, old, new, columns in LINES:
        op.drop_index(new, table_name=table, **LIVE)
        op.execute(sa.text(f"DELETE FROM {table} WHERE voided = true"))  # noqa: S608
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column('voided')
            batch_op.create_unique_constraint(batch_op.f(old), columns)
