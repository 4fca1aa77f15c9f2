"""Personal data can be erased when retention ends: personal values of events kept apart, the list of erased people, the council's retention, internal notes

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-03 13:00:00.000000
"""

import json
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

from service.core.events import split

revision: str = '0009'
down_revision: str | None = '0008'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_BATCH = 1000


def upgrade() -> None:
    with op.batch_alter_table('councils', schema=None) as batch_op:
        batch_op.add_column(sa.Column('retention_years', sa.Integer(), server_default='7',
                                      nullable=False))
    with op.batch_alter_table('notes', schema=None) as batch_op:
        batch_op.add_column(sa.Column('internal', sa.Boolean(), server_default=sa.false(),
                                      nullable=False))
    op.create_table(
        'erasures',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('council_id', sa.Integer(), nullable=False),
        sa.Column('recipient_id', sa.Integer(), nullable=False),
        sa.Column('dp_end_date', sa.Date(), nullable=True),
        sa.Column('retention_years', sa.Integer(), nullable=False),
        sa.Column('erased_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['council_id'], ['councils.id'],
                                name=op.f('fk_erasures_council_id_councils')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_erasures')),
        sa.UniqueConstraint('recipient_id', name=op.f('uq_erasures_recipient_id')),
    )
    with op.batch_alter_table('erasures', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_erasures_council_id'), ['council_id'], unique=False)
    op.create_table(
        'event_personal_values',
        sa.Column('event_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
        sa.Column('recipient_id', sa.Integer(), nullable=True),
        sa.Column('user_id', sa.Integer(), nullable=True),
        sa.Column('before', sa.JSON(), nullable=True),
        sa.Column('after', sa.JSON(), nullable=True),
        sa.ForeignKeyConstraint(['event_id'], ['events.id'],
                                name=op.f('fk_event_personal_values_event_id_events')),
        sa.ForeignKeyConstraint(['recipient_id'], ['recipients.id'],
                                name=op.f('fk_event_personal_values_recipient_id_recipients')),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'],
                                name=op.f('fk_event_personal_values_user_id_users')),
        sa.PrimaryKeyConstraint('event_id', name=op.f('pk_event_personal_values')),
    )
    with op.batch_alter_table('event_personal_values', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_event_personal_values_recipient_id'), ['recipient_id'],
                              unique=False)
        batch_op.create_index(batch_op.f('ix_event_personal_values_user_id'), ['user_id'],
                              unique=False)
    _move_personal_values_out_of_events()


def downgrade() -> None:
    _put_personal_values_back()
    op.drop_table('event_personal_values')
    op.drop_table('erasures')
    with op.batch_alter_table('notes', schema=None) as batch_op:
        batch_op.drop_column('internal')
    with op.batch_alter_table('councils', schema=None) as batch_op:
        batch_op.drop_column('retention_years')


# --- the one time the log is rewritten ------------------------------------------------------
# Events written before this revision hold personal values inline. They are moved out once,
# here, with the append-only triggers lifted for the length of this migration only.

_events = sa.table('events', sa.column('id', sa.Integer), sa.column('recipient_id', sa.Integer),
                   sa.column('subject_type', sa.String), sa.column('subject_id', sa.String),
                   sa.column('before', sa.JSON), sa.column('after', sa.JSON))
_personal = sa.table('event_personal_values', sa.column('event_id', sa.Integer),
                     sa.column('recipient_id', sa.Integer), sa.column('user_id', sa.Integer),
                     sa.column('before', sa.JSON), sa.column('after', sa.JSON))


def _move_personal_values_out_of_events() -> None:
    bind = op.get_bind()
    _without_append_only_triggers(bind, lambda: _rewrite_events(bind))


def _rewrite_events(bind: Any) -> None:
    last = 0
    while True:
        rows = bind.execute(sa.select(_events).where(_events.c.id > last)
                            .order_by(_events.c.id).limit(_BATCH)).all()
        if not rows:
            return
        kept = []
        for row in rows:
            before, before_personal = split(_loaded(row.before))
            after, after_personal = split(_loaded(row.after))
            if before_personal is None and after_personal is None:
                continue
            bind.execute(sa.update(_events).where(_events.c.id == row.id)
                         .values(before=before, after=after))
            user_id = int(row.subject_id) if row.subject_type == 'users' and row.subject_id.isdigit() else None
            kept.append({'event_id': row.id, 'recipient_id': row.recipient_id, 'user_id': user_id,
                         'before': before_personal, 'after': after_personal})
        if kept:
            bind.execute(sa.insert(_personal), kept)
        last = rows[-1].id


def _put_personal_values_back() -> None:
    bind = op.get_bind()

    def restore() -> None:
        for row in bind.execute(sa.select(_personal)).all():
            event = bind.execute(sa.select(_events).where(_events.c.id == row.event_id)).one()
            bind.execute(sa.update(_events).where(_events.c.id == row.event_id).values(
                before=_joined(_loaded(event.before), _loaded(row.before)),
                after=_joined(_loaded(event.after), _loaded(row.after))))

    _without_append_only_triggers(bind, restore)


def _loaded(value: Any) -> dict[str, Any] | None:
    return json.loads(value) if isinstance(value, str) else value


def _joined(plain: dict[str, Any] | None, personal: dict[str, Any] | None) -> dict[str, Any] | None:
    if plain is None:
        return None
    return {**{k: v for k, v in plain.items() if k != '_personal'}, **(personal or {})}


def _without_append_only_triggers(bind: Any, step: Any) -> None:
    if bind.dialect.name == 'postgresql':
        op.execute('ALTER TABLE events DISABLE TRIGGER events_append_only')
        step()
        op.execute('ALTER TABLE events ENABLE TRIGGER events_append_only')
        return
    op.execute('DROP TRIGGER IF EXISTS events_no_update')
    step()
    op.execute("CREATE TRIGGER events_no_update BEFORE UPDATE ON events "
               "BEGIN SELECT RAISE(ABORT, 'events are append-only'); END")
