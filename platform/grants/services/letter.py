"""The decision letter: the effective decision of a request, in the applicant's language."""

from __future__ import annotations

from dataclasses import dataclass

from accounts.domain import Actor
from accounts.tables import User
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
        await Programme.select(Programme.name)
        .where(Programme.id == support_request.programme_id)
        .first()
    )
    return Letter(
        support_request=support_request,
        decision=decision_of(decision),
        programme_name=programme["name"] if programme else "",
        locale=applicant["locale"] if applicant and applicant["locale"] in i18n.LOCALES else "sv",
    )
