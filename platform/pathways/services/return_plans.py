"""The return programme's reads: reach (who sees a plan at all; out of reach is a 404), the
plan as its readers see it, lists, and the count of returns per country for statistics.

- the referring organisation: its own referrals (the case is its own);
- the authority's return officers: the referrals made to their authority;
- the partner's staff: the plans they were brought into, only while the plan runs and the
  person's consent to share with IOM holds, and of the person only the minimal profile.
"""

from __future__ import annotations

import datetime as dt
from datetime import UTC, datetime
from typing import Any

import msgspec

from accounts import audit
from accounts.domain import Actor
from accounts.policy import require
from accounts.tables import Organisation
from beneficiaries import services as beneficiaries
from beneficiaries.domain import MinimalProfile
from fristad.database import write_transaction
from fristad.errors import NotFound
from pathways.returns import (
    FOLLOW_UPS,
    OPEN_STAGES,
    PARTNER_STATES,
    task_actions,
)
from pathways.returns_policy import REFERRING_ROLES, is_partner_staff, is_return_officer
from pathways.returns_texts import printed_texts
from pathways.tables import ReturnPlan, ReturnTask


def now() -> datetime:
    return datetime.now(UTC)


class ReturnTaskView(msgspec.Struct, frozen=True, kw_only=True):
    id: int
    kind: str
    stage: str
    owner_id: int | None
    owner_name: str | None
    due_on: dt.date | None
    state: str
    outcome: str | None
    done_at: datetime | None
    # What the asking actor may do with it now (the transition table, their organisation).
    actions: list[str]


class ReturnPlanView(msgspec.Struct, frozen=True, kw_only=True):
    """A return plan as its readers see it: the partner gets exactly this (the profile is the
    minimal one; no identity, no notes, no history of the case)."""

    id: int
    beneficiary_id: int
    code: str
    profile: MinimalProfile
    state: str
    country: str
    language: str
    interpreter_present: bool
    travel_date: dt.date | None
    referrer_id: int
    referrer_name: str
    authority_id: int
    authority_name: str
    partner_id: int | None
    partner_name: str | None
    cost_request_id: int | None
    created_at: datetime
    accepted_at: datetime | None
    departed_at: datetime | None
    stopped_at: datetime | None
    tasks: list[ReturnTaskView]


class ReturnPlanRow(msgspec.Struct, frozen=True, kw_only=True):
    id: int
    code: str
    state: str
    country: str
    referrer_name: str
    partner_name: str | None
    created_at: datetime


class ReferralIn(msgspec.Struct, kw_only=True):
    beneficiary_id: int
    authority_id: int
    country: str
    language: str = "en"
    interpreter_present: bool = False


async def _organisation_name(organisation_id: int | None) -> str | None:
    if organisation_id is None:
        return None
    row = (
        await Organisation.select(Organisation.name)
        .where(Organisation.id == organisation_id)
        .first()
    )
    return row["name"] if row else None


async def _visible_to_partner(row: dict[str, Any]) -> bool:
    return row["state"] in PARTNER_STATES and await beneficiaries.has_valid_consent(
        row["beneficiary"], "share_iom"
    )


async def plan_in_reach(actor: Actor, plan_id: int, action: str) -> dict[str, Any]:
    require(actor, action)
    row = await ReturnPlan.select().where(ReturnPlan.id == plan_id).first()
    if row is None:
        raise NotFound
    organisation = actor.organisation_id
    if is_partner_staff(actor):
        reached = row["partner"] == organisation and await _visible_to_partner(row)
    elif is_return_officer(actor):
        reached = row["authority"] == organisation
    elif actor.has_role(*REFERRING_ROLES):
        reached = row["referrer"] == organisation
    else:
        reached = False
    if not reached:
        raise NotFound
    return row


