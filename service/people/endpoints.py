"""Users, API keys, recipients, representatives and workers."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import StreamingResponse
from sqlalchemy import select

from service.audits.service import person_changed
from service.core.deps import Ctx, CtxDep, UnitOfWorkRoute
from service.core.errors import NotFound
from service.core.idempotency import IdempotencyDep
from service.core.ids import IdPath
from service.core.pagination import Page, PagerDep
from service.core.principal import STAFF
from service.core.scope import load, scoped_select
from service.core.types import utcnow
from service.models import ApiKey, Recipient, Representative, User, Worker
from service.people import service
from service.people.schemas import (
    ApiKeyCreated,
    ApiKeyIn,
    ApiKeyOut,
    RecipientIn,
    RecipientOut,
    RecipientPatch,
    RepresentativeIn,
    RepresentativeOut,
    ServedRecipientOut,
    UserIn,
    UserOut,
    UserPatch,
    WorkerIn,
    WorkerOut,
    WorkerPatch,
)
from service.privacy import export

router = APIRouter(prefix="/v1", route_class=UnitOfWorkRoute)



# --- users -------------------------------------------------------------------------------

def _visible_users(ctx: CtxDep):  # type: ignore[no-untyped-def]
    stmt = select(User).where(User.council_id == ctx.principal.council_id)
    if not ctx.principal.council_wide:
        stmt = stmt.where(User.id == ctx.principal.user_id)
    return stmt


@router.post("/users", status_code=201, tags=["users"], summary="Add a user (admin)",
             description="Adds a user to your council with a role: admin, officer, holder or provider (a "
                         "provider user names its provider). The user signs in with an API key made by `POST "
                         "/v1/api-keys`. An email already in use answers 409.")
def create_user(ctx: CtxDep, body: UserIn, idem: IdempotencyDep) -> UserOut:
    ctx.principal.require("admin")
    return idem.respond(UserOut.model_validate(service.create_user(ctx, body)))


@router.get("/users", tags=["users"], summary="List users you can see",
            description="Lists users: admins and officers see the whole council, everyone else sees "
                        "themselves.")
def list_users(ctx: CtxDep, pager: PagerDep) -> Page[UserOut]:
    return pager.page(ctx.session, _visible_users(ctx), User.id, UserOut.model_validate)


@router.get("/users/me", tags=["users"], summary="Who am I",
            description="The user the API key belongs to, with their role and council. A quick way to check "
                        "a key works.")
def me(ctx: CtxDep) -> UserOut:
    return UserOut.model_validate(ctx.session.get(User, ctx.principal.user_id))


def _load_user(ctx: CtxDep, user_id: IdPath) -> User:
    user: User | None = ctx.session.scalar(_visible_users(ctx).where(User.id == user_id))
    if user is None:
        raise NotFound(f"There is no user {user_id} that you can see.")
    return user


@router.get("/users/{user_id}", tags=["users"], summary="Read a user",
            description="One user you can see, by id.")
def get_user(ctx: CtxDep, user_id: IdPath) -> UserOut:
    return UserOut.model_validate(_load_user(ctx, user_id))


@router.patch("/users/{user_id}", tags=["users"], summary="Rename or deactivate a user (admin)",
              description="Renames a user or deactivates them. A deactivated user's API keys stop working at "
                          "once on the server that was told, and within a second on every other.")
def patch_user(ctx: CtxDep, user_id: IdPath, body: UserPatch) -> UserOut:
    user = _load_user(ctx, user_id)
    ctx.principal.require("admin")
    return UserOut.model_validate(
        service.update(ctx, user, body.model_dump(exclude_unset=True), "user.updated")
    )


# --- API keys ----------------------------------------------------------------------------

def _visible_keys(ctx: CtxDep):  # type: ignore[no-untyped-def]
    stmt = select(ApiKey).where(ApiKey.council_id == ctx.principal.council_id)
    if ctx.principal.role != "admin":
        stmt = stmt.where(ApiKey.user_id == ctx.principal.user_id)
    return stmt


@router.post("/api-keys", status_code=201, tags=["api keys"],
             summary="Create an API key (the secret is shown once)",
             description="Makes an API key for yourself, or (admins) for a user of your council. The secret "
                         "is in this answer only: store it now. Only a keyed hash is kept.")
def create_api_key(ctx: CtxDep, body: ApiKeyIn, idem: IdempotencyDep) -> ApiKeyCreated:
    owner_id = body.user_id if body.user_id is not None else ctx.principal.user_id
    if owner_id != ctx.principal.user_id:
        ctx.principal.require("admin")
    owner = service.user_in_council(ctx, owner_id)
    key, token = service.create_api_key(ctx, owner, body.name)
    created = ApiKeyCreated.model_validate({**ApiKeyOut.model_validate(key).model_dump(), "token": token})
    # a replay must never show the secret again: store the response without it
    idem.respond(ApiKeyOut.model_validate(key))
    return created


@router.get("/api-keys", tags=["api keys"], summary="List API keys (yours; admins: the council's)",
            description="Lists API keys by name and prefix, never their secrets: your own, or the council's "
                        "for an admin.")
def list_api_keys(
    ctx: CtxDep, pager: PagerDep
) -> Page[ApiKeyOut]:
    return pager.page(ctx.session, _visible_keys(ctx), ApiKey.id, ApiKeyOut.model_validate)


@router.delete("/api-keys/{key_id}", tags=["api keys"], summary="Revoke an API key",
               description="Revokes an API key: it stops working at once on the server that revoked it, "
                           "and within a second on every other. The record stays, with when it was "
                           "revoked.")
def revoke_api_key(ctx: CtxDep, key_id: IdPath) -> ApiKeyOut:
    key = ctx.session.scalar(_visible_keys(ctx).where(ApiKey.id == key_id))
    if key is None:
        raise NotFound(f"There is no API key {key_id} that you can see.")
    return ApiKeyOut.model_validate(service.revoke_api_key(ctx, key))


# --- recipients --------------------------------------------------------------------------

@router.post("/recipients", status_code=201, tags=["recipients"],
             summary="Add a recipient (admin, officer)",
             description="Adds a person who receives a direct payment, by the council's own reference. "
                         "Representatives, accounts, plans and workers are added under them. A reference "
                         "already in use answers 409.")
def create_recipient(ctx: CtxDep, body: RecipientIn, idem: IdempotencyDep) -> RecipientOut:
    ctx.principal.require(*STAFF)
    return idem.respond(RecipientOut.model_validate(service.create_recipient(ctx, body)))


def _recipient_out(ctx: Ctx, recipient: Recipient) -> RecipientOut | ServedRecipientOut:
    """A provider reads only the reference and name of a person it serves: never a birth date."""
    if ctx.principal.role == "provider":
        return ServedRecipientOut.model_validate(recipient)
    return RecipientOut.model_validate(recipient)


@router.get("/recipients", tags=["recipients"], summary="List recipients you can see",
            description="Lists the people you can see: the whole council for admins and officers, the "
                        "people a holder holds the payment for, the people whose accounts a provider "
                        "serves.")
def list_recipients(
    ctx: CtxDep, pager: PagerDep
) -> Page[RecipientOut | ServedRecipientOut]:
    stmt = scoped_select(ctx, Recipient)
    return pager.page(ctx.session, stmt, Recipient.id, lambda r: _recipient_out(ctx, r))


@router.get("/recipients/{recipient_id}", tags=["recipients"], summary="Read a recipient",
            description="One person you can see, by id. Anyone else answers 404.")
def get_recipient(ctx: CtxDep, recipient_id: IdPath) -> RecipientOut | ServedRecipientOut:
    return _recipient_out(ctx, load(ctx, Recipient, recipient_id, "recipient"))


@router.patch("/recipients/{recipient_id}", tags=["recipients"],
              summary="Change a recipient, or record that their direct payment ended",
              description="Changes a person's details, or records that their direct payment ended "
                          "(with the date and reason). Leave a field out to keep it; `null` clears only "
                          "fields that may be empty. The person's rules are re-run and their open audits "
                          "worked out again.")
def patch_recipient(ctx: CtxDep, recipient_id: IdPath, body: RecipientPatch) -> RecipientOut:
    recipient = load(ctx, Recipient, recipient_id, "recipient")
    ctx.principal.require(*STAFF)
    service.update_recipient(ctx, recipient, body)
    person_changed(ctx, recipient)
    return RecipientOut.model_validate(recipient)


@router.get(
    "/recipients/{recipient_id}/export", tags=["recipients"], response_class=StreamingResponse,
    summary="Everything held about a person, as a zip (subject access; admin, officer, holder)",
    description="A council's staff get the full pack to review before release: every record "
    "about the person as JSON, the original uploaded files, every letter as a PDF, and a README "
    "in plain English. A holder gets what they can already see, without officers' internal "
    "notes or other people's details. The zip is written while it is sent; each export is "
    "recorded in the event log (`recipient.exported`).",
    responses={200: {"content": {"application/zip": {}}, "description": "The zip."}})
def export_recipient(ctx: CtxDep, recipient_id: IdPath) -> StreamingResponse:
    recipient = load(ctx, Recipient, recipient_id, "recipient")
    request = export.start_export(ctx, recipient)
    name = export.filename(recipient.id, utcnow())
    return StreamingResponse(export.stream_export(request), media_type="application/zip",
                             headers={"Content-Disposition": f'attachment; filename="{name}"'})


# --- representatives ---------------------------------------------------------------------

@router.post("/recipients/{recipient_id}/representatives", status_code=201,
             tags=["representatives"], summary="Add who holds the direct payment (admin, officer)",
             description="Records who holds the direct payment for the person: the person themselves, a "
                         "nominee or an authorised person, optionally linked to a holder user who then sees "
                         "the person's records.")
def create_representative(
    ctx: CtxDep, recipient_id: IdPath, body: RepresentativeIn, idem: IdempotencyDep
) -> RepresentativeOut:
    recipient = load(ctx, Recipient, recipient_id, "recipient")
    ctx.principal.require(*STAFF)
    rep = service.add_representative(ctx, recipient, body)
    return idem.respond(RepresentativeOut.model_validate(rep))


@router.get("/recipients/{recipient_id}/representatives", tags=["representatives"],
            summary="List a recipient's representatives",
            description="Lists the person's representatives.")
def list_representatives(
    ctx: CtxDep, recipient_id: IdPath, pager: PagerDep
) -> Page[RepresentativeOut]:
    recipient = load(ctx, Recipient, recipient_id, "recipient")
    ctx.principal.require(*STAFF, "holder")
    stmt = scoped_select(ctx, Representative).where(Representative.recipient_id == recipient.id)
    return pager.page(ctx.session, stmt, Representative.id, RepresentativeOut.model_validate)


@router.get("/representatives/{representative_id}", tags=["representatives"],
            summary="Read a representative",
            description="One representative, by id.")
def get_representative(ctx: CtxDep, representative_id: IdPath) -> RepresentativeOut:
    rep = load(ctx, Representative, representative_id, "representative")
    return RepresentativeOut.model_validate(rep)


# --- workers -----------------------------------------------------------------------------

@router.post("/recipients/{recipient_id}/workers", status_code=201, tags=["workers"],
             summary="Add a personal assistant (admin, officer, holder)",
             description="Adds a personal assistant the person employs: age band (for the minimum wage), "
                         "relationship, and whether they live in the household (for the rule on paying "
                         "relatives). The person's open audits are worked out again (after their rules, "
                         "when council staff add the worker).")
def create_worker(
    ctx: CtxDep, recipient_id: IdPath, body: WorkerIn, idem: IdempotencyDep
) -> WorkerOut:
    recipient = load(ctx, Recipient, recipient_id, "recipient")
    ctx.principal.require(*STAFF, "holder")
    worker = service.add_worker(ctx, recipient, body)
    person_changed(ctx, recipient)
    return idem.respond(WorkerOut.model_validate(worker))


@router.get("/recipients/{recipient_id}/workers", tags=["workers"],
            summary="List a recipient's personal assistants",
            description="Lists the person's personal assistants.")
def list_workers(
    ctx: CtxDep, recipient_id: IdPath, pager: PagerDep
) -> Page[WorkerOut]:
    recipient = load(ctx, Recipient, recipient_id, "recipient")
    ctx.principal.require(*STAFF, "holder")
    stmt = scoped_select(ctx, Worker).where(Worker.recipient_id == recipient.id)
    return pager.page(ctx.session, stmt, Worker.id, WorkerOut.model_validate)


@router.get("/workers/{worker_id}", tags=["workers"], summary="Read a personal assistant",
            description="One personal assistant, by id.")
def get_worker(ctx: CtxDep, worker_id: IdPath) -> WorkerOut:
    return WorkerOut.model_validate(load(ctx, Worker, worker_id, "worker"))


@router.patch("/workers/{worker_id}", tags=["workers"],
              summary="Change a personal assistant's details (admin, officer, holder)",
              description="Changes a personal assistant's details, such as their age band or the council's "
                          "approval to pay a relative who lives with the person. The person's open audits "
                          "are worked out again; when council staff make the change, the person's rules are "
                          "re-run first, so an open flag the change settles is cleared.")
def patch_worker(ctx: CtxDep, worker_id: IdPath, body: WorkerPatch) -> WorkerOut:
    worker = load(ctx, Worker, worker_id, "worker")
    ctx.principal.require(*STAFF, "holder")
    service.update_worker(ctx, worker, body)
    person_changed(ctx, ctx.session.get_one(Recipient, worker.recipient_id))
    return WorkerOut.model_validate(worker)
