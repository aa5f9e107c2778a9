"""Who sees what, encryption at rest, retention and key rotation (issue 4's acceptance)."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from datetime import UTC, date, datetime

import pytest
from cryptography.fernet import Fernet
from piccolo.querystring import QueryString

from accounts.domain import Actor, Role
from accounts.tables import AuditEvent
from beneficiaries import services
from beneficiaries.jobs import erase_expired_cases
from beneficiaries.schemas import ConsentForm, IdentityForm
from beneficiaries.tables import Beneficiary
from fristad.database import engine
from fristad.errors import InvalidInput, NotFound, PermissionDenied
from fristad.settings import Settings, get_settings
from grants import services as grants
from tests.accounts.helpers import make_org, make_user
from tests.beneficiaries.helpers import actor_of, make_beneficiary
from tests.grants.helpers import request_in

IDENTITY = IdentityForm(
    name="Ioana Testescu", personal_number="19811228-9874", contact="+46 70 123 45 67"
)
NOTE = "Hon berättade om lägenheten i Fittja."


@pytest.fixture
async def world(db: None) -> dict[str, object]:
    """Two NGOs, an authority and a shelter operator, one user per role, one case."""
    ngo_a = await make_org("Trygg Hamn", "802471350")
    ngo_b = await make_org("Ljusglimt", "802519264")
    authority = await make_org("Länsstyrelsen", "202100231", ngo=False, authority=True)
    shelter = await make_org("Fyrbåken", "559310478", ngo=False, shelter=True)
    owner = await actor_of(
        (await make_user("lina@a.example", organisation_id=ngo_a, role=Role.CASEWORKER)).id
    )
    other = await actor_of(
        (await make_user("b@b.example", organisation_id=ngo_b, role=Role.CASEWORKER)).id
    )
    coordinator = await actor_of(
        (
            await make_user(
                "sara@b.example", organisation_id=ngo_b, role=Role.COORDINATOR, region="stockholm"
            )
        ).id
    )
    officer = await actor_of(
        (await make_user("karin@l.example", organisation_id=authority, role=Role.OFFICER)).id
    )
    staff = await actor_of(
        (await make_user("erik@f.example", organisation_id=shelter, role=Role.SHELTER_STAFF)).id
    )
    case = await make_beneficiary(owner, identity=IDENTITY, consents=("store_data",))
    await services.add_note(owner, case, NOTE)
    return {
        "ngo_b": ngo_b,
        "owner": owner,
        "other": other,
        "coordinator": coordinator,
        "officer": officer,
        "staff": staff,
        "case": case,
    }


async def test_owning_caseworker_sees_record_identity_and_notes(world: dict) -> None:
    view = await services.get_beneficiary(world["owner"], world["case"])
    assert view.access == services.Access.OWNER
    assert view.gap.startswith("Ingen kommun")
    identity = await services.reveal_identity(world["owner"], world["case"])
    assert identity is not None
    assert identity["name"] == "Ioana Testescu"
    assert identity["date_of_birth"] == "1981-12-28"
    notes = await services.list_notes(world["owner"], world["case"])
    assert notes[0]["text"] == NOTE


async def test_another_organisations_caseworker_gets_not_found(world: dict) -> None:
    for read in (
        services.get_beneficiary(world["other"], world["case"]),
        services.reveal_identity(world["other"], world["case"], "a good reason here"),
        services.list_notes(world["other"], world["case"]),
    ):
        with pytest.raises(NotFound):
            await read
    rows, total = await services.list_beneficiaries(world["other"], services.Filters())
    assert (rows, total) == ([], 0)


async def test_coordinator_sees_only_cases_shared_with_them_without_identity_unless_a_reason(
    world: dict,
) -> None:
    with pytest.raises(NotFound):
        await services.get_beneficiary(world["coordinator"], world["case"])
    owner = world["owner"]
    await services.record_consent(
        owner,
        world["case"],
        ConsentForm(scope="share_organisation", organisation_id=world["ngo_b"]),
    )
    share_id = await services.share_case(owner, world["case"], world["ngo_b"])
    await services.answer_share(world["coordinator"], share_id, accept=True)
    view = await services.get_beneficiary(world["coordinator"], world["case"])
    assert view.access == services.Access.SHARED
    assert view.gap == ""
    assert "identity_encrypted" not in view.record
    with pytest.raises(PermissionDenied):
        await services.list_notes(world["coordinator"], world["case"])
    with pytest.raises(InvalidInput):
        await services.reveal_identity(world["coordinator"], world["case"], "")
    identity = await services.reveal_identity(
        world["coordinator"], world["case"], "Behöver kontakta personen om boende"
    )
    assert identity is not None
    rows, _total = await services.list_beneficiaries(world["coordinator"], services.Filters())
    assert [row["id"] for row in rows] == [world["case"]]
    glass = await AuditEvent.select(AuditEvent.reason, AuditEvent.detail).where(
        AuditEvent.action == "beneficiary.identity_viewed"
    )
    assert glass[-1]["reason"] == "Behöver kontakta personen om boende"
    assert json.loads(glass[-1]["detail"])["break_glass"] is True
    trail = await services.trail(owner, world["case"], limit=50)
    assert any(event["reason"] == "Behöver kontakta personen om boende" for event in trail)


async def test_coordinator_does_not_see_shared_cases_of_another_region(world: dict) -> None:
    owner = world["owner"]
    elsewhere = await make_beneficiary(owner, region="syd", municipality="1280")
    await services.record_consent(
        owner, elsewhere, ConsentForm(scope="share_organisation", organisation_id=world["ngo_b"])
    )
    share_id = await services.share_case(owner, elsewhere, world["ngo_b"])
    await services.answer_share(world["other"], share_id, accept=True)
    assert (await services.get_beneficiary(world["other"], elsewhere)).access == "shared"
    with pytest.raises(NotFound):
        await services.get_beneficiary(world["coordinator"], elsewhere)


async def _funded_by(officer: Actor, owner: Actor, case: int) -> None:
    """A submitted support request for the case, in a programme of the officer's authority."""
    programme = await grants.create_programme(
        officer,
        "Stödprogrammet",
        date(2027, 1, 1),
        date(2027, 12, 31),
        0,
        {"legal_aid": 100_000_00},
    )
    request = await grants.create_request(owner, request_in(programme, case))
    await grants.submit(owner, request)


