"""Beneficiary rules without I/O: codes, vocabularies, validation, age bands, status machine."""

from __future__ import annotations

import dataclasses
import datetime as dt
import secrets
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final, TypeAlias

from piccolo.columns import Column
from stdnum import luhn
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.se import personnummer

from beneficiaries.codes import country_code, language_code
from beneficiaries.tables import Beneficiary
from fristad.errors import InvalidInput
from fristad.i18n import N_, gettext
from fristad.i18n import gettext as _
from fristad.regions import POLICE_REGIONS, municipalities

if TYPE_CHECKING:
    from beneficiaries.schemas import BeneficiaryForm, IdentityForm

# A record's values by column, as Piccolo's update takes them.
ColumnValues: TypeAlias = dict[Column | str, Any]

# 23 characters without look-alikes (0/O, 1/I/L, 2/Z, 5/S, 8/B): easy to read aloud and type.
CODE_ALPHABET: Final = "ACDEFHJKMNPQRTUVWXY3469"


def new_code() -> str:
    """A pseudonymous code like ``K7Q-3M2``: random, so it says nothing about the person."""
    characters = [secrets.choice(CODE_ALPHABET) for _ in range(6)]
    return "".join(characters[:3]) + "-" + "".join(characters[3:])


def normalise_code(text: str) -> str:
    compact = "".join(character for character in text.upper() if character.isalnum())
    return compact[:3] + "-" + compact[3:] if len(compact) == 6 else text.strip().upper()


# Vocabularies: code -> label (marked for translation, translated when shown).
GENDERS: Final = {
    "woman": N_("Woman"),
    "man": N_("Man"),
    "non_binary": N_("Non-binary"),
    "unknown": N_("Not known"),
}
EXPLOITATION_TYPES: Final = {  # aligned with IOM's HTCDS and the CTDC fields
    "sexual_exploitation": N_("Sexual exploitation"),
    "forced_labour": N_("Forced labour"),
    "forced_begging": N_("Forced begging"),
    "criminal_activities": N_("Forced criminal activities"),
    "forced_marriage": N_("Forced marriage"),
    "organ_removal": N_("Organ removal"),
    "other": N_("Other exploitation"),
}
TRAFFICKING_STATUSES: Final = {
    "presumed": N_("Presumed victim"),
    "confirmed": N_("Confirmed victim"),
}
IDENTIFIED_BY: Final = {
    "police": N_("Police"),
    "ngo": N_("Non-governmental organisation"),
    "social_services": N_("Social services"),
    "migration_agency": N_("Migration Agency"),
    "other": N_("Other"),
}
MIGRATION_STATUSES: Final = {
    "eu_citizen": N_("EU citizen"),
    "asylum_seeker": N_("Asylum seeker"),
    "temporary_permit": N_("Temporary residence permit (reflection period)"),
    "irregular": N_("Without residence permit"),
    "swedish_resident": N_("Resident in Sweden"),
    "other": N_("Other"),
}
NEEDS: Final = {
    "shelter": N_("Protected shelter"),
    "legal_aid": N_("Legal aid"),
    "rehabilitation": N_("Rehabilitation"),
    "healthcare": N_("Healthcare"),
    "interpreter": N_("Interpreter"),
    "return_support": N_("Support to return home"),
}
SHELTER_REQUIREMENTS: Final = {
    "women_only": N_("Women only"),
    "men_only": N_("Men only"),
    "with_children": N_("Room for children"),
    "accessible": N_("Wheelchair accessible"),
    "lgbtq_safe": N_("LGBTQ+ safe"),
    "high_security": N_("High security"),
}
PROTECTED_IDENTITY: Final = {
    "none": N_("None"),
    "confidentiality_marking": N_("Confidentiality marking"),
    "protected_registration": N_("Protected population registration"),
    "fictitious_identity": N_("Fictitious identity"),
}
STATUSES: Final = {
    "open": N_("Open"),
    "placed": N_("Placed"),
    "returned": N_("Returned home"),
    "closed": N_("Closed"),
}
CLOSED_REASONS: Final = {
    "needs_met": N_("Needs met"),
    "moved_abroad": N_("Moved abroad"),
    "authority_took_over": N_("An authority took over"),
    "lost_contact": N_("Lost contact"),
    "declined_support": N_("Declined further support"),
    "other": N_("Other reason"),
}
CONSENT_SCOPES: Final = {
    "store_data": N_("Store the data in Fristad"),
    "share_shelter": N_("Share with a shelter"),
    "share_funder": N_("Share with the funder (Länsstyrelsen)"),
    "share_organisation": N_("Share with a named organisation"),
    "share_iom": N_("Share with IOM for a return"),
    "share_provider": N_("Share the minimal profile with a named service provider"),
}

