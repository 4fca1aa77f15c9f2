"""What every upload shares: the raw bytes kept once (content-addressed), the upload record,
the same-file check, and voiding."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from importers import Limits
from service.core.config import get_settings
from service.core.context import Ctx
from service.core.errors import Conflict, field_error
from service.core.events import record, snapshot
from service.core.types import utcnow
from service.models import Audit, AuditRefresh, Blob, PayrollLine, TimesheetEntry, Transaction, Upload
from service.models.live import live

# A workbook part may inflate to this many times its compressed size. Real workbooks inflate 5 to
# 30 times; a zip bomb, thousands. It is the only limit on expansion: a genuine file under the
# byte and row limits is never refused for how far it inflates.
EXPANSION_RATIO = 100


def upload_limits() -> Limits:
    """The ceilings of one uploaded file: DPAUDIT_MAX_UPLOAD_BYTES and DPAUDIT_MAX_UPLOAD_ROWS,
    and the expansion ratio against compression bombs."""
    settings = get_settings()
    inflated = settings.max_upload_bytes * EXPANSION_RATIO
    return Limits(max_bytes=settings.max_upload_bytes, max_rows=settings.max_upload_rows,
                  max_compression_ratio=EXPANSION_RATIO, max_member_bytes=inflated,
                  max_unzipped_bytes=inflated)


def dialect_insert(session: Session, table: Any) -> Any:
    """INSERT for this database, so callers can add ON CONFLICT DO NOTHING on either. Each
    dialect's is imported when used: a command on SQLite need not load PostgreSQL's."""
    if session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        return pg_insert(table)
    from sqlalchemy.dialects.sqlite import insert as sqlite_insert

    return sqlite_insert(table)


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def store_blob(session: Session, data: bytes) -> str:
    """Keep the raw bytes once, whoever sends them and however often."""
    digest = sha256(data)
    stmt = dialect_insert(session, Blob.__table__).values(
        sha256=digest, size=len(data), data=data, created_at=utcnow())
    session.execute(stmt.on_conflict_do_nothing(index_elements=["sha256"]))
    return digest


def previous_upload(session: Session, *, kind: str, digest: str, account_id: int | None = None,
                    recipient_id: int | None = None) -> Upload | None:
    """The first live upload of these exact bytes to this account (or person), if any."""
    stmt = select(Upload).where(Upload.kind == kind, Upload.sha256 == digest,
                                Upload.status == "imported")
    if account_id is not None:
        stmt = stmt.where(Upload.account_id == account_id)
    if recipient_id is not None:
        stmt = stmt.where(Upload.recipient_id == recipient_id)
    return session.scalars(stmt.order_by(Upload.id).limit(1)).first()


def create_upload(ctx: Ctx, **fields: Any) -> Upload:
    upload = Upload(council_id=ctx.principal.council_id,
                    uploaded_by_id=ctx.principal.user_id or None, **fields)
    ctx.session.add(upload)
    ctx.session.flush()
    return upload


def _release_lines(ctx: Ctx, upload: Upload) -> None:
    """Nothing live may point at lines leaving the figures: flags keep their evidence, twins
    lose the link."""
    from service.review.flags import release_transactions

    ids = list(ctx.session.scalars(select(Transaction.id).where(Transaction.upload_id == upload.id,
                                                              live(Transaction))))
    # only council staff may settle a flag by voiding; a holder's open flags wait for them
    release_transactions(ctx, ids, clear_open=ctx.principal.council_wide)
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        ctx.session.execute(update(Transaction).where(Transaction.possible_duplicate_of.in_(chunk))
                            .values(possible_duplicate_of=None, review=None))


_ROWS_OF = {"statement": Transaction, "batch": Transaction, "timesheet": TimesheetEntry,
            "payroll": PayrollLine}


def void_upload(ctx: Ctx, upload: Upload, reason: str) -> Upload:
    """Take an upload's rows out of every figure, keeping the file and the record of why.

    The rows stay, marked void: an audit that used them can still show and prove what it
    decided, and the same file can be sent again (uniqueness holds among live lines only)."""
    if upload.status == "voided":
        raise Conflict("This upload is already void.",
                       errors=[field_error("status", "already void")])
    before = snapshot(upload)
    model: Any = _ROWS_OF[upload.kind]
    if model is Transaction:
        from service.ingest.statements import hand_over_shared_lines

        hand_over_shared_lines(ctx, upload)
        _release_lines(ctx, upload)
    removed = ctx.session.execute(update(model).where(model.upload_id == upload.id, live(model))
                                  .values(voided=True)).rowcount  # type: ignore[attr-defined]
    upload.status = "voided"
    upload.voided_at = utcnow()
    upload.void_reason = reason
    upload.summary = {**upload.summary, "rows_removed_when_voided": removed}
    record(ctx, "upload.voided", upload, before=before)
    keep_audits_in_step(ctx, upload.recipient_id)
    return upload


def keep_audits_in_step(ctx: Ctx, recipient_id: int) -> None:
    """Every open audit of the person is worked out again after an upload or a void, so
    the family who sends the missing statement is no longer asked for it."""
    if not _has_open_audit(ctx, recipient_id):
        return  # nothing to refresh, and the audit machinery (reports and all) stays unloaded
    from service.audits.service import refresh_open_audits

    refresh_open_audits(ctx, recipient_id)


def _has_open_audit(ctx: Ctx, recipient_id: int) -> bool:
    return ctx.session.scalar(select(Audit.id).where(
        Audit.recipient_id == recipient_id, Audit.status == "open").limit(1)) is not None


@dataclass(frozen=True, slots=True)
class Asked:
    """A batch's place among the person's batches that asked for their open audits to be worked
    out again, in the order they committed (``AuditRefresh``)."""

    recipient_id: int
    number: int


def ask_audits_in_step(ctx: Ctx, recipient_id: int) -> Asked | None:
    """The last write of a batch that works the open audits out after it commits (``after_commit``):
    its number among the person's batches. None when the person has no open audit."""
    if not _has_open_audit(ctx, recipient_id):
        return None
    table: Any = AuditRefresh.__table__
    number = ctx.session.execute(
        dialect_insert(ctx.session, table).values(recipient_id=recipient_id, asked=1, done=0)
        .on_conflict_do_update(index_elements=["recipient_id"], set_={"asked": table.c.asked + 1})
        .returning(table.c.asked)).scalar_one()
    return Asked(recipient_id, int(number))


def still_asked(ctx: Ctx, recipient_id: int) -> Asked | None:
    """The person's latest batch, when the open audits have not been worked out since it (its
    own refresh failed after it committed, or is under way): a replay of a batch finishes it."""
    row = ctx.session.execute(select(AuditRefresh.asked, AuditRefresh.done)
                              .where(AuditRefresh.recipient_id == recipient_id)).first()
    if row is None or row.done >= row.asked:
        return None
    return Asked(recipient_id, int(row.asked))


def after_commit(ctx: Ctx, asked: Asked) -> None:
    """Once the batch is committed: work the person's open audits out again, unless whoever
    held them since it committed already has (its lines were then in what they read). Either
    way they show its lines when this returns."""
    from service.audits.service import refresh_open_audits

    refresh_open_audits(ctx, asked.recipient_id, unless_done=asked.number)


_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def clean_filename(name: str | None) -> str | None:
    """The name to keep and send back: no folders, no control characters, at most 255."""
    if not name:
        return None
    base = _CONTROL.sub("", re.split(r"[\\/]", name)[-1]).strip()
    # names the operating system could not decode arrive with lone surrogates: replace them
    base = base.encode("utf-8", "replace").decode("utf-8")
    return base[:255] or None