async def test_officer_sees_funder_cases_but_no_identity_without_a_reason(world: dict) -> None:
    with pytest.raises(NotFound):
        await services.get_beneficiary(world["officer"], world["case"])
    await services.record_consent(world["owner"], world["case"], ConsentForm(scope="share_funder"))
    with pytest.raises(NotFound):  # consented, but no request of the officer's authority yet
        await services.get_beneficiary(world["officer"], world["case"])
    await _funded_by(world["officer"], world["owner"], world["case"])
    view = await services.get_beneficiary(world["officer"], world["case"])
    assert view.access == services.Access.FUNDER
    with pytest.raises(InvalidInput):
        await services.reveal_identity(world["officer"], world["case"])
    with pytest.raises(PermissionDenied):
        await services.list_notes(world["officer"], world["case"])
    assert await services.reveal_identity(
        world["officer"], world["case"], "Prövning av ansökan kräver identitet"
    )


async def test_an_officer_of_another_authority_does_not_see_the_case(world: dict) -> None:
    await services.record_consent(world["owner"], world["case"], ConsentForm(scope="share_funder"))
    await _funded_by(world["officer"], world["owner"], world["case"])
    elsewhere = await make_org("Länsstyrelsen i Skåne", "202100255", ngo=False, authority=True)
    stranger = await actor_of(
        (await make_user("per@skane.example", organisation_id=elsewhere, role=Role.OFFICER)).id
    )
    with pytest.raises(NotFound):
        await services.get_beneficiary(stranger, world["case"])
    assert await services.list_beneficiaries(stranger, services.Filters()) == ([], 0)


