"""An account's transactions page by page from an index in id order

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-03 16:00:00.000000
"""

from collections.abc import Sequence

from alembic import op

revision: str = '0013'
down_revision: str | None = '0012'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index('ix_transactions_account_listing', 'transactions', ['account_id', 'id'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_transactions_account_listing', table_name='transactions')
