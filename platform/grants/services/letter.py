"""The decision letter: the effective decision of a request, in the applicant's language."""

from __future__ import annotations

from dataclasses import dataclass

from accounts.domain import Actor
from accounts.tables import Organisation, User
from fristad import i18n
from fristad.errors import NotFound
from grants.services._common import support_request_in_reach
from grants.services.models import (
    DecisionRecord,
    SupportRequestRecord,
    decision_of,
    decision_query,
)
from grants.tables import Decision, Programme


@dataclass(frozen=True)
class Letter:
    support_request: SupportRequestRecord
    decision: DecisionRecord
    programme_name: str
    # The applicant's (the caseworker's) language
    locale: str
    # The authority that decided, and its own text on how to appeal (empty: the standard text)
    authority_name: str = ""
    appeal_info: str = ""

    @property
    def reference(self) -> str | None:
        return self.decision.reference


async def decision_letter(actor: Actor, support_request_id: int) -> Letter:
    """The effective decision of a request, in the applicant's (the caseworker's) language."""
    support_request = await support_request_in_reach(actor, support_request_id)
    decision = (
        await decision_query()
        .where((Decision.request == support_request_id) & (Decision.status == "effective"))
        .order_by(Decision.id, ascending=False)
        .first()
    )
    if decision is None:
        raise NotFound
    applicant = await User.select(User.locale).where(User.id == support_request.created_by).first()
    programme = (
        await Programme.select(Programme.name, Programme.appeal_info, Programme.authority_id)
        .where(Programme.id == support_request.programme_id)
        .first()
    )
    authority = (
        await Organisation.select(Organisation.name)
        .where(Organisation.id == programme["authority_id"])
        .first()
        if programme and programme["authority_id"]
        else None
    )
    return Letter(
        support_request=support_request,
        decision=decision_of(decision),
        programme_name=programme["name"] if programme else "",
        locale=applicant["locale"] if applicant and applicant["locale"] in i18n.LOCALES else "sv",
        authority_name=authority["name"] if authority else "",
        appeal_info=programme["appeal_info"] if programme else "",
    )