# The status machine, as data: from -> allowed targets.
STATUS_TRANSITIONS: Final = {
    "open": {"placed", "returned", "closed"},
    "placed": {"open", "returned", "closed"},
    "returned": {"open", "closed"},
    "closed": {"open"},
}


def label(vocabulary: dict[str, str], code: str | None) -> str:
    """The translated label of a code (the code itself when unknown)."""
    if not code:
        return ""
    return gettext(vocabulary[code]) if code in vocabulary else code


def options(vocabulary: dict[str, str]) -> list[tuple[str, str]]:
    return [(code, gettext(text)) for code, text in vocabulary.items()]


def split_codes(text: str | None) -> list[str]:
    return (text or "").split()


def join_codes(codes: list[str]) -> str:
    return " ".join(sorted(set(codes)))


def age_band(age: int | None) -> str:
    if age is None:
        return "unknown"
    for limit, band in ((17, "0-17"), (24, "18-24"), (34, "25-34"), (49, "35-49")):
        if age <= limit:
            return band
    return "50+"


def age_on(birth: dt.date, today: dt.date) -> int:
    return today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))


def normalise_identity_number(value: str) -> str | None:
    """A valid personal identity number or coordination number as YYYYMMDD-NNNN, or None.

    python-stdnum knows personnummer; a samordningsnummer is the same with 60 added to the day.
    """
    try:
        compact = personnummer.compact(value)
    except StdnumError:
        return None
    digits = compact.replace("-", "").replace("+", "")
    if not digits.isdigit() or len(digits) not in (10, 12):
        return None
    if not luhn.is_valid(digits[-10:]):
        return None
    day = int(digits[-6:-4])
    if day > 60:
        day -= 60
    if len(digits) == 12:
        year = int(digits[:4])
    else:
        this_year = dt.date.today().year
        year = (this_year // 100) * 100 + int(digits[:2])
        if year > this_year:
            year -= 100
        if "+" in compact:  # the plus sign marks someone aged 100 or more
            year -= 100
    try:
        dt.date(year, int(digits[-8:-6]), day)
    except ValueError:
        return None
    return f"{year:04d}{digits[-8:-4]}-{digits[-4:]}"


def birth_date_of(identity_number: str) -> dt.date:
    """The birth date inside a normalised identity (or coordination) number."""
    digits = identity_number.replace("-", "")
    day = int(digits[6:8])
    return dt.date(int(digits[:4]), int(digits[4:6]), day - 60 if day > 60 else day)


def is_municipality(code: str, region: str | None = None) -> bool:
    found = municipalities().get(code)
    return found is not None and (region is None or found.region == region)


def is_region(code: str) -> bool:
    return code in POLICE_REGIONS


@dataclass(frozen=True)
class MinimalProfile:
    """What a shelter may know of a person: no identity, no history, nothing free-text."""

    beneficiary_id: int
    code: str
    gender: str
    age_band: str
    is_minor: bool
    children_count: int
    children_ages: list[int]
    languages: list[str]
    shelter_requirements: list[str]
    protected_identity: bool


@dataclass(frozen=True)
class ReadModel:
    """Base of the read models services return. Fields are read as attributes (``note.text``);
    reading one by name (``note["text"]``) works as well, as on the rows these replaced."""

    def __getitem__(self, name: str) -> Any:
        if name not in self:
            raise KeyError(name)
        return getattr(self, name)

    def __contains__(self, name: object) -> bool:
        return any(field.name == name for field in dataclasses.fields(self))


@dataclass(frozen=True)
class Identity(ReadModel):
    """Who the person is: stored encrypted as one JSON document, shown only on request."""

    name: str = ""
    date_of_birth: str = ""  # ISO date, or ""
    personal_number: str = ""  # normalised YYYYMMDD-NNNN, or ""
    contact: str = ""


# --- validation ------------------------------------------------------------------------------


def _today() -> dt.date:
    return dt.datetime.now(dt.UTC).date()


def validate_record(form: BeneficiaryForm, today: dt.date | None = None) -> ColumnValues:
    """Check a record; returns the column values (all but the gap, which services encrypt), or
    raises InvalidInput naming the fields."""
    errors: dict[str, str] = {}
    this_year = (today or _today()).year

    def one_of(field: str, value: str, vocabulary: dict[str, str], message: str) -> None:
        if value not in vocabulary:
            errors[field] = message

    def all_of(field: str, values: list[str], vocabulary: dict[str, str], message: str) -> None:
        if any(value not in vocabulary for value in values):
            errors[field] = message

    one_of("gender", form.gender, GENDERS, _("Choose a gender."))
    if form.birth_year is not None and not this_year - 110 <= form.birth_year <= this_year:
        errors["birth_year"] = _("Enter a year of birth between {first} and {last}.").format(
            first=this_year - 110, last=this_year
        )
    # Chosen from a list or typed: a code, or a name in Swedish or English.
    citizenship = country_code(form.citizenship)
    if form.citizenship.strip() and citizenship is None:
        errors["citizenship"] = _("Choose a country from the list.")
    typed_languages = [text for text in form.languages if text.strip()]
    spoken = [language_code(text) for text in typed_languages]
    if None in spoken:
        errors["languages"] = _("Choose languages from the list.")
    interpreter_language = language_code(form.interpreter_language)
    if not 0 <= form.children_count <= 20:
        errors["children_count"] = _("Enter the number of accompanying children (0–20).")
    if len(form.children_ages) > form.children_count or any(
        not 0 <= age <= 17 for age in form.children_ages
    ):
        errors["children_ages"] = _("Give one age (0–17) per child, at most one per child.")
    if not form.exploitation_types:
        errors["exploitation_types"] = _("Choose at least one form of exploitation.")
    all_of(
        "exploitation_types",
        form.exploitation_types,
        EXPLOITATION_TYPES,
        _("Choose forms of exploitation from the list."),
    )
    one_of(
        "trafficking_status", form.trafficking_status, TRAFFICKING_STATUSES, _("Choose a status.")
    )
    if form.identified_by:
        one_of("identified_by", form.identified_by, IDENTIFIED_BY, _("Choose who identified it."))
    if not is_region(form.region):
        errors["region"] = _("Choose the police region.")
    elif form.municipality and not is_municipality(form.municipality, form.region):
        errors["municipality"] = _("Choose a municipality in the chosen region.")
    if form.migration_status:
        one_of(
            "migration_status",
            form.migration_status,
            MIGRATION_STATUSES,
            _("Choose a migration status."),
        )
    if len(form.gap) > 4000:
        errors["gap"] = _("Keep the explanation under 4,000 characters.")
    all_of("needs", form.needs, NEEDS, _("Choose needs from the list."))
    all_of(
        "shelter_requirements",
        form.shelter_requirements,
        SHELTER_REQUIREMENTS,
        _("Choose requirements from the list."),
    )
    if "interpreter" in form.needs and not form.interpreter_language.strip():
        errors["interpreter_language"] = _("Choose the language to interpret.")
    if form.interpreter_language.strip() and interpreter_language is None:
        errors["interpreter_language"] = _("Choose a language from the list.")
    one_of(
        "protected_identity",
        form.protected_identity,
        PROTECTED_IDENTITY,
        _("Choose a level of protection."),
    )
    if any(not is_region(code) for code in form.avoid_regions):
        errors["avoid_regions"] = _("Choose regions from the list.")
    if errors:
        raise InvalidInput(errors)
    # With the year alone the birthday may still be ahead: count the younger age, so nobody
    # who may be a child is taken for an adult.
    age = None if form.birth_year is None else this_year - form.birth_year - 1
    return {
        Beneficiary.gender: form.gender,
        Beneficiary.birth_year: form.birth_year,
        Beneficiary.age_band: age_band(age),
        Beneficiary.is_minor: age is not None and age < 18,
        Beneficiary.citizenship: citizenship or None,
        Beneficiary.languages: join_codes([code for code in spoken if code]),
        Beneficiary.children_count: form.children_count,
        Beneficiary.children_ages: " ".join(str(age) for age in sorted(form.children_ages)),
        Beneficiary.exploitation_types: join_codes(form.exploitation_types),
        Beneficiary.trafficking_status: form.trafficking_status,
        Beneficiary.identified_by: form.identified_by or None,
        Beneficiary.region: form.region,
        Beneficiary.municipality: form.municipality or None,
        Beneficiary.migration_status: form.migration_status or None,
        Beneficiary.needs: join_codes(form.needs),
        Beneficiary.shelter_requirements: join_codes(form.shelter_requirements),
        Beneficiary.interpreter_language: interpreter_language,
        Beneficiary.protected_identity: form.protected_identity,
        Beneficiary.avoid_regions: join_codes(form.avoid_regions),
    }


def validate_identity(form: IdentityForm, today: dt.date | None = None) -> Identity | None:
    """The identity to encrypt, or None when nothing was given."""
    errors = {}
    number = ""
    if form.personal_number.strip():
        number = normalise_identity_number(form.personal_number) or ""
        if not number:
            errors["personal_number"] = _(
                "Enter a valid personal identity number or coordination number."
            )
    if form.date_of_birth and form.date_of_birth > (today or _today()):
        errors["date_of_birth"] = _("The date of birth cannot be in the future.")
    if errors:
        raise InvalidInput(errors)
    birth = form.date_of_birth or (birth_date_of(number) if number else None)
    identity = Identity(
        name=form.name.strip()[:200],
        date_of_birth=birth.isoformat() if birth else "",
        personal_number=number,
        contact=form.contact.strip()[:500],
    )
    return identity if identity != Identity() else None


def identity_facts(identity: Identity | None, today: dt.date | None = None) -> ColumnValues:
    """A known date of birth decides birth year, age band and the minor flag."""
    if identity is None or not identity.date_of_birth:
        return {}
    birth = dt.date.fromisoformat(identity.date_of_birth)
    age = age_on(birth, today or _today())
    return {
        Beneficiary.birth_year: birth.year,
        Beneficiary.age_band: age_band(age),
        Beneficiary.is_minor: age < 18,
    }


def months_before(moment: dt.datetime, months: int) -> dt.datetime:
    """The same moment ``months`` earlier (a day past the 28th counts as the 28th)."""
    month_index = moment.year * 12 + moment.month - 1 - months
    year, month = divmod(month_index, 12)
    day = min(moment.day, 28)
    return moment.replace(year=year, month=month + 1, day=day)


def start_of(day: dt.date) -> dt.datetime:
    """Midnight UTC at the start of ``day``: consents are given and end on whole days."""
    return dt.datetime.combine(day, dt.time.min, tzinfo=dt.UTC)
