"""Case plans: the shared checklist of a case, seeded from the templates of pathways.plans, and
the minors' path (social services notified, the guardian, who consented).

Reach: the organisations on the case (its owner, and those it is shared with under the person's
consent; beneficiaries decides, ``case_on``). Anything else is a NotFound. The guardian's
contact is personal data: encrypted, and shown only to the owning organisation.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from accounts import audit
from accounts.domain import Actor
from accounts.policy import require
from accounts.tables import Organisation
from beneficiaries import services as beneficiaries
from beneficiaries.domain import is_municipality
from beneficiaries.services import Access, BeneficiaryRecord
from fristad import crypto
from fristad.database import write_transaction
from fristad.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from fristad.i18n import gettext as _
from pathways import plans
from pathways.tables import CasePlanAction, MinorPath


def now() -> datetime:
    return datetime.now(UTC)


def today() -> dt.date:
    return now().date()


@dataclass(frozen=True)
class PlanAction:
    """One action as the plan shows it: codes (translated in templates), its owner, its state,
    whether it is late, and the states it may move to (the transition table)."""

    id: int
    beneficiary_id: int
    code: str
    situation: str
    owner_organisation_id: int | None
    owner_organisation_name: str | None
    owner_authority: str | None
    due_on: dt.date | None
    state: str
    outcome: str | None
    overdue: bool
    next_states: tuple[str, ...]


@dataclass(frozen=True)
class MinorPathView:
    started_at: datetime
    social_services_municipality: str | None
    social_services_notified_at: datetime | None
    social_services_notified_by: str | None
    has_guardian: bool
    # Only for the owning organisation (the contact is personal data).
    guardian_name: str | None
    guardian_contact: str | None
    guardian_recorded_at: datetime | None
    consent_given_by: str | None
    consent_recorded_at: datetime | None


@dataclass(frozen=True)
class CasePlan:
    beneficiary_id: int
    code: str
    region: str
    actions: tuple[PlanAction, ...]
    minor_path: MinorPathView | None
    # Organisations that may own an action: those on the case (id, name).
    organisations: tuple[tuple[int, str], ...]
    owner: bool


ACTION_COLUMNS = (
    CasePlanAction.id,
    CasePlanAction.beneficiary,
    CasePlanAction.code,
    CasePlanAction.situation,
    CasePlanAction.owner_organisation,
    CasePlanAction.owner_organisation.name.as_alias("owner_organisation_name"),
    CasePlanAction.owner_authority,
    CasePlanAction.due_on,
    CasePlanAction.state,
    CasePlanAction.outcome,
)


def action_of(row: dict[str, Any], on: dt.date | None = None) -> PlanAction:
    return PlanAction(
        id=row["id"],
        beneficiary_id=row["beneficiary"],
        code=row["code"],
        situation=row["situation"],
        owner_organisation_id=row["owner_organisation"],
        owner_organisation_name=row["owner_organisation_name"],
        owner_authority=row["owner_authority"],
        due_on=row["due_on"],
        state=row["state"],
        outcome=row["outcome"],
        overdue=plans.is_overdue(row["state"], row["due_on"], on or today()),
        next_states=plans.TRANSITIONS.get(row["state"], ()),
    )


async def _actions_of(beneficiary_id: int) -> tuple[PlanAction, ...]:
    rows = (
        await CasePlanAction.select(*ACTION_COLUMNS)
        .where(CasePlanAction.beneficiary == beneficiary_id)
        .order_by(CasePlanAction.due_on)
        .order_by(CasePlanAction.id)
    )
    return tuple(action_of(row) for row in rows)


async def _on_case(
    actor: Actor, beneficiary_id: int, action: str
) -> tuple[BeneficiaryRecord, Access]:
    require(actor, action)
    return await beneficiaries.case_on(actor, beneficiary_id)


async def _minor_path_of(beneficiary_id: int, access: Access) -> MinorPathView | None:
    row = (
        await MinorPath.select(
            *MinorPath.all_columns(),
            MinorPath.social_services_notified_by.name.as_alias("notified_by_name"),
        )
        .where(MinorPath.beneficiary == beneficiary_id)
        .first()
    )
    if row is None:
        return None
    guardian: dict[str, str] = {}
    if row["guardian_encrypted"] and access == Access.OWNER:
        guardian = json.loads(crypto.decrypt(row["guardian_encrypted"]))
    return MinorPathView(
        started_at=row["started_at"],
        social_services_municipality=row["social_services_municipality"],
        social_services_notified_at=row["social_services_notified_at"],
        social_services_notified_by=row["notified_by_name"],
        has_guardian=bool(row["guardian_encrypted"]),
        guardian_name=guardian.get("name"),
        guardian_contact=guardian.get("contact"),
        guardian_recorded_at=row["guardian_recorded_at"],
        consent_given_by=row["consent_given_by"],
        consent_recorded_at=row["consent_recorded_at"],
    )


async def _organisations(beneficiary_id: int) -> tuple[tuple[int, str], ...]:
    ids = await beneficiaries.organisations_on_case(beneficiary_id)
    rows = await Organisation.select(Organisation.id, Organisation.name).where(
        Organisation.id.is_in(ids)
    )
    names = {row["id"]: row["name"] for row in rows}
    return tuple((organisation_id, names[organisation_id]) for organisation_id in ids)


async def case_plan(actor: Actor, beneficiary_id: int) -> CasePlan:
    """The case's plan, for the organisations on the case."""
    record, access = await _on_case(actor, beneficiary_id, "case_plan.read")
    return CasePlan(
        beneficiary_id=beneficiary_id,
        code=record.code,
        region=record.region,
        actions=await _actions_of(beneficiary_id),
        minor_path=await _minor_path_of(beneficiary_id, access),
        organisations=await _organisations(beneficiary_id),
        owner=access == Access.OWNER,
    )


