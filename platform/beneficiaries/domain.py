"""Beneficiary rules without I/O: codes, vocabularies, validation, age bands, status machine."""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass
from typing import Final

from babel import Locale
from stdnum import luhn
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.se import personnummer

from fristad.i18n import N_, active_locale, gettext
from fristad.regions import POLICE_REGIONS, municipalities

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
}
AGE_BANDS: Final = ("0-17", "18-24", "25-34", "35-49", "50+", "unknown")

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


# --- ISO codes, named in the user's language by Babel's CLDR data --------------------------------


def _locale() -> Locale:
    return Locale.parse("sv" if active_locale() == "sv" else "en")


def countries() -> list[tuple[str, str]]:
    """ISO 3166-1 alpha-2 codes with their names, sorted by name in the active language."""
    names = _locale().territories
    return sorted(
        (
            (str(code), str(name))
            for code, name in names.items()
            if isinstance(code, str) and len(code) == 2 and code.isalpha()
        ),
        key=lambda item: item[1],
    )


def country_name(code: str | None) -> str:
    return str(_locale().territories.get(code or "", code or ""))


def is_country(code: str) -> bool:
    return len(code) == 2 and code.isalpha() and code.upper() in Locale.parse("en").territories


LANGUAGE_CODES: Final[frozenset[str]] = frozenset(
    code
    for code in Locale.parse("en").languages
    if isinstance(code, str) and code.isalpha() and len(code) in (2, 3)
)


def languages() -> list[tuple[str, str]]:
    names = _locale().languages
    return sorted(
        ((code, str(names[code])) for code in LANGUAGE_CODES if code in names),
        key=lambda item: item[1],
    )


def language_name(code: str | None) -> str:
    return str(_locale().languages.get(code or "", code or ""))


def is_language(code: str) -> bool:
    return code in LANGUAGE_CODES


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
