"""Payroll, remembered payee categories, underspend reasons, commitments; dedup detail.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 10:53:04.975980
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0002'
down_revision: str | None = '0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('commitments',
    sa.Column('recipient_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('invoice', 'wages', 'hmrc', 'pension', 'other', name='kind', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('description', sa.String(length=300), nullable=False),
    sa.Column('amount', sa.BigInteger(), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=True),
    sa.Column('settled_on', sa.Date(), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('council_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['council_id'], ['councils.id'], name=op.f('fk_commitments_council_id_councils')),
    sa.ForeignKeyConstraint(['recipient_id'], ['recipients.id'], name=op.f('fk_commitments_recipient_id_recipients')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_commitments'))
    )
    with op.batch_alter_table('commitments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_commitments_council_id'), ['council_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_commitments_recipient_id'), ['recipient_id'], unique=False)

    op.create_table('payee_categories',
    sa.Column('recipient_id', sa.Integer(), nullable=False),
    sa.Column('payee_key', sa.String(length=200), nullable=False),
    sa.Column('category', sa.String(length=32), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('set_by_id', sa.Integer(), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('council_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['council_id'], ['councils.id'], name=op.f('fk_payee_categories_council_id_councils')),
    sa.ForeignKeyConstraint(['recipient_id'], ['recipients.id'], name=op.f('fk_payee_categories_recipient_id_recipients')),
    sa.ForeignKeyConstraint(['set_by_id'], ['users.id'], name=op.f('fk_payee_categories_set_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_payee_categories')),
    sa.UniqueConstraint('recipient_id', 'payee_key', name=op.f('uq_payee_categories_recipient_id_payee_key'))
    )
    with op.batch_alter_table('payee_categories', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_payee_categories_council_id'), ['council_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_payee_categories_recipient_id'), ['recipient_id'], unique=False)

    op.create_table('payroll_lines',
    sa.Column('recipient_id', sa.Integer(), nullable=False),
    sa.Column('upload_id', sa.Integer(), nullable=False),
    sa.Column('worker_id', sa.Integer(), nullable=True),
    sa.Column('worker_name', sa.String(length=200), nullable=False),
    sa.Column('period_start', sa.Date(), nullable=False),
    sa.Column('period_end', sa.Date(), nullable=False),
    sa.Column('gross', sa.BigInteger(), nullable=False),
    sa.Column('paye', sa.BigInteger(), nullable=False),
    sa.Column('employee_ni', sa.BigInteger(), nullable=False),
    sa.Column('employer_ni', sa.BigInteger(), nullable=False),
    sa.Column('employee_pension', sa.BigInteger(), nullable=False),
    sa.Column('employer_pension', sa.BigInteger(), nullable=False),
    sa.Column('net', sa.BigInteger(), nullable=False),
    sa.Column('hours', sa.BigInteger(), nullable=True),
    sa.Column('source_line', sa.Integer(), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('council_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['council_id'], ['councils.id'], name=op.f('fk_payroll_lines_council_id_councils')),
    sa.ForeignKeyConstraint(['recipient_id'], ['recipients.id'], name=op.f('fk_payroll_lines_recipient_id_recipients')),
    sa.ForeignKeyConstraint(['upload_id'], ['uploads.id'], name=op.f('fk_payroll_lines_upload_id_uploads')),
    sa.ForeignKeyConstraint(['worker_id'], ['workers.id'], name=op.f('fk_payroll_lines_worker_id_workers')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_payroll_lines')),
    sa.UniqueConstraint('recipient_id', 'worker_name', 'period_start', 'period_end', name=op.f('uq_payroll_lines_recipient_id_worker_name_period_start_period_end'))
    )
    with op.batch_alter_table('payroll_lines', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_payroll_lines_council_id'), ['council_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_payroll_lines_recipient_id'), ['recipient_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_payroll_lines_upload_id'), ['upload_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_payroll_lines_worker_id'), ['worker_id'], unique=False)

    op.create_table('underspend_reasons',
    sa.Column('recipient_id', sa.Integer(), nullable=False),
    sa.Column('audit_id', sa.Integer(), nullable=True),
    sa.Column('period_start', sa.Date(), nullable=False),
    sa.Column('period_end', sa.Date(), nullable=False),
    sa.Column('reason', sa.Enum('could_not_recruit', 'hospital_stay', 'provider_let_down', 'other', name='reason', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('hold_recovery', sa.Boolean(), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('council_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['audit_id'], ['audits.id'], name=op.f('fk_underspend_reasons_audit_id_audits')),
    sa.ForeignKeyConstraint(['council_id'], ['councils.id'], name=op.f('fk_underspend_reasons_council_id_councils')),
    sa.ForeignKeyConstraint(['recipient_id'], ['recipients.id'], name=op.f('fk_underspend_reasons_recipient_id_recipients')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_underspend_reasons_recorded_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_underspend_reasons'))
    )
    with op.batch_alter_table('underspend_reasons', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_underspend_reasons_audit_id'), ['audit_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_underspend_reasons_council_id'), ['council_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_underspend_reasons_recipient_id'), ['recipient_id'], unique=False)

    with op.batch_alter_table('timesheet_entries', schema=None) as batch_op:
        batch_op.add_column(sa.Column('dedup_key', sa.String(length=80), nullable=False, server_default=''))
        batch_op.create_unique_constraint(batch_op.f('uq_timesheet_entries_recipient_id_dedup_key'), ['recipient_id', 'dedup_key'])

    with op.batch_alter_table('transactions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('dedup_rule', sa.String(length=16), nullable=False, server_default='content'))
        batch_op.add_column(sa.Column('payee_key', sa.String(length=200), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('review', sa.String(length=32), nullable=True))



def downgrade() -> None:
    with op.batch_alter_table('transactions', schema=None) as batch_op:
        batch_op.drop_column('review')
        batch_op.drop_column('payee_key')
        batch_op.drop_column('dedup_rule')

    with op.batch_alter_table('timesheet_entries', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_timesheet_entries_recipient_id_dedup_key'), type_='unique')
        batch_op.drop_column('dedup_key')

    with op.batch_alter_table('underspend_reasons', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_underspend_reasons_recipient_id'))
        batch_op.drop_index(batch_op.f('ix_underspend_reasons_council_id'))
        batch_op.drop_index(batch_op.f('ix_underspend_reasons_audit_id'))

    op.drop_table('underspend_reasons')
    with op.batch_alter_table('payroll_lines', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_payroll_lines_worker_id'))
        batch_op.drop_index(batch_op.f('ix_payroll_lines_upload_id'))
        batch_op.drop_index(batch_op.f('ix_payroll_lines_recipient_id'))
        batch_op.drop_index(batch_op.f('ix_payroll_lines_council_id'))

    op.drop_table('payroll_lines')
    with op.batch_alter_table('payee_categories', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_payee_categories_recipient_id'))
        batch_op.drop_index(batch_op.f('ix_payee_categories_council_id'))

    op.drop_table('payee_categories')
    with op.batch_alter_table('commitments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_commitments_recipient_id'))
        batch_op.drop_index(batch_op.f('ix_commitments_council_id'))

    op.drop_table('commitments')