async def test_shelter_staff_have_no_access_to_records(world: dict) -> None:
    # Refused for the role, before any record is looked up (so nothing about it is told).
    with pytest.raises(PermissionDenied):
        await services.get_beneficiary(world["staff"], world["case"])
    with pytest.raises(PermissionDenied):
        await services.get_beneficiary(world["staff"], 999_999)
    with pytest.raises(PermissionDenied):
        await services.list_beneficiaries(world["staff"], services.Filters())
    profile = await services.minimal_profile(world["case"])
    assert set(vars(profile)) == {
        "beneficiary_id",
        "code",
        "gender",
        "age_band",
        "is_minor",
        "children_count",
        "children_ages",
        "languages",
        "shelter_requirements",
        "protected_identity",
    }


async def test_sharing_needs_consent_for_that_organisation(world: dict) -> None:
    with pytest.raises(PermissionDenied):
        await services.share_case(world["owner"], world["case"], world["ngo_b"])
    consent = await services.record_consent(
        world["owner"],
        world["case"],
        ConsentForm(scope="share_organisation", organisation_id=world["ngo_b"]),
    )
    share_id = await services.share_case(world["owner"], world["case"], world["ngo_b"])
    await services.answer_share(world["other"], share_id, accept=True)
    assert (await services.get_beneficiary(world["other"], world["case"])).access == "shared"
    await services.withdraw_consent(world["owner"], world["case"], consent)
    with pytest.raises(NotFound):
        await services.get_beneficiary(world["other"], world["case"])


async def test_shared_access_ends_when_the_consent_expires(world: dict) -> None:
    from datetime import timedelta

    from beneficiaries.tables import Consent

    consent = await services.record_consent(
        world["owner"],
        world["case"],
        ConsentForm(scope="share_organisation", organisation_id=world["ngo_b"]),
    )
    share_id = await services.share_case(world["owner"], world["case"], world["ngo_b"])
    await services.answer_share(world["other"], share_id, accept=True)
    assert (await services.get_beneficiary(world["other"], world["case"])).access == "shared"
    await Consent.update({Consent.expires_at: datetime.now(UTC) - timedelta(minutes=1)}).where(
        Consent.id == consent
    )
    with pytest.raises(NotFound):
        await services.get_beneficiary(world["other"], world["case"])
    rows, _total = await services.list_beneficiaries(world["other"], services.Filters())
    assert rows == []


async def test_withdrawn_consent_calls_off_a_pending_transfer(world: dict) -> None:
    from fristad.errors import Conflict

    consent = await services.record_consent(
        world["owner"],
        world["case"],
        ConsentForm(scope="share_organisation", organisation_id=world["ngo_b"]),
    )
    share_id = await services.share_case(world["owner"], world["case"], world["ngo_b"], "transfer")
    await services.withdraw_consent(world["owner"], world["case"], consent)
    with pytest.raises(Conflict):
        await services.answer_share(world["other"], share_id, accept=True)
    assert (await services.get_beneficiary(world["owner"], world["case"])).access == "owner"


async def test_an_ngo_cannot_make_anyone_an_officer(world: dict) -> None:
    from accounts.services import add_membership

    with pytest.raises(InvalidInput):
        await add_membership(None, world["other"].user_id, world["ngo_b"], Role.OFFICER)


async def test_transfer_moves_ownership(world: dict) -> None:
    await services.record_consent(
        world["owner"],
        world["case"],
        ConsentForm(scope="share_organisation", organisation_id=world["ngo_b"]),
    )
    share_id = await services.share_case(world["owner"], world["case"], world["ngo_b"], "transfer")
    await services.answer_share(world["other"], share_id, accept=True)
    assert (await services.get_beneficiary(world["other"], world["case"])).access == "owner"
    with pytest.raises(NotFound):
        await services.get_beneficiary(world["owner"], world["case"])


async def test_every_view_is_audited_with_the_read(world: dict) -> None:
    before = await AuditEvent.count().where(AuditEvent.action == "beneficiary.viewed")
    await services.get_beneficiary(world["owner"], world["case"])
    after = await AuditEvent.count().where(AuditEvent.action == "beneficiary.viewed")
    assert after == before + 1