async def _seed(
    actor: Actor | None, beneficiary_id: int, organisation_id: int, situation: str
) -> int:
    """Add the template's actions the plan lacks (inside the caller's transaction); how many."""
    start = today()
    added = 0
    for step in plans.TEMPLATES[situation]:
        inserted = (
            await CasePlanAction.insert(
                CasePlanAction(
                    beneficiary=beneficiary_id,
                    code=step.code,
                    situation=situation,
                    owner_organisation=None if step.authority else organisation_id,
                    owner_authority=step.authority,
                    due_on=plans.due_on(step, start),
                    state="open",
                    created_by=actor.user_id if actor else None,
                    created_at=now(),
                    updated_by=actor.user_id if actor else None,
                    updated_at=now(),
                )
            )
            .on_conflict(
                target=(CasePlanAction.beneficiary, CasePlanAction.code), action="DO NOTHING"
            )
            .returning(CasePlanAction.id)
        )
        added += len(inserted)
    return added


async def seed_case_plan(actor: Actor, beneficiary_id: int, situation: str) -> CasePlan:
    """Add a situation's template to the plan; actions already on it stay as they are."""
    if situation not in plans.SITUATIONS:
        raise InvalidInput({"situation": _("Choose a situation from the list.")})
    async with write_transaction():
        record, _access = await _on_case(actor, beneficiary_id, "case_plan.write")
        added = await _seed(actor, beneficiary_id, record.organisation_id, situation)
        await audit.record(
            "case_plan.seeded",
            actor=actor,
            object_type="beneficiary",
            object_id=beneficiary_id,
            detail={"situation": situation, "added": added},
        )
    return await case_plan(actor, beneficiary_id)


@dataclass(frozen=True)
class ActionChange:
    """What a form or the API changes in an action; None leaves a field as it is. ``owner`` is
    ``org:<id>`` (an organisation on the case) or ``authority:<code>``; ``outcome`` "" clears."""

    state: str | None = None
    outcome: str | None = None
    due_on: dt.date | None = None
    owner: str | None = None


def _owner_values(owner: str, on_case: list[int]) -> dict[Any, Any]:
    kind, _sep, value = owner.partition(":")
    if kind == "authority" and value in plans.AUTHORITIES:
        return {CasePlanAction.owner_authority: value, CasePlanAction.owner_organisation: None}
    if kind == "org" and value.isdigit() and int(value) in on_case:
        return {CasePlanAction.owner_organisation: int(value), CasePlanAction.owner_authority: None}
    raise InvalidInput({"owner": _("Choose an organisation on the case or an authority.")})


