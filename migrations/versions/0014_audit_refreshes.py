"""How far each person's open audits have been worked out again after their provider batches

A batch counts itself in ``asked`` as it commits; whoever then works the person's open audits
out again records in ``done`` the count it read first, so a batch already covered skips its own.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-03 21:21:39.696149
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0014'
down_revision: str | None = '0013'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('audit_refreshes',
    sa.Column('recipient_id', sa.Integer(), nullable=False),
    sa.Column('asked', sa.BigInteger(), nullable=False),
    sa.Column('done', sa.BigInteger(), nullable=False),
    sa.ForeignKeyConstraint(['recipient_id'], ['recipients.id'], name=op.f('fk_audit_refreshes_recipient_id_recipients')),
    sa.PrimaryKeyConstraint('recipient_id', name=op.f('pk_audit_refreshes'))
    )


def downgrade() -> None:
    op.drop_table('audit_refreshes')
