"""API tokens: created as the actor in one membership, shown once, stored as a hash."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import NamedTuple

from accounts import audit
from accounts.domain import TOKEN_PREFIX, Actor, token_problems
from accounts.policy import has_permission
from accounts.services._common import now
from accounts.tables import ApiToken
from fristad import crypto
from fristad.database import write_transaction
from fristad.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from fristad.i18n import gettext as _


class NewToken(NamedTuple):
    """A token just created: ``token`` is the secret, shown once."""

    id: int
    token: str


@dataclass(frozen=True)
class TokenSummary:
    """One of the user's live tokens, as the profile lists it (never the secret)."""

    id: int
    name: str
    prefix: str
    scopes: tuple[str, ...]
    created_at: datetime
    expires_at: datetime | None
    last_used_at: datetime | None
    organisation_name: str


async def create_token(
    actor: Actor, name: str, scopes: list[str], *, expires_in_days: int | None = 90
) -> NewToken:
    """Create an API token acting as the actor in the current organisation and role.

    The token is returned once and stored only as a hash.
    """
    if actor.token_id is not None:
        raise PermissionDenied(_("A token cannot create tokens."))
    if actor.membership is None:
        raise Conflict(_("Choose an organisation before creating a token."))
    errors = token_problems(name, scopes, expires_in_days)
    if "admin" in scopes and not (admin := has_permission(actor, "token.admin_scope")):
        errors["scopes"] = admin.reason
    if errors:
        raise InvalidInput(errors)
    token = TOKEN_PREFIX + crypto.new_token()
    async with write_transaction():
        row = ApiToken(
            user=actor.user_id,
            membership=actor.membership.id,
            name=name.strip()[:100],
            prefix=token[:12],
            token_hash=crypto.token_hash(token),
            scopes=" ".join(sorted(set(scopes))),
            created_at=now(),
            expires_at=now() + timedelta(days=expires_in_days) if expires_in_days else None,
        )
        await row.save()
        await audit.record(
            "token.created",
            actor=actor,
            object_type="api_token",
            object_id=row.id,
            detail={"scopes": sorted(set(scopes))},
        )
    return NewToken(int(row.id), token)


async def list_tokens(actor: Actor) -> list[TokenSummary]:
    """The actor's tokens that are not revoked, newest first."""
    rows = (
        await ApiToken.select(
            ApiToken.id,
            ApiToken.name,
            ApiToken.prefix,
            ApiToken.scopes,
            ApiToken.created_at,
            ApiToken.expires_at,
            ApiToken.last_used_at,
            ApiToken.membership.organisation.name.as_alias("organisation_name"),  # type: ignore[union-attr]
        )
        .where((ApiToken.user == actor.user_id) & ApiToken.revoked_at.is_null())
        .order_by(ApiToken.created_at, ascending=False)
    )
    return [
        TokenSummary(
            id=row["id"],
            name=row["name"],
            prefix=row["prefix"],
            scopes=tuple(row["scopes"].split()),
            created_at=row["created_at"],
            expires_at=row["expires_at"],
            last_used_at=row["last_used_at"],
            organisation_name=row["organisation_name"],
        )
        for row in rows
    ]


async def revoke_token(actor: Actor, token_id: int) -> None:
    """Revoke one of the actor's tokens: it stops working at once."""
    async with write_transaction():
        revoked = (
            await ApiToken.update({ApiToken.revoked_at: now()})
            .where(
                (ApiToken.id == token_id)
                & (ApiToken.user == actor.user_id)
                & ApiToken.revoked_at.is_null()
            )
            .returning(ApiToken.id)
        )
        if not revoked:
            raise NotFound
        await audit.record(
            "token.revoked", actor=actor, object_type="api_token", object_id=token_id
        )