async def change_action(actor: Actor, action_id: int, change: ActionChange) -> PlanAction:
    """Move an action by the transition table, record its coded outcome, due day or owner."""
    row = (
        await CasePlanAction.select(CasePlanAction.beneficiary)
        .where(CasePlanAction.id == action_id)
        .first()
    )
    if row is None:
        raise NotFound
    beneficiary_id = int(row["beneficiary"])
    await _on_case(actor, beneficiary_id, "case_plan.write")
    values: dict[Any, Any] = {}
    if change.outcome is not None:
        if change.outcome and change.outcome not in plans.OUTCOMES:
            raise InvalidInput({"outcome": _("Choose an outcome from the list.")})
        values[CasePlanAction.outcome] = change.outcome or None
    if change.due_on is not None:
        values[CasePlanAction.due_on] = change.due_on
    if change.owner:
        values |= _owner_values(
            change.owner, await beneficiaries.organisations_on_case(beneficiary_id)
        )
    async with write_transaction():
        current = (
            await CasePlanAction.select(CasePlanAction.state)
            .where(CasePlanAction.id == action_id)
            .first()
        )
        if current is None:
            raise NotFound
        # Checked under the write lock: someone on the case may have moved it meanwhile.
        if change.state is not None and change.state != current["state"]:
            if not plans.may_move(current["state"], change.state):
                raise Conflict(_("The action cannot move to this state from where it is."))
            values[CasePlanAction.state] = change.state
        values |= {CasePlanAction.updated_by: actor.user_id, CasePlanAction.updated_at: now()}
        await CasePlanAction.update(values).where(CasePlanAction.id == action_id)
        await audit.record(
            "case_plan.action_changed",
            actor=actor,
            object_type="beneficiary",
            object_id=beneficiary_id,
            detail={
                "action": action_id,
                "state": change.state,
                "outcome": change.outcome,
                "due_on": change.due_on.isoformat() if change.due_on else None,
                "owner": change.owner,
            },
        )
    changed = await CasePlanAction.select(*ACTION_COLUMNS).where(CasePlanAction.id == action_id)
    return action_of(changed[0])


# --- the minors' path ---------------------------------------------------------------------


async def erase_guardian(beneficiary_id: int) -> None:
    """Erasure's hook (beneficiaries.on_anonymised): the guardian is personal data of the case
    and goes with the person's identity; who and when it was recorded stay."""
    await MinorPath.update({MinorPath.guardian_encrypted: None}).where(
        MinorPath.beneficiary == beneficiary_id
    )


async def start_minor_path(actor: Actor, record: BeneficiaryRecord) -> None:
    """Registration's hook (beneficiaries.on_registration): a person who may be a child gets
    the minor template and a minors' path, in the registration's own transaction."""
    if not plans.may_be_child(record.is_minor, record.age_band):
        return
    await MinorPath.insert(
        MinorPath(
            beneficiary=record.id,
            started_at=now(),
            social_services_municipality=record.municipality,
        )
    ).on_conflict(target=MinorPath.beneficiary, action="DO NOTHING")
    await _seed(actor, record.id, record.organisation_id, "minor")
    await audit.record(
        "case_plan.minor_path_started",
        actor=actor,
        object_type="beneficiary",
        object_id=record.id,
    )


async def _minor_path_row(beneficiary_id: int) -> dict[str, Any]:
    row = (
        await MinorPath.select(MinorPath.id).where(MinorPath.beneficiary == beneficiary_id).first()
    )
    if row is None:
        raise NotFound
    return row


async def _mark_done(actor: Actor, beneficiary_id: int, code: str) -> None:
    """The minors' path records a step of the minor template: the action is done."""
    await CasePlanAction.update(
        {
            CasePlanAction.state: "done",
            CasePlanAction.updated_by: actor.user_id,
            CasePlanAction.updated_at: now(),
        }
    ).where(
        (CasePlanAction.beneficiary == beneficiary_id)
        & (CasePlanAction.code == code)
        & CasePlanAction.state.is_in(list(plans.OPEN_STATES))
    )


