"""Audits keep the officer's decision (an agreed recovery or a hold, who and when) and what a close froze

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-03 09:14:00.714571
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0006'
down_revision: str | None = '0005'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('audits', schema=None) as batch_op:
        batch_op.add_column(sa.Column('recovery_held', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('decided_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('frozen_digest', sa.String(length=64), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_audits_decided_by_id_users'), 'users', ['decided_by_id'], ['id'])



def downgrade() -> None:
    with op.batch_alter_table('audits', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_audits_decided_by_id_users'), type_='foreignkey')
        batch_op.drop_column('frozen_digest')
        batch_op.drop_column('decided_by_id')
        batch_op.drop_column('decided_at')
        batch_op.drop_column('recovery_held')

