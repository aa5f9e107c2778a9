"""Provider rules without I/O: vocabularies, service validation, who a service fits, the
reservation state machine and freshness of capacity.

The vocabulary of capacity follows the Open Referral HSDS 3.x ``service_capacity`` object: a
unit (hours, places, cases), the number available, the maximum and when it was last confirmed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Final

from fristad.i18n import N_
from fristad.i18n import gettext as _
from fristad.regions import POLICE_REGIONS
from fristad.schemas import MAX_AMOUNT

SERVICE_KINDS: Final = {
    "legal_aid": N_("Legal aid"),
    "rehabilitation": N_("Rehabilitation"),
    "interpreting": N_("Interpreting"),
    "healthcare": N_("Healthcare"),
    "other": N_("Other help"),
}
# The person's need (beneficiaries' NEEDS codes) each kind of service meets.
NEED_OF_KIND: Final = {
    "legal_aid": "legal_aid",
    "rehabilitation": "rehabilitation",
    "interpreting": "interpreter",
    "healthcare": "healthcare",
    "other": None,
}
LEGAL_MATTERS: Final = {
    "migration_appeal": N_("Migration appeal"),
    "asylum": N_("Asylum application"),
    "damages_claim": N_("Claim for damages"),
    "victims_counsel": N_("Victim's counsel (målsägandebiträde)"),
    "labour_law": N_("Labour law (wages owed)"),
    "criminal_defence": N_("Criminal defence"),
}
TARGET_GROUPS: Final = {
    "women": N_("Women"),
    "men": N_("Men"),
    "families": N_("Families with children"),
    "lgbtq": N_("LGBTQ+"),
}
# What a price is per, and what capacity is counted in.
PRICE_UNITS: Final = {
    "hour": N_("per hour"),
    "place": N_("per place"),
    "case": N_("per case"),
}
CAPACITY_UNITS: Final = {
    "hours": N_("hours this month"),
    "places": N_("places"),
    "cases": N_("cases"),
}
RESERVATION_STATUSES: Final = {
    "pending": N_("Waiting for the provider"),
    "accepted": N_("Accepted"),
    "declined": N_("Declined"),
    "released": N_("Released"),
    "expired": N_("Expired"),
}
# The reservation state machine, as data: from -> allowed targets. Only a pending reservation
# holds capacity; an accepted one has used it.
RESERVATION_TRANSITIONS: Final = {
    "pending": {"accepted", "declined", "released", "expired"},
    "accepted": set(),
    "declined": set(),
    "released": set(),
    "expired": set(),
}
# The statuses that give the reserved units back.
RETURNS_UNITS: Final = frozenset({"declined", "released", "expired"})
DECLINE_REASONS: Final = {
    "no_capacity": N_("No capacity after all"),
    "not_in_scope": N_("The matter is outside what we take"),
    "conflict_of_interest": N_("Conflict of interest"),
    "language": N_("We cannot offer the language"),
    "other": N_("Other reason"),
}
# No capacity is reserved for a case closed or returned home.
CASE_ENDED: Final = frozenset({"closed", "returned"})

MAX_CAPACITY: Final = 10_000  # hours a month is the largest unit
MAX_UNITS_PER_RESERVATION: Final = 200
# Öre: 1 000 000 kr per hour, place or case is more than any service costs.
MAX_PRICE: Final = min(1_000_000 * 100, MAX_AMOUNT)
MAX_LENGTH_MONTHS: Final = 60


def is_stale(confirmed_at: datetime | None, now: datetime, stale_hours: int) -> bool:
    """Capacity not confirmed within ``stale_hours`` cannot be trusted."""
    return confirmed_at is None or now - confirmed_at > timedelta(hours=stale_hours)


def looks_like_function_address(contact: str) -> bool:
    """A referral contact must be a function's (a mailbox like intake@…, or a phone number),
    never a person's: an e-mail whose local part looks like a name (first.last) is refused."""
    contact = contact.strip()
    if not contact:
        return False
    if "@" not in contact:
        return sum(character.isdigit() for character in contact) >= 6
    local, _at, domain = contact.partition("@")
    return bool(local) and "." in domain and " " not in contact and "." not in local


@dataclass(frozen=True)
class ServiceData:
    """A service as its provider describes it (the form, the API and the demo)."""

    name: str
    kind: str
    regions: list[str] = field(default_factory=list)
    remote: bool = False
    languages: list[str] = field(default_factory=list)
    target_groups: list[str] = field(default_factory=list)
    takes_minors: bool = False
    price: int = 0
    price_unit: str = "case"
    capacity_unit: str = "cases"
    maximum: int = 0
    referral_contact: str = ""
    matters: list[str] = field(default_factory=list)
    residential: bool = False
    length_months: int | None = None
    intake: str = ""
    description: str = ""


@dataclass(frozen=True)
class ServiceDetails:
    """What the provider's staff change of a registered service: everything but its kind and
    its capacity (``set_capacity`` keeps the numbers, so an edit never takes back reservations)."""

    name: str
    regions: list[str] = field(default_factory=list)
    remote: bool = False
    languages: list[str] = field(default_factory=list)
    target_groups: list[str] = field(default_factory=list)
    takes_minors: bool = False
    price: int = 0
    price_unit: str = "case"
    referral_contact: str = ""
    matters: list[str] = field(default_factory=list)
    residential: bool = False
    length_months: int | None = None
    intake: str = ""
    description: str = ""


