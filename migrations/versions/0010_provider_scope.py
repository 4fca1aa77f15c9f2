"""A person can name the payroll bureau that runs their payroll, so it serves them without holding an account

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-03 12:40:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0010'
down_revision: str | None = '0009'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('recipients', schema=None) as batch_op:
        batch_op.add_column(sa.Column('payroll_provider_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_recipients_payroll_provider_id'),
                              ['payroll_provider_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_recipients_payroll_provider_id_providers'),
                                    'providers', ['payroll_provider_id'], ['id'])


def downgrade() -> None:
    with op.batch_alter_table('recipients', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_recipients_payroll_provider_id_providers'),
                                 type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_recipients_payroll_provider_id'))
        batch_op.drop_column('payroll_provider_id')
