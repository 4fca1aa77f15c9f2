"""Councils, people, plans, accounts, statements, flags, audits and the event log.

Revision ID: 0001
Revises:
Create Date: 2026-11-23 10:37:51.957690
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0001'
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('blobs',
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('data', sa.LargeBinary(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('sha256', name=op.f('pk_blobs'))
    )
    op.create_table('councils',
    sa.Column('code', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('contingency_weeks', sa.Integer(), nullable=False),
    sa.Column('first_review_weeks', sa.Integer(), nullable=False),
    sa.Column('review_interval_months', sa.Integer(), nullable=False),
    sa.Column('optional_rules', sa.JSON(), nullable=False),
    sa.Column('risk_weights', sa.JSON(), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_councils')),
    sa.UniqueConstraint('code', name=op.f('uq_councils_code'))
    )
    op.create_table('idempotency_keys',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('scope', sa.String(length=300), nullable=False),
    sa.Column('key', sa.String(length=255), nullable=False),
    sa.Column('request_hash', sa.String(length=64), nullable=False),
    sa.Column('state', sa.Enum('running', 'done', name='state', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('status_code', sa.Integer(), nullable=True),
    sa.Column('response', sa.JSON(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_idempotency_keys')),
    sa.UniqueConstraint('user_id', 'scope', 'key', name=op.f('uq_idempotency_keys_user_id_scope_key'))
    )
    op.create_table('providers',
    sa.Column('reference', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('council_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['council_id'], ['councils.id'], name=op.f('fk_providers_council_id_councils')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_providers')),
    sa.UniqueConstraint('council_id', 'reference', name=op.f('uq_providers_council_id_reference'))
    )
    with op.batch_alter_table('providers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_providers_council_id'), ['council_id'], unique=False)

    op.create_table('recipients',
    sa.Column('reference', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('date_of_birth', sa.Date(), nullable=True),
    sa.Column('dp_start_date', sa.Date(), nullable=True),
    sa.Column('dp_end_date', sa.Date(), nullable=True),
    sa.Column('end_reason', sa.Enum('death', 'care_home', 'moved', 'other', name='end_reason', native_enum=False, create_constraint=True, length=32), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('council_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['council_id'], ['councils.id'], name=op.f('fk_recipients_council_id_councils')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_recipients')),
    sa.UniqueConstraint('council_id', 'reference', name=op.f('uq_recipients_council_id_reference'))
    )
    with op.batch_alter_table('recipients', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_recipients_council_id'), ['council_id'], unique=False)

    op.create_table('accounts',
    sa.Column('recipient_id', sa.Integer(), nullable=False),
    sa.Column('reference', sa.String(length=64), nullable=False),
    sa.Column('kind', sa.Enum('bank', 'prepaid', 'managed', name='kind', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('institution', sa.String(length=200), nullable=True),
    sa.Column('masked_number', sa.String(length=16), nullable=True),
    sa.Column('provider_id', sa.Integer(), nullable=True),
    sa.Column('opened_on', sa.Date(), nullable=True),
    sa.Column('closed_on', sa.Date(), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('council_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['council_id'], ['councils.id'], name=op.f('fk_accounts_council_id_councils')),
    sa.ForeignKeyConstraint(['provider_id'], ['providers.id'], name=op.f('fk_accounts_provider_id_providers')),
    sa.ForeignKeyConstraint(['recipient_id'], ['recipients.id'], name=op.f('fk_accounts_recipient_id_recipients')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_accounts')),
    sa.UniqueConstraint('council_id', 'reference', name=op.f('uq_accounts_council_id_reference'))
    )
    with op.batch_alter_table('accounts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_accounts_council_id'), ['council_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_accounts_provider_id'), ['provider_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_accounts_recipient_id'), ['recipient_id'], unique=False)

    op.create_table('users',
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('role', sa.Enum('admin', 'officer', 'holder', 'provider', name='role', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('provider_id', sa.Integer(), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('council_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['council_id'], ['councils.id'], name=op.f('fk_users_council_id_councils')),
    sa.ForeignKeyConstraint(['provider_id'], ['providers.id'], name=op.f('fk_users_provider_id_providers')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_users')),
    sa.UniqueConstraint('email', name=op.f('uq_users_email'))
    )
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_users_council_id'), ['council_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_users_provider_id'), ['provider_id'], unique=False)

    op.create_table('workers',
    sa.Column('recipient_id', sa.Integer(), nullable=False),
    sa.Column('reference', sa.String(length=64), nullable=True),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('aliases', sa.JSON(), nullable=False),
    sa.Column('date_of_birth', sa.Date(), nullable=True),
    sa.Column('age_band', sa.Enum('21_plus', '18_20', '16_17', 'apprentice', name='age_band', native_enum=False, create_constraint=True, length=32), nullable=True),
    sa.Column('relationship', sa.Enum('none', 'spouse_partner', 'parent', 'parent_in_law', 'child', 'child_in_law', 'step_child', 'sibling', 'aunt_uncle', 'grandparent', 'relative_partner', 'other_relative', 'friend', name='relationship', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('lives_in_household', sa.Boolean(), nullable=False),
    sa.Column('necessary_decision_on', sa.Date(), nullable=True),
    sa.Column('necessary_decision_note', sa.Text(), nullable=True),
    sa.Column('started_on', sa.Date(), nullable=True),
    sa.Column('ended_on', sa.Date(), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('council_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['council_id'], ['councils.id'], name=op.f('fk_workers_council_id_councils')),
    sa.ForeignKeyConstraint(['recipient_id'], ['recipients.id'], name=op.f('fk_workers_recipient_id_recipients')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_workers'))
    )
    with op.batch_alter_table('workers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_workers_council_id'), ['council_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_workers_recipient_id'), ['recipient_id'], unique=False)

    op.create_table('api_keys',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('prefix', sa.String(length=16), nullable=False),
    sa.Column('secret_hash', sa.String(length=64), nullable=False),
    sa.Column('last_used_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('council_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['council_id'], ['councils.id'], name=op.f('fk_api_keys_council_id_councils')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_api_keys_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_api_keys')),
    sa.UniqueConstraint('prefix', name=op.f('uq_api_keys_prefix'))
    )
    with op.batch_alter_table('api_keys', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_api_keys_council_id'), ['council_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_api_keys_user_id'), ['user_id'], unique=False)

    op.create_table('audits',
    sa.Column('recipient_id', sa.Integer(), nullable=False),
    sa.Column('period_start', sa.Date(), nullable=False),
    sa.Column('period_end', sa.Date(), nullable=False),
    sa.Column('kind', sa.Enum('scheduled', 'on_demand', 'final', 'correction', name='kind', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('corrects_audit_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.Enum('open', 'closed', name='status', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('tier', sa.Enum('light', 'standard', 'full', name='tier', native_enum=False, create_constraint=True, length=32), nullable=True),
    sa.Column('result', sa.JSON(), nullable=False),
    sa.Column('inputs', sa.JSON(), nullable=False),
    sa.Column('proposed_recovery', sa.BigInteger(), nullable=True),
    sa.Column('agreed_recovery', sa.BigInteger(), nullable=True),
    sa.Column('decision_reason', sa.Text(), nullable=True),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('closed_by_id', sa.Integer(), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('council_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['closed_by_id'], ['users.id'], name=op.f('fk_audits_closed_by_id_users')),
    sa.ForeignKeyConstraint(['corrects_audit_id'], ['audits.id'], name=op.f('fk_audits_corrects_audit_id_audits')),
    sa.ForeignKeyConstraint(['council_id'], ['councils.id'], name=op.f('fk_audits_council_id_councils')),
    sa.ForeignKeyConstraint(['recipient_id'], ['recipients.id'], name=op.f('fk_audits_recipient_id_recipients')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audits'))
    )
    with op.batch_alter_table('audits', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audits_council_id'), ['council_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_audits_recipient_id'), ['recipient_id'], unique=False)

    op.create_table('notes',
    sa.Column('recipient_id', sa.Integer(), nullable=False),
    sa.Column('subject_type', sa.Enum('audit', 'flag', name='subject_type', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('subject_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('council_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_notes_author_id_users')),
    sa.ForeignKeyConstraint(['council_id'], ['councils.id'], name=op.f('fk_notes_council_id_councils')),
    sa.ForeignKeyConstraint(['recipient_id'], ['recipients.id'], name=op.f('fk_notes_recipient_id_recipients')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notes'))
    )
    with op.batch_alter_table('notes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_notes_council_id'), ['council_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_notes_recipient_id'), ['recipient_id'], unique=False)
        batch_op.create_index('ix_notes_subject', ['subject_type', 'subject_id'], unique=False)

    op.create_table('payment_schedules',
    sa.Column('recipient_id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=True),
    sa.Column('funding_model', sa.Enum('net', 'gross', name='funding_model', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('frequency', sa.Enum('week', 'four_weeks', 'month', name='frequency', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('council_amount', sa.BigInteger(), nullable=False),
    sa.Column('contribution_amount', sa.BigInteger(), nullable=False),
    sa.Column('first_payment_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=True),
    sa.Column('payer_reference', sa.String(length=200), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('council_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], name=op.f('fk_payment_schedules_account_id_accounts')),
    sa.ForeignKeyConstraint(['council_id'], ['councils.id'], name=op.f('fk_payment_schedules_council_id_councils')),
    sa.ForeignKeyConstraint(['recipient_id'], ['recipients.id'], name=op.f('fk_payment_schedules_recipient_id_recipients')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_payment_schedules'))
    )
    with op.batch_alter_table('payment_schedules', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_payment_schedules_account_id'), ['account_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_payment_schedules_council_id'), ['council_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_payment_schedules_recipient_id'), ['recipient_id'], unique=False)

    op.create_table('representatives',
    sa.Column('recipient_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('self', 'nominee', 'authorised_person', name='kind', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('relationship', sa.String(length=100), nullable=True),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('council_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['council_id'], ['councils.id'], name=op.f('fk_representatives_council_id_councils')),
    sa.ForeignKeyConstraint(['recipient_id'], ['recipients.id'], name=op.f('fk_representatives_recipient_id_recipients')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_representatives_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_representatives'))
    )
    with op.batch_alter_table('representatives', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_representatives_council_id'), ['council_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_representatives_recipient_id'), ['recipient_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_representatives_user_id'), ['user_id'], unique=False)

    op.create_table('support_plans',
    sa.Column('recipient_id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('draft', 'approved', name='status', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('effective_from', sa.Date(), nullable=False),
    sa.Column('effective_to', sa.Date(), nullable=True),
    sa.Column('period', sa.Enum('week', 'four_weeks', 'month', 'year', name='period', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('indicative_budget', sa.BigInteger(), nullable=True),
    sa.Column('actual_budget', sa.BigInteger(), nullable=False),
    sa.Column('approved_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('approved_by_id', sa.Integer(), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('council_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['approved_by_id'], ['users.id'], name=op.f('fk_support_plans_approved_by_id_users')),
    sa.ForeignKeyConstraint(['council_id'], ['councils.id'], name=op.f('fk_support_plans_council_id_councils')),
    sa.ForeignKeyConstraint(['recipient_id'], ['recipients.id'], name=op.f('fk_support_plans_recipient_id_recipients')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_support_plans')),
    sa.UniqueConstraint('recipient_id', 'version', name=op.f('uq_support_plans_recipient_id_version'))
    )
    with op.batch_alter_table('support_plans', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_support_plans_council_id'), ['council_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_support_plans_recipient_id'), ['recipient_id'], unique=False)

    op.create_table('uploads',
    sa.Column('recipient_id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.Enum('statement', 'timesheet', 'payroll', 'batch', name='kind', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('filename', sa.String(length=255), nullable=True),
    sa.Column('format', sa.String(length=64), nullable=True),
    sa.Column('uploaded_by_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('imported', 'voided', name='status', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('period_start', sa.Date(), nullable=True),
    sa.Column('period_end', sa.Date(), nullable=True),
    sa.Column('opening_balance', sa.BigInteger(), nullable=True),
    sa.Column('closing_balance', sa.BigInteger(), nullable=True),
    sa.Column('summary', sa.JSON(), nullable=False),
    sa.Column('voided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('void_reason', sa.Text(), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('council_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], name=op.f('fk_uploads_account_id_accounts')),
    sa.ForeignKeyConstraint(['council_id'], ['councils.id'], name=op.f('fk_uploads_council_id_councils')),
    sa.ForeignKeyConstraint(['recipient_id'], ['recipients.id'], name=op.f('fk_uploads_recipient_id_recipients')),
    sa.ForeignKeyConstraint(['sha256'], ['blobs.sha256'], name=op.f('fk_uploads_sha256_blobs')),
    sa.ForeignKeyConstraint(['uploaded_by_id'], ['users.id'], name=op.f('fk_uploads_uploaded_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_uploads'))
    )
    with op.batch_alter_table('uploads', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_uploads_account_id'), ['account_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_uploads_council_id'), ['council_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_uploads_recipient_id'), ['recipient_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_uploads_sha256'), ['sha256'], unique=False)

    op.create_table('events',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('council_id', sa.Integer(), nullable=True),
    sa.Column('recipient_id', sa.Integer(), nullable=True),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('actor_user_id', sa.Integer(), nullable=True),
    sa.Column('actor_key_id', sa.Integer(), nullable=True),
    sa.Column('action', sa.String(length=64), nullable=False),
    sa.Column('subject_type', sa.String(length=32), nullable=False),
    sa.Column('subject_id', sa.String(length=64), nullable=False),
    sa.Column('before', sa.JSON(), nullable=True),
    sa.Column('after', sa.JSON(), nullable=True),
    sa.Column('request_id', sa.String(length=64), nullable=True),
    sa.ForeignKeyConstraint(['actor_key_id'], ['api_keys.id'], name=op.f('fk_events_actor_key_id_api_keys')),
    sa.ForeignKeyConstraint(['actor_user_id'], ['users.id'], name=op.f('fk_events_actor_user_id_users')),
    sa.ForeignKeyConstraint(['council_id'], ['councils.id'], name=op.f('fk_events_council_id_councils')),
    sa.ForeignKeyConstraint(['recipient_id'], ['recipients.id'], name=op.f('fk_events_recipient_id_recipients')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_events'))
    )
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_events_council_id'), ['council_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_events_recipient_id'), ['recipient_id'], unique=False)
        batch_op.create_index('ix_events_subject', ['subject_type', 'subject_id'], unique=False)

    op.create_table('plan_lines',
    sa.Column('plan_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('category', sa.String(length=32), nullable=False),
    sa.Column('description', sa.String(length=300), nullable=False),
    sa.Column('amount', sa.BigInteger(), nullable=False),
    sa.Column('amount_basis', sa.Enum('week', 'period', name='amount_basis', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('planned_hours_per_week', sa.BigInteger(), nullable=True),
    sa.Column('hourly_rate', sa.BigInteger(), nullable=True),
    sa.Column('expected_payee', sa.String(length=200), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('council_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['council_id'], ['councils.id'], name=op.f('fk_plan_lines_council_id_councils')),
    sa.ForeignKeyConstraint(['plan_id'], ['support_plans.id'], name=op.f('fk_plan_lines_plan_id_support_plans')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_plan_lines'))
    )
    with op.batch_alter_table('plan_lines', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_plan_lines_council_id'), ['council_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_plan_lines_plan_id'), ['plan_id'], unique=False)

    op.create_table('timesheet_entries',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('recipient_id', sa.Integer(), nullable=False),
    sa.Column('upload_id', sa.Integer(), nullable=False),
    sa.Column('worker_id', sa.Integer(), nullable=True),
    sa.Column('worker_name', sa.String(length=200), nullable=False),
    sa.Column('worked_on', sa.Date(), nullable=False),
    sa.Column('start_time', sa.Time(), nullable=True),
    sa.Column('end_time', sa.Time(), nullable=True),
    sa.Column('hours', sa.BigInteger(), nullable=False),
    sa.Column('sleep_in', sa.Boolean(), nullable=False),
    sa.Column('woken_hours', sa.BigInteger(), nullable=True),
    sa.Column('rate', sa.BigInteger(), nullable=True),
    sa.Column('sheet', sa.String(length=100), nullable=True),
    sa.Column('source_row', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('council_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['council_id'], ['councils.id'], name=op.f('fk_timesheet_entries_council_id_councils')),
    sa.ForeignKeyConstraint(['recipient_id'], ['recipients.id'], name=op.f('fk_timesheet_entries_recipient_id_recipients')),
    sa.ForeignKeyConstraint(['upload_id'], ['uploads.id'], name=op.f('fk_timesheet_entries_upload_id_uploads')),
    sa.ForeignKeyConstraint(['worker_id'], ['workers.id'], name=op.f('fk_timesheet_entries_worker_id_workers')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_timesheet_entries'))
    )
    with op.batch_alter_table('timesheet_entries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_timesheet_entries_council_id'), ['council_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_timesheet_entries_recipient_id'), ['recipient_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_timesheet_entries_upload_id'), ['upload_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_timesheet_entries_worker_id'), ['worker_id'], unique=False)

    op.create_table('transactions',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('upload_id', sa.Integer(), nullable=False),
    sa.Column('posted_on', sa.Date(), nullable=False),
    sa.Column('amount', sa.BigInteger(), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('reference', sa.String(length=255), nullable=True),
    sa.Column('balance', sa.BigInteger(), nullable=True),
    sa.Column('mcc', sa.String(length=4), nullable=True),
    sa.Column('source_line', sa.Integer(), nullable=True),
    sa.Column('dedup_key', sa.String(length=80), nullable=False),
    sa.Column('occurrence', sa.Integer(), nullable=False),
    sa.Column('category', sa.String(length=32), nullable=True),
    sa.Column('category_reason', sa.Text(), nullable=True),
    sa.Column('worker_id', sa.Integer(), nullable=True),
    sa.Column('plan_line_id', sa.Integer(), nullable=True),
    sa.Column('possible_duplicate_of', sa.BigInteger(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('council_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], name=op.f('fk_transactions_account_id_accounts')),
    sa.ForeignKeyConstraint(['council_id'], ['councils.id'], name=op.f('fk_transactions_council_id_councils')),
    sa.ForeignKeyConstraint(['plan_line_id'], ['plan_lines.id'], name=op.f('fk_transactions_plan_line_id_plan_lines')),
    sa.ForeignKeyConstraint(['possible_duplicate_of'], ['transactions.id'], name=op.f('fk_transactions_possible_duplicate_of_transactions')),
    sa.ForeignKeyConstraint(['upload_id'], ['uploads.id'], name=op.f('fk_transactions_upload_id_uploads')),
    sa.ForeignKeyConstraint(['worker_id'], ['workers.id'], name=op.f('fk_transactions_worker_id_workers')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_transactions')),
    sa.UniqueConstraint('account_id', 'dedup_key', 'occurrence', name=op.f('uq_transactions_account_id_dedup_key_occurrence'))
    )
    with op.batch_alter_table('transactions', schema=None) as batch_op:
        batch_op.create_index('ix_transactions_account_posted', ['account_id', 'posted_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_transactions_council_id'), ['council_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_transactions_upload_id'), ['upload_id'], unique=False)

    op.create_table('flags',
    sa.Column('recipient_id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=True),
    sa.Column('transaction_id', sa.BigInteger(), nullable=True),
    sa.Column('worker_id', sa.Integer(), nullable=True),
    sa.Column('flag_key', sa.String(length=200), nullable=False),
    sa.Column('rule_id', sa.String(length=64), nullable=False),
    sa.Column('rule_version', sa.Integer(), nullable=False),
    sa.Column('severity', sa.Enum('unlawful', 'harmful', 'local', name='severity', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('status', sa.Enum('open', 'cleared', 'upheld', name='status', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('explanation', sa.Text(), nullable=False),
    sa.Column('evidence', sa.JSON(), nullable=False),
    sa.Column('occurred_on', sa.Date(), nullable=True),
    sa.Column('holder_explanation', sa.Text(), nullable=True),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('decision_reason', sa.Text(), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('council_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], name=op.f('fk_flags_account_id_accounts')),
    sa.ForeignKeyConstraint(['council_id'], ['councils.id'], name=op.f('fk_flags_council_id_councils')),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_flags_decided_by_id_users')),
    sa.ForeignKeyConstraint(['recipient_id'], ['recipients.id'], name=op.f('fk_flags_recipient_id_recipients')),
    sa.ForeignKeyConstraint(['transaction_id'], ['transactions.id'], name=op.f('fk_flags_transaction_id_transactions')),
    sa.ForeignKeyConstraint(['worker_id'], ['workers.id'], name=op.f('fk_flags_worker_id_workers')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_flags')),
    sa.UniqueConstraint('recipient_id', 'flag_key', name=op.f('uq_flags_recipient_id_flag_key'))
    )
    with op.batch_alter_table('flags', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_flags_account_id'), ['account_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_flags_council_id'), ['council_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_flags_recipient_id'), ['recipient_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_flags_rule_id'), ['rule_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_flags_transaction_id'), ['transaction_id'], unique=False)
    _forbid_event_changes()


def downgrade() -> None:
    with op.batch_alter_table('flags', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_flags_transaction_id'))
        batch_op.drop_index(batch_op.f('ix_flags_rule_id'))
        batch_op.drop_index(batch_op.f('ix_flags_recipient_id'))
        batch_op.drop_index(batch_op.f('ix_flags_council_id'))
        batch_op.drop_index(batch_op.f('ix_flags_account_id'))

    op.drop_table('flags')
    with op.batch_alter_table('transactions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_transactions_upload_id'))
        batch_op.drop_index(batch_op.f('ix_transactions_council_id'))
        batch_op.drop_index('ix_transactions_account_posted')

    op.drop_table('transactions')
    with op.batch_alter_table('timesheet_entries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_timesheet_entries_worker_id'))
        batch_op.drop_index(batch_op.f('ix_timesheet_entries_upload_id'))
        batch_op.drop_index(batch_op.f('ix_timesheet_entries_recipient_id'))
        batch_op.drop_index(batch_op.f('ix_timesheet_entries_council_id'))

    op.drop_table('timesheet_entries')
    with op.batch_alter_table('plan_lines', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_plan_lines_plan_id'))
        batch_op.drop_index(batch_op.f('ix_plan_lines_council_id'))

    op.drop_table('plan_lines')
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.drop_index('ix_events_subject')
        batch_op.drop_index(batch_op.f('ix_events_recipient_id'))
        batch_op.drop_index(batch_op.f('ix_events_council_id'))

    _allow_event_changes()
    op.drop_table('events')
    with op.batch_alter_table('uploads', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_uploads_sha256'))
        batch_op.drop_index(batch_op.f('ix_uploads_recipient_id'))
        batch_op.drop_index(batch_op.f('ix_uploads_council_id'))
        batch_op.drop_index(batch_op.f('ix_uploads_account_id'))

    op.drop_table('uploads')
    with op.batch_alter_table('support_plans', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_support_plans_recipient_id'))
        batch_op.drop_index(batch_op.f('ix_support_plans_council_id'))

    op.drop_table('support_plans')
    with op.batch_alter_table('representatives', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_representatives_user_id'))
        batch_op.drop_index(batch_op.f('ix_representatives_recipient_id'))
        batch_op.drop_index(batch_op.f('ix_representatives_council_id'))

    op.drop_table('representatives')
    with op.batch_alter_table('payment_schedules', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_payment_schedules_recipient_id'))
        batch_op.drop_index(batch_op.f('ix_payment_schedules_council_id'))
        batch_op.drop_index(batch_op.f('ix_payment_schedules_account_id'))

    op.drop_table('payment_schedules')
    with op.batch_alter_table('notes', schema=None) as batch_op:
        batch_op.drop_index('ix_notes_subject')
        batch_op.drop_index(batch_op.f('ix_notes_recipient_id'))
        batch_op.drop_index(batch_op.f('ix_notes_council_id'))

    op.drop_table('notes')
    with op.batch_alter_table('audits', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audits_recipient_id'))
        batch_op.drop_index(batch_op.f('ix_audits_council_id'))

    op.drop_table('audits')
    with op.batch_alter_table('api_keys', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_api_keys_user_id'))
        batch_op.drop_index(batch_op.f('ix_api_keys_council_id'))

    op.drop_table('api_keys')
    with op.batch_alter_table('workers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_workers_recipient_id'))
        batch_op.drop_index(batch_op.f('ix_workers_council_id'))

    op.drop_table('workers')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_users_provider_id'))
        batch_op.drop_index(batch_op.f('ix_users_council_id'))

    op.drop_table('users')
    with op.batch_alter_table('accounts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_accounts_recipient_id'))
        batch_op.drop_index(batch_op.f('ix_accounts_provider_id'))
        batch_op.drop_index(batch_op.f('ix_accounts_council_id'))

    op.drop_table('accounts')
    with op.batch_alter_table('recipients', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_recipients_council_id'))

    op.drop_table('recipients')
    with op.batch_alter_table('providers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_providers_council_id'))

    op.drop_table('providers')
    op.drop_table('idempotency_keys')
    op.drop_table('councils')
    op.drop_table('blobs')


# The event log is append-only: the database itself refuses to change or remove an event.
_PG_FUNCTION = """
CREATE FUNCTION dpaudit_events_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'events are append-only';
END;
$$ LANGUAGE plpgsql
"""


def _forbid_event_changes() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(_PG_FUNCTION)
        op.execute(
            "CREATE TRIGGER events_append_only BEFORE UPDATE OR DELETE ON events "
            "FOR EACH ROW EXECUTE FUNCTION dpaudit_events_append_only()"
        )
        op.execute(
            "CREATE TRIGGER events_no_truncate BEFORE TRUNCATE ON events "
            "FOR EACH STATEMENT EXECUTE FUNCTION dpaudit_events_append_only()"
        )
    else:
        for verb in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER events_no_{verb.lower()} BEFORE {verb} ON events "
                "BEGIN SELECT RAISE(ABORT, 'events are append-only'); END"
            )


def _allow_event_changes() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS events_no_truncate ON events")
        op.execute("DROP TRIGGER IF EXISTS events_append_only ON events")
        op.execute("DROP FUNCTION IF EXISTS dpaudit_events_append_only()")
    else:
        op.execute("DROP TRIGGER IF EXISTS events_no_update")
        op.execute("DROP TRIGGER IF EXISTS events_no_delete")
