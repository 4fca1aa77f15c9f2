"""Uploads made from the command line have no signed-in user.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 11:00:22.807702
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0003'
down_revision: str | None = '0002'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('uploads', schema=None) as batch_op:
        batch_op.alter_column('uploaded_by_id',
               existing_type=sa.INTEGER(),
               nullable=True)


def downgrade() -> None:
    with op.batch_alter_table('uploads', schema=None) as batch_op:
        batch_op.alter_column('uploaded_by_id',
               existing_type=sa.INTEGER(),
               nullable=False)