async def test_database_holds_no_name_birth_date_or_note_in_clear(world: dict) -> None:
    await services.record_consent(world["owner"], world["case"], ConsentForm(scope="share_funder"))
    clear_texts = [
        "Ioana",
        "Testescu",
        "1981-12-28",
        "19811228",
        "123 45 67",
        "Fittja",
        "Ingen kommun",
    ]
    tables = await _table_names()
    found = []
    for table in tables:
        rows = await engine().run_querystring(QueryString(f'SELECT * FROM "{table}"'))  # noqa: S608
        text = json.dumps([dict(row) for row in rows], default=str)
        found += [(table, clear) for clear in clear_texts if clear in text]
    assert found == []


async def _table_names() -> list[str]:
    from piccolo.conf.apps import Finder

    return [table._meta.tablename for table in Finder().get_table_classes()]


async def test_retention_erases_cases_closed_25_months_ago_not_23(
    world: dict, settings: Settings
) -> None:
    owner = world["owner"]
    old = world["case"]
    recent = await make_beneficiary(owner, identity=IDENTITY)
    open_case = await make_beneficiary(owner, identity=IDENTITY)
    for case in (old, recent):
        await services.change_status(owner, case, "closed", "needs_met")
    now = datetime.now(UTC)
    await Beneficiary.update(
        {Beneficiary.closed_at: now.replace(year=now.year - 2) - _months(1)}
    ).where(Beneficiary.id == old)
    await Beneficiary.update(
        {Beneficiary.closed_at: now.replace(year=now.year - 2) + _months(1)}
    ).where(Beneficiary.id == recent)
    statistics_before = await services.statistics()
    erased = await erase_expired_cases({"settings": settings})
    assert erased == 1
    rows = {row["id"]: row for row in await Beneficiary.select()}
    assert rows[old]["anonymised_at"] is not None
    assert rows[old]["identity_encrypted"] is None
    assert rows[old]["gap_encrypted"] is None
    assert rows[recent]["anonymised_at"] is None
    assert rows[recent]["identity_encrypted"] is not None
    assert rows[open_case]["anonymised_at"] is None
    assert await services.statistics() == statistics_before
    assert rows[old]["exploitation_types"] == "sexual_exploitation"
    assert await erase_expired_cases({"settings": settings}) == 0  # idempotent


def _months(count: int):  # type: ignore[no-untyped-def]
    from datetime import timedelta

    return timedelta(days=31 * count)


@pytest.fixture
def data_keys() -> Iterator[list[str]]:
    """Two real keys; the process configuration is restored afterwards."""
    previous = os.environ.get("FRISTAD_DATA_KEYS")
    yield [Fernet.generate_key().decode(), Fernet.generate_key().decode()]
    if previous is None:
        os.environ.pop("FRISTAD_DATA_KEYS", None)
    else:
        os.environ["FRISTAD_DATA_KEYS"] = previous
    get_settings.cache_clear()


def _use_keys(*keys: str) -> None:
    os.environ["FRISTAD_DATA_KEYS"] = ",".join(keys)
    get_settings.cache_clear()


async def test_after_key_rotation_everything_decrypts_with_the_new_key_alone(
    db: None, data_keys: list[str]
) -> None:
    old_key, new_key = data_keys
    _use_keys(old_key)
    organisation = await make_org("Trygg Hamn", "802471350")
    user = await make_user("lina@a.example", organisation_id=organisation, role=Role.CASEWORKER)
    owner = await actor_of(user.id)
    case = await make_beneficiary(owner, identity=IDENTITY)
    await services.add_note(owner, case, NOTE)
    _use_keys(new_key, old_key)
    rotated = await services.rotate_keys()
    assert rotated >= 3
    _use_keys(new_key)
    identity = await services.reveal_identity(owner, case)
    assert identity is not None
    assert identity["name"] == "Ioana Testescu"
    assert (await services.list_notes(owner, case))[0]["text"] == NOTE
    assert (await services.get_beneficiary(owner, case)).gap.startswith("Ingen kommun")
