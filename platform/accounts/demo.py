"""Invented organisations and one user per role, for `fristad serve --demo`."""

from __future__ import annotations

from stdnum import luhn

from accounts import services
from accounts.domain import Role
from accounts.tables import Organisation

DEMO_PASSWORD = "Fristad-demo-2026"  # noqa: S105 - printed on purpose, demo only  # nosec B105


def _org_number(first_nine: str) -> str:
    digits = first_nine + luhn.calc_check_digit(first_nine)
    return f"{digits[:6]}-{digits[6:]}"


# name, org number prefix, NGO, authority, shelter operator, region
ORGANISATIONS: list[tuple[str, str, bool, bool, bool, str]] = [
    ("Stiftelsen Trygg Hamn", "802471350", True, False, False, "stockholm"),
    ("Föreningen Ljusglimt", "802519264", True, False, True, "vast"),
    ("Skyddade boendet Fyrbåken", "559310478", False, False, True, "syd"),
    ("Länsstyrelsen i Stockholm", "202100231", False, True, False, "stockholm"),
]

# e-mail, name, [(organisation index, role, region)], system admin
USERS: list[tuple[str, str, list[tuple[int, Role, str | None]], bool]] = [
    ("admin@fristad.example", "Alva Admin", [], True),
    ("lina@trygghamn.example", "Lina Lindqvist", [(0, Role.CASEWORKER, None)], False),
    ("omar@trygghamn.example", "Omar Hassan", [(0, Role.ORG_ADMIN, None)], False),
    ("sara@trygghamn.example", "Sara Nilsson", [(0, Role.COORDINATOR, "stockholm")], False),
    (
        "maja@ljusglimt.example",
        "Maja Berg",
        [(1, Role.CASEWORKER, None), (1, Role.SHELTER_STAFF, None)],
        False,
    ),
    ("erik@fyrbaken.example", "Erik Sjöberg", [(2, Role.SHELTER_STAFF, None)], False),
    ("karin@lansstyrelsen.example", "Karin Ek", [(3, Role.OFFICER, None)], False),
    ("johan@lansstyrelsen.example", "Johan Ek", [(3, Role.OFFICER, None)], False),
]


async def populate() -> list[str]:
    if await Organisation.count():
        return ["Demo accounts: the database has organisations already; nothing added."]
    organisation_ids = []
    for name, prefix, ngo, authority, shelter, region in ORGANISATIONS:
        organisation_ids.append(
            await services.create_organisation(
                None,
                services.NewOrganisation(
                    name=name,
                    org_number=_org_number(prefix),
                    is_member_ngo=ngo,
                    is_authority=authority,
                    is_shelter_operator=shelter,
                    region=region,
                ),
            )
        )
    lines = ["", "Demo users (invented; password for all: " + DEMO_PASSWORD + "):"]
    for email, name, memberships, admin in USERS:
        user_id = await services.create_user(
            email, name, DEMO_PASSWORD, is_admin=admin, is_demo=True, check_strength=False
        )
        roles = []
        for index, role, role_region in memberships:
            await services.add_membership(None, user_id, organisation_ids[index], role, role_region)
            roles.append(f"{role} @ {ORGANISATIONS[index][0]}")
        lines.append(f"  {email:<32} {', '.join(roles) or 'system administrator'}")
    lines.append("Demo users may sign in without two-factor authentication outside production.")
    return lines
