"""Councils (the tenant and its settings) and the providers that serve it."""

from __future__ import annotations

from fastapi import APIRouter
from sqlalchemy import select

from service.core.deps import CtxDep, UnitOfWorkRoute
from service.core.errors import Conflict, NotFound, field_error
from service.core.events import record, snapshot
from service.core.idempotency import IdempotencyDep
from service.core.ids import IdPath
from service.core.pagination import Page, PagerDep
from service.councils.schemas import CouncilOut, CouncilPatch, ProviderIn, ProviderOut
from service.models import Council, Provider

router = APIRouter(prefix="/v1", tags=["councils"], route_class=UnitOfWorkRoute)


def _own_council(ctx: CtxDep, council_id: IdPath) -> Council:
    council = ctx.session.get(Council, council_id)
    if council is None or council.id != ctx.principal.council_id:
        raise NotFound(f"There is no council {council_id} that you can see.")
    return council


@router.get("/councils", summary="List councils (your own)",
            description="Lists the one council you belong to, as a page, so that a client can treat "
                        "councils like any other list.")
def list_councils(
    ctx: CtxDep, pager: PagerDep
) -> Page[CouncilOut]:
    stmt = select(Council).where(Council.id == ctx.principal.council_id)
    return pager.page(ctx.session, stmt, Council.id, CouncilOut.model_validate)


@router.get("/councils/{council_id}", summary="Read your council and its settings",
            description="Your council's name, contact details printed on letters, and its audit settings "
                        "(contingency weeks, first review, review interval). Another council's id answers "
                        "404.")
def get_council(ctx: CtxDep, council_id: IdPath) -> CouncilOut:
    return CouncilOut.model_validate(_own_council(ctx, council_id))


@router.patch("/councils/{council_id}", summary="Change your council's settings (admin)",
              description="Changes the council's name, letter contact details or audit settings. Leave a "
                          "field out to keep it. The change is recorded in the event log with its before and "
                          "after values.")
def patch_council(ctx: CtxDep, council_id: IdPath, body: CouncilPatch) -> CouncilOut:
    council = _own_council(ctx, council_id)
    ctx.principal.require("admin")
    before = snapshot(council)
    changes = body.model_dump(exclude_unset=True)
    if changes.get("optional_rules") is not None:
        from service.review.service import validate_optional_rules

        changes["optional_rules"] = validate_optional_rules(changes["optional_rules"])
    for name, value in changes.items():
        setattr(council, name, value)
    record(ctx, "council.updated", council, before=before)
    return CouncilOut.model_validate(council)


def _visible_providers(ctx: CtxDep):  # type: ignore[no-untyped-def]
    stmt = select(Provider).where(Provider.council_id == ctx.principal.council_id)
    if ctx.principal.role == "provider":
        return stmt.where(Provider.id == ctx.principal.provider_id)
    if ctx.principal.role == "holder":
        return stmt.where(Provider.id.is_(None))
    return stmt


@router.post("/providers", status_code=201, summary="Add a provider (admin)",
             description="Adds a payroll bureau, managed-account provider or prepaid-card platform by your "
                         "own reference. Provider users and accounts then name it. A reference already in "
                         "use answers 409.")
def create_provider(ctx: CtxDep, body: ProviderIn, idem: IdempotencyDep) -> ProviderOut:
    ctx.principal.require("admin")
    taken = ctx.session.scalar(
        select(Provider.id).where(
            Provider.council_id == ctx.principal.council_id, Provider.reference == body.reference
        )
    )
    if taken is not None:
        raise Conflict("A provider with this reference exists.",
                       errors=[field_error("reference", "already used in this council")])
    provider = Provider(council_id=ctx.principal.council_id, **body.model_dump())
    ctx.session.add(provider)
    record(ctx, "provider.created", provider)
    return idem.respond(ProviderOut.model_validate(provider))


@router.get("/providers", summary="List providers",
            description="Lists the providers of your council, paged by cursor.")
def list_providers(
    ctx: CtxDep, pager: PagerDep
) -> Page[ProviderOut]:
    return pager.page(ctx.session, _visible_providers(ctx), Provider.id, ProviderOut.model_validate)


@router.get("/providers/{provider_id}", summary="Read a provider",
            description="One provider of your council, by id.")
def get_provider(ctx: CtxDep, provider_id: IdPath) -> ProviderOut:
    provider = ctx.session.scalar(_visible_providers(ctx).where(Provider.id == provider_id))
    if provider is None:
        raise NotFound(f"There is no provider {provider_id} that you can see.")
    return ProviderOut.model_validate(provider)
