"""Lines keep their place in the file; statements say what their period rests on

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-03 08:14:24.467362
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0004'
down_revision: str | None = '0003'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('transactions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('position', sa.Integer(), nullable=True))

    with op.batch_alter_table('uploads', schema=None) as batch_op:
        batch_op.add_column(sa.Column('period_evidence', sa.String(length=16), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('uploads', schema=None) as batch_op:
        batch_op.drop_column('period_evidence')

    with op.batch_alter_table('transactions', schema=None) as batch_op:
        batch_op.drop_column('position')
