"""Support plans: each change is a new version; a version is approved once and then frozen."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

from sqlalchemy import func, select

from service.core.deps import Ctx
from service.core.errors import Conflict, field_error
from service.core.events import record, snapshot
from service.core.types import utcnow
from service.models import PlanLine, Recipient, SupportPlan
from service.plans.schemas import PlanIn, PlanLineOut, PlanOut


def create_version(ctx: Ctx, recipient: Recipient, body: PlanIn) -> SupportPlan:
    latest = ctx.session.scalar(
        select(func.max(SupportPlan.version)).where(SupportPlan.recipient_id == recipient.id)
    )
    plan = SupportPlan(
        council_id=recipient.council_id,
        recipient_id=recipient.id,
        version=(latest or 0) + 1,
        status="draft",
        **body.model_dump(exclude={"lines"}),
    )
    ctx.session.add(plan)
    ctx.session.flush()
    for position, line in enumerate(body.lines, start=1):
        ctx.session.add(PlanLine(council_id=plan.council_id, plan_id=plan.id, position=position,
                                 **line.model_dump()))
    record(ctx, "plan.created", plan, after=to_out(ctx, plan).model_dump(mode="json"))
    return plan


def approve(ctx: Ctx, plan: SupportPlan) -> SupportPlan:
    if plan.status == "approved":
        raise Conflict(
            f"Version {plan.version} of this plan is already approved.",
            errors=[field_error("status", "already approved; create a new version to change it")],
        )
    before = snapshot(plan)
    _end_previous_version(ctx, plan)
    _end_before_next_version(ctx, plan)
    plan.status = "approved"
    plan.approved_at = utcnow()
    plan.approved_by_id = ctx.principal.user_id or None
    record(ctx, "plan.approved", plan, before=before)
    return plan


def _end_previous_version(ctx: Ctx, plan: SupportPlan) -> None:
    """The approved version in force before this one ends the day before this one starts."""
    previous = ctx.session.scalars(
        select(SupportPlan).where(
            SupportPlan.recipient_id == plan.recipient_id,
            SupportPlan.status == "approved",
            SupportPlan.effective_from < plan.effective_from,
        )
    ).all()
    for old in previous:
        if old.effective_to is None or old.effective_to >= plan.effective_from:
            before = snapshot(old)
            old.effective_to = plan.effective_from - timedelta(days=1)
            record(ctx, "plan.superseded", old, before=before)


def _end_before_next_version(ctx: Ctx, plan: SupportPlan) -> None:
    """Approving an older version late: it ends the day before the next approved one starts."""
    following = ctx.session.scalar(
        select(func.min(SupportPlan.effective_from)).where(
            SupportPlan.recipient_id == plan.recipient_id,
            SupportPlan.status == "approved",
            SupportPlan.effective_from > plan.effective_from,
        )
    )
    if following is not None and (plan.effective_to is None or plan.effective_to >= following):
        plan.effective_to = following - timedelta(days=1)


def lines_by_plan(ctx: Ctx, plans: Sequence[SupportPlan]) -> dict[int, list[PlanLine]]:
    """The lines of several plan versions in one query (a page of plans is one round trip)."""
    found: dict[int, list[PlanLine]] = {plan.id: [] for plan in plans}
    if found:
        for line in ctx.session.scalars(select(PlanLine).where(PlanLine.plan_id.in_(found))
                                        .order_by(PlanLine.plan_id, PlanLine.position)):
            found[line.plan_id].append(line)
    return found


def to_out(ctx: Ctx, plan: SupportPlan, lines: list[PlanLine] | None = None) -> PlanOut:
    data = {c: getattr(plan, c) for c in PlanOut.model_fields if c != "lines"}
    if lines is None:
        lines = lines_by_plan(ctx, [plan])[plan.id]
    return PlanOut.model_validate({**data, "lines": [PlanLineOut.model_validate(x) for x in lines]})


def page_out(ctx: Ctx, plans: Sequence[SupportPlan]) -> list[PlanOut]:
    lines = lines_by_plan(ctx, plans)
    return [to_out(ctx, plan, lines[plan.id]) for plan in plans]