def may_move(actor: Actor, plan: dict[str, Any], task: dict[str, Any]) -> bool:
    """The task's owner moves it; the return officers too, except the follow-ups, which the
    partner records (it is the one in contact with the person after arrival)."""
    if task["stage"] not in OPEN_STAGES.get(plan["state"], frozenset()):
        return False
    if task["owner"] == actor.organisation_id and (
        is_partner_staff(actor) or is_return_officer(actor) or actor.has_role(*REFERRING_ROLES)
    ):
        return True
    return (
        is_return_officer(actor)
        and plan["authority"] == actor.organisation_id
        and task["kind"] not in FOLLOW_UPS
    )


async def _view(actor: Actor, row: dict[str, Any]) -> ReturnPlanView:
    profile = await beneficiaries.minimal_profile(row["beneficiary"])
    task_rows = (
        await ReturnTask.select(*ReturnTask.all_columns(), ReturnTask.owner.name)
        .where(ReturnTask.plan == row["id"])
        .order_by(ReturnTask.id)
    )
    tasks = [
        ReturnTaskView(
            id=task["id"],
            kind=task["kind"],
            stage=task["stage"],
            owner_id=task["owner"],
            owner_name=task["owner.name"],
            due_on=task["due_on"],
            state=task["state"],
            outcome=task["outcome"],
            done_at=task["done_at"],
            actions=task_actions(task["state"]) if may_move(actor, row, task) else [],
        )
        for task in task_rows
    ]
    return ReturnPlanView(
        id=row["id"],
        beneficiary_id=row["beneficiary"],
        code=profile.code,
        profile=profile,
        state=row["state"],
        country=row["country"],
        language=row["language"],
        interpreter_present=row["interpreter_present"],
        travel_date=row["travel_date"],
        referrer_id=row["referrer"],
        referrer_name=await _organisation_name(row["referrer"]) or "",
        authority_id=row["authority"],
        authority_name=await _organisation_name(row["authority"]) or "",
        partner_id=row["partner"],
        partner_name=await _organisation_name(row["partner"]),
        cost_request_id=row["cost_request_id"],
        created_at=row["created_at"],
        accepted_at=row["accepted_at"],
        departed_at=row["departed_at"],
        stopped_at=row["stopped_at"],
        tasks=tasks,
    )


async def get_return_plan(actor: Actor, plan_id: int) -> ReturnPlanView:
    """One return plan, for whoever it is in reach of; the partner's read is audited."""
    row = await plan_in_reach(actor, plan_id, "return.read")
    if is_partner_staff(actor):
        async with write_transaction():
            await audit.record(
                "return_plan.read_by_partner",
                actor=actor,
                object_type="beneficiary",
                object_id=row["beneficiary"],
                detail={"plan_id": plan_id},
            )
    return await _view(actor, row)


async def list_return_plans(actor: Actor) -> list[ReturnPlanRow]:
    """The plans in the actor's reach, newest first (the partner: those running with consent)."""
    require(actor, "return.read")
    organisation = actor.organisation_id or 0
    query = ReturnPlan.select(
        *ReturnPlan.all_columns(), ReturnPlan.referrer.name, ReturnPlan.partner.name
    ).order_by(ReturnPlan.created_at, ascending=False)
    if is_partner_staff(actor):
        query = query.where(
            (ReturnPlan.partner == organisation) & ReturnPlan.state.is_in(list(PARTNER_STATES))
        )
    elif is_return_officer(actor):
        query = query.where(ReturnPlan.authority == organisation)
    else:
        query = query.where(ReturnPlan.referrer == organisation)
    plans = []
    for row in await query:
        if is_partner_staff(actor) and not await _visible_to_partner(row):
            continue
        profile = await beneficiaries.minimal_profile(row["beneficiary"])
        plans.append(
            ReturnPlanRow(
                id=row["id"],
                code=profile.code,
                state=row["state"],
                country=row["country"],
                referrer_name=row["referrer.name"],
                partner_name=row["partner.name"],
                created_at=row["created_at"],
            )
        )
    return plans