def service_problems(
    data: ServiceData, known_language: set[str] | frozenset[str]
) -> dict[str, str]:
    """What is wrong with a service's description, by field (translated), or {}."""
    errors: dict[str, str] = {}
    if not data.name.strip():
        errors["name"] = _("Enter the service's name.")
    if data.kind not in SERVICE_KINDS:
        errors["kind"] = _("Choose the kind of service.")
    if not data.remote and not data.regions:
        errors["regions"] = _("Choose the regions served, or offer the service remotely.")
    elif any(region not in POLICE_REGIONS for region in data.regions):
        errors["regions"] = _("Choose regions from the list.")
    if not data.languages or any(code not in known_language for code in data.languages):
        errors["languages"] = _("Choose the languages the service is given in.")
    if any(group not in TARGET_GROUPS for group in data.target_groups):
        errors["target_groups"] = _("Choose target groups from the list.")
    if data.price_unit not in PRICE_UNITS:
        errors["price_unit"] = _("Choose what the price is per.")
    if not 0 <= data.price <= MAX_PRICE:
        errors["price"] = _("The price must be between 0 and 1 000 000 kr.")
    if data.capacity_unit not in CAPACITY_UNITS:
        errors["capacity_unit"] = _("Choose what capacity is counted in.")
    if not 0 <= data.maximum <= MAX_CAPACITY:
        errors["maximum"] = _("The maximum must be between 0 and 10 000.")
    if not looks_like_function_address(data.referral_contact):
        errors["referral_contact"] = _(
            "Give a function's address or phone number for referrals (such as intake@…), "
            "never a person's."
        )
    if data.kind == "legal_aid":
        if not data.matters or any(matter not in LEGAL_MATTERS for matter in data.matters):
            errors["matters"] = _("Choose the legal matters the service takes.")
    elif data.matters:
        errors["matters"] = _("Only legal aid takes legal matters.")
    if data.length_months is not None and not 1 <= data.length_months <= MAX_LENGTH_MONTHS:
        errors["length_months"] = _("The length must be between 1 and 60 months.")
    if data.kind != "rehabilitation" and (data.residential or data.length_months is not None):
        errors["residential"] = _("Only rehabilitation is residential or has a length.")
    return errors


@dataclass(frozen=True)
class ServiceFacts:
    """What the rules read of a service."""

    kind: str
    regions: Sequence[str]
    remote: bool
    languages: Sequence[str]
    target_groups: Sequence[str]
    takes_minors: bool
    matters: Sequence[str]
    active: bool = True


@dataclass(frozen=True)
class PersonFacts:
    """What the rules read of a person (coded, no identity)."""

    region: str
    languages: Sequence[str]
    is_minor: bool
    age_known: bool
    gender: str
    children_count: int = 0
    # An interpreter arranged in this language lets any service reach the person.
    interpreter_language: str | None = None


# The named hard rules, in the order they are explained: code -> why it excludes.
EXCLUSIONS: Final = {
    "inactive": N_("The service is not offered now."),
    "minor": N_("The service does not take minors."),
    "age_unknown": N_("The person's age is not known; the service does not take minors."),
    "region": N_("The service is not given in the person's region, nor remotely."),
    "language": N_("The service is not given in a language the person speaks."),
    "target_group": N_("The service is for another group of people."),
    "matter": N_("The service does not take this legal matter."),
}


def _in_target_group(service: ServiceFacts, person: PersonFacts) -> bool:
    if not service.target_groups:
        return True
    groups = set(service.target_groups)
    return (
        (person.gender == "woman" and "women" in groups)
        or (person.gender == "man" and "men" in groups)
        or (person.children_count > 0 and "families" in groups)
        or (person.gender == "non_binary" and "lgbtq" in groups)
    )


def exclusions(service: ServiceFacts, person: PersonFacts, matter: str | None = None) -> list[str]:
    """The hard rules that exclude the service for the person (codes of EXCLUSIONS), or [].

    Reservations refuse on the first and matching explains them all, so nothing can be reserved
    that matching would exclude. An unknown age counts as a possible minor.
    """
    found = []
    if not service.active:
        found.append("inactive")
    if not service.takes_minors:
        if person.is_minor:
            found.append("minor")
        elif not person.age_known:
            found.append("age_unknown")
    if not service.remote and person.region not in service.regions:
        found.append("region")
    spoken = set(person.languages)
    if service.kind != "interpreting" and person.interpreter_language:
        # An interpreter arranged for the person bridges to a service given in Swedish.
        spoken.add("sv")
    if not spoken & set(service.languages):
        found.append("language")
    if not _in_target_group(service, person):
        found.append("target_group")
    if matter is not None and service.kind == "legal_aid" and matter not in service.matters:
        found.append("matter")
    return found


def exclusion_text(code: str) -> str:
    return _(EXCLUSIONS[code])


def units_problem(capacity_unit: str, units: int) -> str | None:
    """Places and cases are taken one at a time; hours a reasonable number at once."""
    if capacity_unit in {"places", "cases"} and units != 1:
        return _("One place or case is reserved at a time.")
    if not 1 <= units <= MAX_UNITS_PER_RESERVATION:
        return _("Reserve between 1 and 200 hours.")
    return None


def capacity_problems(available: int, maximum: int) -> dict[str, str]:
    """A provider's numbers: available between 0 and the maximum."""
    errors: dict[str, str] = {}
    if not 0 <= maximum <= MAX_CAPACITY:
        errors["maximum"] = _("The maximum must be between 0 and 10 000.")
    if not 0 <= available <= max(maximum, 0):
        errors["available"] = _("Available must be between 0 and the maximum.")
    return errors


def cost_of(price: int, price_unit: str, units: int) -> int:
    """What a reservation costs in öre: hours × the hourly rate, else the price per place or
    case."""
    return price * units if price_unit == "hour" else price