async def record_social_services(
    actor: Actor, beneficiary_id: int, municipality: str, notified_on: dt.date
) -> CasePlan:
    """Social services of a municipality were told of the child (when, and by the actor)."""
    record, _access = await _on_case(actor, beneficiary_id, "case_plan.write")
    errors: dict[str, str] = {}
    if not is_municipality(municipality, record.region):
        errors["municipality"] = _("Choose a municipality in the case's region.")
    if notified_on > today():
        errors["notified_on"] = _("The day cannot be in the future.")
    if errors:
        raise InvalidInput(errors)
    async with write_transaction():
        await _minor_path_row(beneficiary_id)
        await MinorPath.update(
            {
                MinorPath.social_services_municipality: municipality,
                MinorPath.social_services_notified_at: datetime.combine(
                    notified_on, dt.time(12), tzinfo=UTC
                ),
                MinorPath.social_services_notified_by: actor.user_id,
            }
        ).where(MinorPath.beneficiary == beneficiary_id)
        await _mark_done(actor, beneficiary_id, "social_services_notified")
        await audit.record(
            "case_plan.social_services_notified",
            actor=actor,
            object_type="beneficiary",
            object_id=beneficiary_id,
            detail={"municipality": municipality},
        )
    return await case_plan(actor, beneficiary_id)


async def record_guardian(actor: Actor, beneficiary_id: int, name: str, contact: str) -> CasePlan:
    """The appointed guardian (god man) as a contact of the case, encrypted like notes."""
    _record, access = await _on_case(actor, beneficiary_id, "case_plan.write")
    _owner_only(access)
    name, contact = name.strip(), contact.strip()
    errors: dict[str, str] = {}
    if not name:
        errors["guardian_name"] = _("Enter the guardian's name.")
    if len(name) > 200:
        errors["guardian_name"] = _("Enter at most 200 characters.")
    if len(contact) > 500:
        errors["guardian_contact"] = _("Enter at most 500 characters.")
    if errors:
        raise InvalidInput(errors)
    sealed = crypto.encrypt(json.dumps({"name": name, "contact": contact}))
    async with write_transaction():
        await _minor_path_row(beneficiary_id)
        await MinorPath.update(
            {
                MinorPath.guardian_encrypted: sealed,
                MinorPath.guardian_recorded_at: now(),
                MinorPath.guardian_recorded_by: actor.user_id,
            }
        ).where(MinorPath.beneficiary == beneficiary_id)
        await _mark_done(actor, beneficiary_id, "guardian_appointed")
        await audit.record(
            "case_plan.guardian_recorded",
            actor=actor,
            object_type="beneficiary",
            object_id=beneficiary_id,
        )
    return await case_plan(actor, beneficiary_id)


async def record_guardian_consent(actor: Actor, beneficiary_id: int, given_by: str) -> CasePlan:
    """Who gave the child's consent (with the guardian, as the law requires)."""
    await _on_case(actor, beneficiary_id, "case_plan.write")
    if given_by not in plans.CONSENT_GIVERS:
        raise InvalidInput({"given_by": _("Choose who gave the consent.")})
    async with write_transaction():
        await _minor_path_row(beneficiary_id)
        path = (
            await MinorPath.select(MinorPath.guardian_encrypted)
            .where(MinorPath.beneficiary == beneficiary_id)
            .first()
        )
        if given_by != "custodian" and not (path and path["guardian_encrypted"]):
            raise Conflict(_("Record the guardian first."))
        await MinorPath.update(
            {
                MinorPath.consent_given_by: given_by,
                MinorPath.consent_recorded_at: now(),
                MinorPath.consent_recorded_by: actor.user_id,
            }
        ).where(MinorPath.beneficiary == beneficiary_id)
        await _mark_done(actor, beneficiary_id, "guardian_consent")
        await audit.record(
            "case_plan.guardian_consent",
            actor=actor,
            object_type="beneficiary",
            object_id=beneficiary_id,
            detail={"given_by": given_by},
        )
    return await case_plan(actor, beneficiary_id)


def _owner_only(access: Access) -> None:
    if access != Access.OWNER:
        raise PermissionDenied(_("Only the organisation that owns the case can do this."))


async def plan_action(actor: Actor, action_id: int) -> PlanAction:
    """One action, for the organisations on its case."""
    rows = await CasePlanAction.select(*ACTION_COLUMNS).where(CasePlanAction.id == action_id)
    if not rows:
        raise NotFound
    await _on_case(actor, int(rows[0]["beneficiary"]), "case_plan.read")
    return action_of(rows[0])