async def return_plan_of_case(actor: Actor, beneficiary_id: int) -> int | None:
    """The id of the person's newest return plan, for the referring organisation's caseworkers."""
    await beneficiaries.case_for(actor, beneficiary_id)
    row = (
        await ReturnPlan.select(ReturnPlan.id)
        .where(ReturnPlan.beneficiary == beneficiary_id)
        .order_by(ReturnPlan.id, ascending=False)
        .first()
    )
    return int(row["id"]) if row else None


async def authorities() -> list[tuple[int, str]]:
    """Authorities a referral may go to (the return programme is run by Länsstyrelsen)."""
    rows = (
        await Organisation.select(Organisation.id, Organisation.name)
        .where((Organisation.is_authority == True) & (Organisation.active == True))  # noqa: E712
        .order_by(Organisation.name)
    )
    return [(row["id"], row["name"]) for row in rows]


async def partners() -> list[tuple[int, str]]:
    """Partner organisations a return officer may bring in (IOM)."""
    rows = (
        await Organisation.select(Organisation.id, Organisation.name)
        .where((Organisation.is_partner == True) & (Organisation.active == True))  # noqa: E712
        .order_by(Organisation.name)
    )
    return [(row["id"], row["name"]) for row in rows]


async def returns_by_country(first_day: dt.date, last_day: dt.date) -> dict[str, int]:
    """How many people departed home in the period, per destination country (ISO 3166); for
    statistics, which suppress small cells when they show them."""
    start = datetime.combine(first_day, dt.time(), tzinfo=UTC)
    end = datetime.combine(last_day + dt.timedelta(days=1), dt.time(), tzinfo=UTC)
    rows = await ReturnPlan.select(ReturnPlan.country).where(
        ReturnPlan.departed_at.is_not_null()
        & (ReturnPlan.departed_at >= start)
        & (ReturnPlan.departed_at < end)
    )
    counts: dict[str, int] = {}
    for row in rows:
        counts[row["country"]] = counts.get(row["country"], 0) + 1
    return dict(sorted(counts.items()))


class PrintedTask(msgspec.Struct, frozen=True, kw_only=True):
    stage: str
    name: str
    due_on: dt.date | None
    state: str


class PrintedSummary(msgspec.Struct, frozen=True, kw_only=True):
    """The consent text and the plan's summary in the person's language (English when there
    is no translation: ``fallback`` says so, in English)."""

    language: str
    asked_for: str
    fallback: bool
    fallback_note: str
    title: str
    consent: str
    country_label: str
    country: str
    interpreter_note: str
    stage_names: dict[str, str]
    due_label: str
    tasks: list[PrintedTask]


async def printed_summary(actor: Actor, plan_id: int, language: str) -> PrintedSummary:
    """What is printed for the person: the consent text and the plan, in ``language``."""
    row = await plan_in_reach(actor, plan_id, "return.read")
    chosen, texts, names, fell_back = printed_texts(language)
    tasks = (
        await ReturnTask.select(
            ReturnTask.kind, ReturnTask.stage, ReturnTask.due_on, ReturnTask.state
        )
        .where(ReturnTask.plan == plan_id)
        .order_by(ReturnTask.id)
    )
    return PrintedSummary(
        language=chosen,
        asked_for=language.strip().lower()[:3],
        fallback=fell_back,
        fallback_note=texts["fallback"] if fell_back else "",
        title=texts["title"],
        consent=texts["consent"],
        country_label=texts["country"],
        country=row["country"],
        interpreter_note=texts["interpreter"] if row["interpreter_present"] else "",
        stage_names={stage: texts[stage] for stage in ("before", "travel", "after")},
        due_label=texts["due"],
        tasks=[
            PrintedTask(
                stage=task["stage"],
                name=names.get(task["kind"], task["kind"]),
                due_on=task["due_on"],
                state=task["state"],
            )
            for task in tasks
        ],
    )
