"""The return programme's commands: referring a person, accepting and bringing in the partner
(IOM), moving the plan's tasks, departure (the case becomes *returned*), and the consent
withdrawal that stops the plan. Reach and the read models: ``return_plans``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from piccolo.columns import Column

from accounts import audit
from accounts.domain import Actor
from accounts.policy import require
from beneficiaries import services as beneficiaries
from fristad.database import write_transaction
from fristad.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from fristad.i18n import gettext as _
from pathways.returns import (
    FOLLOW_UP_OUTCOMES,
    FOLLOW_UPS,
    TASK_KINDS,
    blocking_departure,
    due_after_departure,
    due_on_acceptance,
    plan_target,
    task_target,
)
from pathways.services.return_plans import (
    ReferralIn,
    ReturnPlanView,
    authorities,
    get_return_plan,
    may_move,
    now,
    partners,
    plan_in_reach,
)
from pathways.tables import ReturnPlan, ReturnTask


async def refer_to_return(actor: Actor, data: ReferralIn) -> ReturnPlanView:
    """Refer one of the organisation's own cases to the return programme: the person needs
    support to return home and consented to sharing with IOM (refused otherwise)."""
    require(actor, "return.refer")
    case = await beneficiaries.case_for(actor, data.beneficiary_id)
    errors = {}
    if data.authority_id not in {authority for authority, _name in await authorities()}:
        errors["authority_id"] = _("Choose the authority that runs the return programme.")
    country = data.country.strip().upper()
    if len(country) != 2 or not country.isalpha():
        errors["country"] = _("Choose the country the person returns to.")
    if len(data.language.strip()) not in (2, 3):
        errors["language"] = _("Choose the language the person was told in.")
    if errors:
        raise InvalidInput(errors)
    if "return_support" not in case.needs:
        raise Conflict(_("The person's needs do not include support to return home."))
    if not await beneficiaries.has_valid_consent(data.beneficiary_id, "share_iom"):
        raise Conflict(
            _("The person has not consented to sharing with IOM. Record the consent first.")
        )
    async with write_transaction():
        await beneficiaries.lock_case(data.beneficiary_id, refuse=("closed", "returned"))
        running = await ReturnPlan.exists().where(
            (ReturnPlan.beneficiary == data.beneficiary_id)
            & ReturnPlan.state.is_in(["referred", "accepted", "departed"])
        )
        if running:
            raise Conflict(_("The person has been referred to the return programme already."))
        plan = ReturnPlan(
            beneficiary=data.beneficiary_id,
            referrer=actor.organisation_id,
            referred_by=actor.user_id,
            authority=data.authority_id,
            state="referred",
            country=country,
            language=data.language.strip().lower(),
            interpreter_present=data.interpreter_present,
            created_at=now(),
            updated_at=now(),
        )
        await plan.save()
        await audit.record(
            "return.referred",
            actor=actor,
            object_type="beneficiary",
            object_id=data.beneficiary_id,
            detail={"plan_id": int(plan.id), "authority_id": data.authority_id},
        )
    return await get_return_plan(actor, int(plan.id))


async def _move_plan(
    actor: Actor | None,
    row: dict[str, Any],
    action: str,
    values: dict[Column | str, Any] | None = None,
) -> None:
    """Move the plan by the transition table, conditionally on the state it was read in."""
    target = plan_target(action, row["state"])
    if target is None:
        raise Conflict(_("The return plan cannot do this in its present state."))
    changed = (
        await ReturnPlan.update(
            {ReturnPlan.state: target, ReturnPlan.updated_at: now(), **(values or {})}
        )
        .where((ReturnPlan.id == row["id"]) & (ReturnPlan.state == row["state"]))
        .returning(ReturnPlan.id)
    )
    if not changed:
        raise Conflict(_("The return plan was changed meanwhile. Reload the page."))
    await audit.record(
        f"return.{action}",
        actor=actor,
        object_type="beneficiary",
        object_id=row["beneficiary"],
        detail={"plan_id": row["id"], "from": row["state"], "to": target},
    )


async def accept_referral(actor: Actor, plan_id: int, partner_id: int) -> ReturnPlanView:
    """A return officer accepts the referral and brings in the partner: the plan's tasks
    before departure and for the travel are made, each with its owner and due date."""
    row = await plan_in_reach(actor, plan_id, "return.decide")
    if partner_id not in {partner for partner, _name in await partners()}:
        raise InvalidInput({"partner_id": _("Choose the partner organisation (IOM).")})
    owners = {"partner": partner_id, "referrer": row["referrer"], "authority": row["authority"]}
    today = now().date()
    async with write_transaction():
        await _move_plan(
            actor, row, "accept", {ReturnPlan.partner: partner_id, ReturnPlan.accepted_at: now()}
        )
        await ReturnTask.insert(
            *(
                ReturnTask(
                    plan=plan_id,
                    kind=kind,
                    stage=task.stage,
                    owner=owners[task.owner],
                    due_on=due_on_acceptance(kind, today),
                    state="open",
                )
                for kind, task in TASK_KINDS.items()
            )
        )
    return await get_return_plan(actor, plan_id)


async def decline_referral(actor: Actor, plan_id: int) -> ReturnPlanView:
    """A return officer declines the referral (the person's case stays as it is)."""
    row = await plan_in_reach(actor, plan_id, "return.decide")
    async with write_transaction():
        await _move_plan(actor, row, "decline")
    return await get_return_plan(actor, plan_id)


async def move_task(
    actor: Actor,
    plan_id: int,
    task_id: int,
    action: str,
    *,
    outcome: str | None = None,
    due_on: dt.date | None = None,
) -> ReturnPlanView:
    """Move one task by the transition table (its owner; a follow-up done needs its outcome).
    The 12-month follow-up done completes the plan."""
    plan = await plan_in_reach(actor, plan_id, "return.task")
    task = (
        await ReturnTask.select()
        .where((ReturnTask.id == task_id) & (ReturnTask.plan == plan_id))
        .first()
    )
    if task is None:
        raise NotFound
    if not may_move(actor, plan, task):
        raise PermissionDenied(_("This task is another organisation's, or not open now."))
    target = task_target(action, task["state"])
    if target is None:
        raise Conflict(_("The task cannot do this in its present state."))
    is_follow_up = task["kind"] in FOLLOW_UPS
    if is_follow_up and target == "done" and outcome not in FOLLOW_UP_OUTCOMES:
        raise InvalidInput({"outcome": _("Choose how the person is doing.")})
    values: dict[Any, Any] = {
        ReturnTask.state: target,
        ReturnTask.outcome: outcome if is_follow_up and target == "done" else None,
        ReturnTask.done_at: now() if target == "done" else None,
        ReturnTask.done_by: actor.user_id if target == "done" else None,
    }
    if due_on is not None:
        values[ReturnTask.due_on] = due_on
    async with write_transaction():
        changed = (
            await ReturnTask.update(values)
            .where((ReturnTask.id == task_id) & (ReturnTask.state == task["state"]))
            .returning(ReturnTask.id)
        )
        if not changed:
            raise Conflict(_("The task was changed meanwhile. Reload the page."))
        if task["kind"] == "travel_date" and due_on is not None:
            await ReturnPlan.update({ReturnPlan.travel_date: due_on}).where(
                ReturnPlan.id == plan_id
            )
        await audit.record(
            "return.task_moved",
            actor=actor,
            object_type="beneficiary",
            object_id=plan["beneficiary"],
            detail={"plan_id": plan_id, "task": task["kind"], "to": target, "outcome": outcome},
        )
        if task["kind"] == FOLLOW_UPS[-1] and target == "done":
            await _move_plan(actor, plan, "complete")
    return await get_return_plan(actor, plan_id)


async def record_departure(actor: Actor, plan_id: int) -> ReturnPlanView:
    """The person left (return officer or partner): every task before departure must be done
    or not needed; the support after arrival is due from today; the case becomes *returned*."""
    plan = await plan_in_reach(actor, plan_id, "return.depart")
    tasks = await ReturnTask.select(ReturnTask.kind, ReturnTask.state).where(
        ReturnTask.plan == plan_id
    )
    waiting = blocking_departure({task["kind"]: task["state"] for task in tasks})
    if waiting:
        raise Conflict(
            _("Before departure, still open: %(tasks)s.")
            % {"tasks": ", ".join(_(TASK_KINDS[kind].label) for kind in waiting)}
        )
    departed = now()
    async with write_transaction():
        await _move_plan(
            actor,
            plan,
            "depart",
            {
                ReturnPlan.departed_at: departed,
                ReturnPlan.travel_date: plan["travel_date"] or departed.date(),
            },
        )
        for kind, task in TASK_KINDS.items():
            if task.stage == "after":
                await ReturnTask.update(
                    {ReturnTask.due_on: due_after_departure(kind, departed.date())}
                ).where((ReturnTask.plan == plan_id) & (ReturnTask.kind == kind))
        # The case is the referring organisation's: beneficiaries records the event as ours.
        await beneficiaries.change_status(None, plan["beneficiary"], "returned")
    return await get_return_plan(actor, plan_id)


async def stop_on_consent_withdrawn(actor: Actor, beneficiary_id: int, scope: str) -> None:
    """The person withdrew the consent to share with IOM (beneficiaries calls this inside the
    withdrawal's transaction): a plan not yet completed stops, and the partner's reach with it."""
    if scope != "share_iom" or await beneficiaries.has_valid_consent(beneficiary_id, "share_iom"):
        return
    plans = await ReturnPlan.select().where(
        (ReturnPlan.beneficiary == beneficiary_id)
        & ReturnPlan.state.is_in(["referred", "accepted", "departed"])
    )
    for plan in plans:
        await _move_plan(actor, plan, "stop", {ReturnPlan.stopped_at: now()})
