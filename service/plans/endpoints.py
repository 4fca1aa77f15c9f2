"""Support plans: create a version, list and read versions, approve a version."""

from __future__ import annotations

from fastapi import APIRouter

from service.audits.service import person_changed
from service.core.deps import CtxDep, UnitOfWorkRoute
from service.core.idempotency import IdempotencyDep
from service.core.ids import IdPath
from service.core.pagination import Page, PagerDep
from service.core.principal import STAFF
from service.core.scope import load, scoped_select
from service.models import Recipient, SupportPlan
from service.plans import service
from service.plans.schemas import PlanIn, PlanOut

router = APIRouter(prefix="/v1", tags=["plans"], route_class=UnitOfWorkRoute)


@router.post("/recipients/{recipient_id}/plans", status_code=201,
             summary="Create a new draft version of a recipient's support plan (admin, officer)",
             description="Creates a new draft version of the person's support plan, with its lines "
                         "(category, amount per week or period, planned hours, hourly rate). Approved "
                         "versions never change; a change is a new version.")
def create_plan(ctx: CtxDep, recipient_id: IdPath, body: PlanIn, idem: IdempotencyDep) -> PlanOut:
    recipient = load(ctx, Recipient, recipient_id, "recipient")
    ctx.principal.require(*STAFF)
    plan = service.create_version(ctx, recipient, body)
    return idem.respond(service.to_out(ctx, plan))


@router.get("/recipients/{recipient_id}/plans", summary="List a recipient's plan versions",
            description="Lists the versions of the person's plan, drafts and approved.")
def list_plans(
    ctx: CtxDep, recipient_id: IdPath, pager: PagerDep
) -> Page[PlanOut]:
    recipient = load(ctx, Recipient, recipient_id, "recipient")
    ctx.principal.require(*STAFF, "holder")
    stmt = scoped_select(ctx, SupportPlan).where(SupportPlan.recipient_id == recipient.id)
    return pager.page_all(ctx.session, stmt, SupportPlan.id, lambda plans: service.page_out(ctx, plans))


@router.get("/plans/{plan_id}", summary="Read a plan version with its lines",
            description="One plan version with its lines and weekly value.")
def get_plan(ctx: CtxDep, plan_id: IdPath) -> PlanOut:
    return service.to_out(ctx, load(ctx, SupportPlan, plan_id, "plan"))


@router.post("/plans/{plan_id}/approve",
             summary="Approve a draft plan version (admin, officer); approved versions are frozen",
             description="Approves a draft version: from its effective date, audits measure spending against "
                         "it. The person's rules are re-run and their open audits worked out again. An "
                         "approved version answers 409.")
def approve_plan(ctx: CtxDep, plan_id: IdPath) -> PlanOut:
    plan = load(ctx, SupportPlan, plan_id, "plan")
    ctx.principal.require(*STAFF)
    service.approve(ctx, plan)
    person_changed(ctx, ctx.session.get_one(Recipient, plan.recipient_id))
    return service.to_out(ctx, plan)
