"""The decision letter (issue 11.13): only the letter is in the applicant's language, not the
page around it; it says how to appeal and carries a diarienummer in the programme's format."""

from __future__ import annotations

import asyncio
import re
from datetime import date
from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from accounts.tables import User
from fristad.errors import InvalidInput
from grants import services
from grants.tables import Decision
from tests.accounts.helpers import post_form, sign_in
from tests.grants.helpers import KR, make_officer, make_world, submitted_request

Client = AsyncTestClient[Litestar]


async def _as(client: Client, user: Any) -> None:
    await post_form(client, "/sign-out", {})
    client.cookies.clear()
    await User.update({User.totp_last_step: 0}).where(User.id == user.id)
    assert (await sign_in(client, user)).status_code == 303


async def test_only_the_letter_is_in_the_applicants_language(client: Client) -> None:
    world = await make_world()
    await User.update({User.locale: "en"}).where(User.id == world.caseworker.user_id)
    request_id = await submitted_request(world)
    await services.decide(world.officer, request_id, 12_500 * KR, "Reasonable level.")
    await _as(client, world.officer_user)  # a Swedish-speaking officer
    letter = await client.get(f"/grants/requests/{request_id}/letter")
    assert letter.status_code == 200
    assert '<html lang="sv"' in letter.text
    assert "Tillbaka till ansökan" in letter.text  # the page: Swedish
    article = letter.text.split('<article class="decision-letter" lang="en">')[1]
    assert "How to appeal" in article
    assert "administrative court" in article
    assert "Länsstyrelsen i Stockholm" in article  # the authority that decided
    year = date.today().year
    assert f"Reference (diarienummer): {year}-00001" in article
    # The next page is in the officer's language still (nothing was switched for the session).
    assert '<html lang="sv"' in (await client.get(f"/grants/requests/{request_id}")).text


async def test_references_follow_the_programmes_format_and_never_repeat() -> None:
    world = await make_world()
    programme_id = await services.create_programme(
        world.officer,
        "Återvändandeprogrammet 2027",
        date(2027, 1, 1),
        date(2027, 12, 31),
        10_000_000 * KR,
        {"legal_aid": 10_000_000 * KR},
        reference_format="LST-{year}/{seq:04d}",
        appeal_info="Överklaga till förvaltningsrätten i Stockholm via länsstyrelsen.",
    )
    world.programme_id = programme_id
    requests = [await submitted_request(world) for _ in range(8)]
    officers = [world.officer, world.second_officer]
    for index in range(6):
        officer, _user = await make_officer(f"beslut{index}@lst.example", world.authority_id)
        officers.append(officer)
    await asyncio.gather(
        *(
            services.decide(officer, request_id, 15_000 * KR, "Beviljas")
            for officer, request_id in zip(officers, requests, strict=True)
        )
    )
    references = [row["reference"] for row in await Decision.select(Decision.reference)]
    year = date.today().year
    assert sorted(references) == [f"LST-{year}/{seq:04d}" for seq in range(1, 9)]
    letter = await services.decision_letter(world.caseworker, requests[0])
    assert letter.appeal_info.startswith("Överklaga till förvaltningsrätten")
    assert re.fullmatch(rf"LST-{year}/000\d", letter.reference or "")


@pytest.mark.parametrize("bad", ["{year}", "{seq.__class__}", "{name}-{seq}", "x" * 61 + "{seq}"])
async def test_a_reference_format_must_be_usable(bad: str) -> None:
    world = await make_world()
    with pytest.raises(InvalidInput) as refused:
        await services.create_programme(
            world.officer,
            "Stödprogrammet 2028",
            date(2028, 1, 1),
            date(2028, 12, 31),
            0,
            {},
            reference_format=bad,
        )
    assert "reference_format" in refused.value.errors


async def test_the_database_refuses_a_reference_twice() -> None:
    world = await make_world()
    first, second = [await submitted_request(world) for _ in range(2)]
    for request_id in (first, second):
        await services.decide(world.officer, request_id, 15_000 * KR, "Beviljas")
    taken = await Decision.select(Decision.reference).where(Decision.request == first).first()
    assert taken is not None
    with pytest.raises(Exception, match=r"(?i)unique"):
        await Decision.update({Decision.reference: taken["reference"]}).where(
            Decision.request == second
        )
