"""The user's own account: password, language, organisation switch, two-factor sign-in, tokens."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, Response, get, post
from litestar.response import Template

from accounts import services
from accounts.domain import TOKEN_SCOPES, Actor
from accounts.schemas import (
    CodeForm,
    ConfirmPasswordForm,
    ContextForm,
    LanguageForm,
    PasswordForm,
    TokenForm,
)
from accounts.views._common import Form, enrolment_page, with_locale_cookie
from accounts.web import MEMBERSHIP, MFA, CurrentActor, client_ip, signed_in, start_session
from fristad.errors import InvalidInput
from fristad.i18n import gettext as _
from fristad.web import (
    AppSettings,
    Id,
    as_list,
    flash,
    page,
    safe_local_path,
    see_other,
    session_data,
)


class ProfileController(Controller):
    path = "/account"
    guards = [signed_in]
    include_in_schema = False

    @get("/", name="profile")
    async def profile(self, actor: CurrentActor) -> Template:
        return await _profile_page(actor)

    @post("/password")
    async def change_password(
        self,
        request: Request[Any, Any, Any],
        actor: CurrentActor,
        data: Annotated[PasswordForm, Form],
    ) -> Template | Response[Any]:
        try:
            epoch = await services.change_password(actor, data.current_password, data.password)
        except InvalidInput as error:
            return await _profile_page(actor, errors=error.errors)
        # This session goes on (with a new id); every other session of the user has ended.
        start_session(request, actor.user_id, epoch, mfa=bool(session_data(request).get(MFA)))
        if actor.membership:
            request.session[MEMBERSHIP] = actor.membership.id
        flash(request, _("Your password has been changed. You have been signed out elsewhere."))
        return see_other(request, "/account")

    @post("/language")
    async def language(
        self,
        request: Request[Any, Any, Any],
        actor: CurrentActor,
        settings: AppSettings,
        data: Annotated[LanguageForm, Form],
    ) -> Response[Any]:
        await services.set_locale(actor, data.locale)
        return with_locale_cookie(see_other(request, "/account"), settings, data.locale)

    @post("/context")
    async def switch_context(
        self,
        request: Request[Any, Any, Any],
        actor: CurrentActor,
        data: Annotated[ContextForm, Form],
    ) -> Response[Any]:
        """Act in another of one's organisations or roles (the header's switcher)."""
        chosen = await services.switch_membership(actor, data.membership_id)
        request.session[MEMBERSHIP] = chosen.id
        return see_other(request, safe_local_path(data.next))

    @get("/two-factor")
    async def enrolment(self, actor: CurrentActor) -> Template:
        return await enrolment_page(actor.user_id, action="/account/two-factor")

    @post("/two-factor")
    async def confirm_enrolment(
        self, request: Request[Any, Any, Any], actor: CurrentActor, data: Annotated[CodeForm, Form]
    ) -> Template:
        try:
            codes = await services.confirm_mfa_enrolment(
                actor.user_id, data.code, ip=client_ip(request)
            )
        except InvalidInput as error:
            return await enrolment_page(
                actor.user_id, action="/account/two-factor", errors=error.errors
            )
        request.session[MFA] = True
        return page("accounts/recovery_codes.html", codes=codes)

    @post("/two-factor/recovery-codes")
    async def renew_recovery_codes(self, actor: CurrentActor) -> Template:
        codes = await services.new_recovery_codes_for(actor)
        return page("accounts/recovery_codes.html", codes=codes)

    @post("/two-factor/disable")
    async def disable_mfa(
        self,
        request: Request[Any, Any, Any],
        actor: CurrentActor,
        settings: AppSettings,
        data: Annotated[ConfirmPasswordForm, Form],
    ) -> Template | Response[Any]:
        try:
            await services.disable_mfa(actor, data.password, settings)
        except InvalidInput as error:
            return await _profile_page(actor, errors={"mfa_password": error.errors.popitem()[1]})
        flash(request, _("Two-factor sign-in is off."))
        return see_other(request, "/account")

    @post("/tokens")
    async def create_token(self, actor: CurrentActor, data: Annotated[TokenForm, Form]) -> Template:
        try:
            created = await services.create_token(
                actor, data.name, as_list(data.scopes), expires_in_days=data.expires_in_days
            )
        except InvalidInput as error:
            return await _profile_page(actor, errors=error.errors)
        return await _profile_page(actor, new_token=created.token)

    @post("/tokens/{token_id:int}/revoke")
    async def revoke_token(
        self, request: Request[Any, Any, Any], actor: CurrentActor, token_id: Id
    ) -> Response[Any]:
        await services.revoke_token(actor, token_id)
        flash(request, _("The token has been revoked."))
        return see_other(request, "/account")


async def _profile_page(
    actor: Actor, *, errors: dict[str, str] | None = None, new_token: str | None = None
) -> Template:
    mfa = await services.mfa_status(actor.user_id)
    return page(
        "accounts/profile.html",
        actor=actor,
        mfa_enabled=mfa.enabled,
        recovery_codes_left=mfa.recovery_codes_left,
        tokens=await services.list_tokens(actor),
        new_token=new_token,
        scopes=TOKEN_SCOPES,
        errors=errors,
    )
