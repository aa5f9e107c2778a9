"""Accounts pages: sign-in with MFA, profile, tokens, members, invitations, administration."""

from __future__ import annotations

import contextlib
from typing import Annotated, Any

import segno
from litestar import Controller, Request, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromPath, FromQuery, QueryParameter
from litestar.response import Redirect, Template
from redis.asyncio import Redis

from accounts import audit, mail, services
from accounts.domain import Role, role_label, totp_uri
from accounts.schemas import (
    AcceptInvitationForm,
    AuditFilterForm,
    CodeForm,
    ConfirmPasswordForm,
    ContextForm,
    EmailForm,
    InviteForm,
    LanguageForm,
    NewPasswordForm,
    OrganisationForm,
    PasswordForm,
    RoleForm,
    SignInForm,
    TokenForm,
    as_list,
)
from accounts.web import (
    MEMBERSHIP,
    actor_of,
    client_ip,
    pending_user,
    require_actor,
    signed_in,
    start_pending,
    start_session,
    system_admin,
)
from fristad import i18n
from fristad.errors import Conflict, InvalidInput, TooManyAttempts
from fristad.i18n import gettext as _
from fristad.regions import POLICE_REGIONS
from fristad.settings import Settings
from fristad.web import MAX_PAGE, Id, flash, page, safe_local_path, session_data

Form = Body(media_type=RequestEncodingType.URL_ENCODED)
ONE_YEAR_SECONDS = 365 * 24 * 3600


def _see_other(path: str) -> Redirect:
    return Redirect(path=path, status_code=303)


def _settings(request: Request[Any, Any, Any]) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def _redis(request: Request[Any, Any, Any]) -> Redis:
    redis: Redis = request.app.state.redis
    return redis


def _roles() -> list[tuple[str, str]]:
    return [(str(role), role_label(role)) for role in Role]


def _with_locale_cookie(
    response: Redirect, request: Request[Any, Any, Any], locale: str
) -> Redirect:
    response.set_cookie(
        i18n.LOCALE_COOKIE,
        locale,
        max_age=ONE_YEAR_SECONDS,
        httponly=True,
        samesite="lax",
        secure=_settings(request).https,
    )
    return response


class SignInController(Controller):
    include_in_schema = False

    @get("/sign-in", name="sign_in")
    async def sign_in_page(
        self, request: Request[Any, Any, Any], next: FromQuery[str] = "/"
    ) -> Template:
        return page("accounts/sign_in.html", form=SignInForm(next=safe_local_path(next)))

    @post("/sign-in")
    async def sign_in(
        self, request: Request[Any, Any, Any], data: Annotated[SignInForm, Form]
    ) -> Template | Redirect:
        """Password first; then the second factor, or its set-up where the role requires it."""
        ip = client_ip(request)
        try:
            result = await services.authenticate(_redis(request), data.email, data.password, ip=ip)
        except InvalidInput as error:
            data.password = ""
            return page("accounts/sign_in.html", form=data, errors=error.errors)
        request.session["next"] = safe_local_path(data.next)
        if result.mfa_enabled:
            start_pending(request, result.user_id, result.session_epoch)
            request.session["next"] = safe_local_path(data.next)
            return _see_other("/sign-in/two-factor")
        if result.mfa_required:
            start_pending(request, result.user_id, result.session_epoch)
            return _see_other("/sign-in/two-factor/setup")
        return await _complete_sign_in(request, result.user_id, result.session_epoch, "password")

    @get("/sign-in/two-factor")
    async def two_factor_page(self, request: Request[Any, Any, Any]) -> Template | Redirect:
        if pending_user(request) is None:
            return _see_other("/sign-in")
        return page("accounts/two_factor.html")

    @post("/sign-in/two-factor")
    async def two_factor(
        self, request: Request[Any, Any, Any], data: Annotated[CodeForm, Form]
    ) -> Template | Redirect:
        pending = pending_user(request)
        if pending is None:
            return _see_other("/sign-in")
        user_id, epoch = pending
        try:
            method = await services.verify_second_factor(
                _redis(request), user_id, data.code, ip=client_ip(request)
            )
        except InvalidInput as error:
            return page("accounts/two_factor.html", errors=error.errors)
        except TooManyAttempts:
            request.clear_session()
            flash(request, _("Too many wrong codes. Wait a while, then sign in again."), "error")
            return _see_other("/sign-in")
        return await _complete_sign_in(request, user_id, epoch, method)

    @get("/sign-in/two-factor/setup")
    async def enrolment_during_sign_in(
        self, request: Request[Any, Any, Any]
    ) -> Template | Redirect:
        pending = pending_user(request)
        if pending is None:
            return _see_other("/sign-in")
        return await _enrolment_page(pending[0], action="/sign-in/two-factor/setup")

    @post("/sign-in/two-factor/setup")
    async def confirm_enrolment_during_sign_in(
        self, request: Request[Any, Any, Any], data: Annotated[CodeForm, Form]
    ) -> Template | Redirect:
        pending = pending_user(request)
        if pending is None:
            return _see_other("/sign-in")
        user_id, epoch = pending
        try:
            codes = await services.confirm_mfa_enrolment(user_id, data.code, ip=client_ip(request))
        except InvalidInput as error:
            return await _enrolment_page(
                user_id, action="/sign-in/two-factor/setup", errors=error.errors
            )
        await _complete_sign_in(request, user_id, epoch, "totp_enrolment")
        return page("accounts/recovery_codes.html", codes=codes)

    @post("/sign-out", guards=[signed_in])
    async def sign_out(self, request: Request[Any, Any, Any]) -> Redirect:
        await services.record_sign_out(require_actor(request))
        request.clear_session()
        return _see_other("/")

    @get("/password/forgot")
    async def forgot_page(self) -> Template:
        return page("accounts/forgot.html", sent=False)

    @post("/password/forgot")
    async def forgot(
        self, request: Request[Any, Any, Any], data: Annotated[EmailForm, Form]
    ) -> Template:
        """Always the same answer, whether or not the address has an account."""
        created = await services.request_password_reset(data.email)
        if created is not None:
            reset_id, address, token = created
            await mail.password_reset(_settings(request), reset_id, address, token)
        return page("accounts/forgot.html", sent=True)

    @get("/password/reset/{token:str}")
    async def reset_page(self, token: FromPath[str]) -> Template:
        return page("accounts/reset.html", token=token)

    @post("/password/reset/{token:str}")
    async def reset(
        self,
        request: Request[Any, Any, Any],
        token: FromPath[str],
        data: Annotated[NewPasswordForm, Form],
    ) -> Template | Redirect:
        try:
            await services.reset_password(token, data.password)
        except InvalidInput as error:
            return page("accounts/reset.html", token=token, errors=error.errors)
        except Conflict as error:
            return page("accounts/reset.html", token=token, errors={"": error.message})
        request.clear_session()
        flash(request, _("Your password has been changed. Sign in with the new one."))
        return _see_other("/sign-in")


async def _complete_sign_in(
    request: Request[Any, Any, Any], user_id: int, epoch: int, method: str
) -> Redirect:
    target = safe_local_path(session_data(request).get("next"))
    start_session(request, user_id, epoch, mfa=method != "password")
    await services.record_sign_in(user_id, ip=client_ip(request), method=method)
    actor = await services.load_actor(user_id, session_epoch=epoch, membership_id=None)
    response = _see_other(target)
    return _with_locale_cookie(response, request, actor.locale) if actor else response


async def _enrolment_page(
    user_id: int, *, action: str, errors: dict[str, str] | None = None
) -> Template:
    secret = await services.pending_totp_secret(user_id) or await services.start_mfa_enrolment(
        user_id
    )
    user = await services.load_actor(user_id, session_epoch=None, membership_id=None)
    uri = totp_uri(secret, user.email if user else "")
    qr_svg = segno.make(uri, error="m").svg_inline(
        scale=5, title=_("QR code for your authenticator app")
    )
    return page(
        "accounts/two_factor_setup.html",
        qr_svg=qr_svg,
        secret=" ".join(secret[index : index + 4] for index in range(0, len(secret), 4)),
        action=action,
        errors=errors,
    )


class ProfileController(Controller):
    path = "/account"
    guards = [signed_in]
    include_in_schema = False

    @get("/", name="profile")
    async def profile(self, request: Request[Any, Any, Any]) -> Template:
        return await _profile_page(request)

    @post("/password")
    async def change_password(
        self, request: Request[Any, Any, Any], data: Annotated[PasswordForm, Form]
    ) -> Template | Redirect:
        actor = require_actor(request)
        try:
            epoch = await services.change_password(actor, data.current_password, data.password)
        except InvalidInput as error:
            return await _profile_page(request, errors=error.errors)
        # This session goes on (with a new id); every other session of the user has ended.
        start_session(request, actor.user_id, epoch, mfa=bool(request.session.get("mfa")))
        if actor.membership:
            request.session[MEMBERSHIP] = actor.membership.id
        flash(request, _("Your password has been changed. You have been signed out elsewhere."))
        return _see_other("/account")

    @post("/language")
    async def language(
        self, request: Request[Any, Any, Any], data: Annotated[LanguageForm, Form]
    ) -> Redirect:
        actor = require_actor(request)
        await services.set_locale(actor, data.locale)
        return _with_locale_cookie(_see_other("/account"), request, data.locale)

    @post("/context")
    async def switch_context(
        self, request: Request[Any, Any, Any], data: Annotated[ContextForm, Form]
    ) -> Redirect:
        """Act in another of one's organisations or roles (the header's switcher)."""
        chosen = await services.switch_membership(require_actor(request), data.membership_id)
        request.session[MEMBERSHIP] = chosen.id
        return _see_other(safe_local_path(data.next))

    @get("/two-factor")
    async def enrolment(self, request: Request[Any, Any, Any]) -> Template:
        return await _enrolment_page(require_actor(request).user_id, action="/account/two-factor")

    @post("/two-factor")
    async def confirm_enrolment(
        self, request: Request[Any, Any, Any], data: Annotated[CodeForm, Form]
    ) -> Template:
        actor = require_actor(request)
        try:
            codes = await services.confirm_mfa_enrolment(
                actor.user_id, data.code, ip=client_ip(request)
            )
        except InvalidInput as error:
            return await _enrolment_page(
                actor.user_id, action="/account/two-factor", errors=error.errors
            )
        request.session["mfa"] = True
        return page("accounts/recovery_codes.html", codes=codes)

    @post("/two-factor/recovery-codes")
    async def renew_recovery_codes(self, request: Request[Any, Any, Any]) -> Template:
        codes = await services.new_recovery_codes_for(require_actor(request))
        return page("accounts/recovery_codes.html", codes=codes)

    @post("/two-factor/disable")
    async def disable_mfa(
        self, request: Request[Any, Any, Any], data: Annotated[ConfirmPasswordForm, Form]
    ) -> Template | Redirect:
        try:
            await services.disable_mfa(require_actor(request), data.password, _settings(request))
        except InvalidInput as error:
            return await _profile_page(request, errors={"mfa_password": error.errors.popitem()[1]})
        flash(request, _("Two-factor sign-in is off."))
        return _see_other("/account")

    @post("/tokens")
    async def create_token(
        self, request: Request[Any, Any, Any], data: Annotated[TokenForm, Form]
    ) -> Template:
        actor = require_actor(request)
        try:
            _id, token = await services.create_token(
                actor, data.name, as_list(data.scopes), expires_in_days=data.expires_in_days
            )
        except InvalidInput as error:
            return await _profile_page(request, errors=error.errors)
        return await _profile_page(request, new_token=token)

    @post("/tokens/{token_id:int}/revoke")
    async def revoke_token(self, request: Request[Any, Any, Any], token_id: Id) -> Redirect:
        await services.revoke_token(require_actor(request), token_id)
        flash(request, _("The token has been revoked."))
        return _see_other("/account")


async def _profile_page(
    request: Request[Any, Any, Any],
    *,
    errors: dict[str, str] | None = None,
    new_token: str | None = None,
) -> Template:
    actor = require_actor(request)
    mfa_enabled, codes_left = await services.mfa_status(actor.user_id)
    return page(
        "accounts/profile.html",
        actor=actor,
        mfa_enabled=mfa_enabled,
        recovery_codes_left=codes_left,
        tokens=await services.list_tokens(actor),
        new_token=new_token,
        scopes=services.TOKEN_SCOPES,
        errors=errors,
    )


class MembersController(Controller):
    """The organisation's own members and invitations (org admins)."""

    path = "/organisation"
    guards = [signed_in]
    include_in_schema = False

    @get("/members", name="members")
    async def members(self, request: Request[Any, Any, Any]) -> Template:
        return await _members_page(request)

    @post("/members/invite")
    async def invite(
        self, request: Request[Any, Any, Any], data: Annotated[InviteForm, Form]
    ) -> Template | Redirect:
        actor = require_actor(request)
        if actor.organisation_id is None:
            raise Conflict(_("Choose an organisation first."))
        try:
            invitation_id, token = await services.invite(
                actor,
                actor.organisation_id,
                data.email,
                _role(data.role),
                data.region or None,
                _settings(request),
            )
        except InvalidInput as error:
            return await _members_page(request, errors=error.errors, form=data)
        await mail.invitation(_settings(request), invitation_id, data.email, token)
        flash(request, _("The invitation has been sent."))
        return _see_other("/organisation/members")

    @post("/invitations/{invitation_id:int}/revoke")
    async def revoke_invitation(
        self, request: Request[Any, Any, Any], invitation_id: Id
    ) -> Redirect:
        await services.revoke_invitation(require_actor(request), invitation_id)
        flash(request, _("The invitation has been withdrawn."))
        return _see_other("/organisation/members")

    @post("/members/{membership_id:int}/role")
    async def change_role(
        self,
        request: Request[Any, Any, Any],
        membership_id: Id,
        data: Annotated[RoleForm, Form],
    ) -> Template | Redirect:
        try:
            await services.change_role(
                require_actor(request), membership_id, _role(data.role), data.region or None
            )
        except InvalidInput as error:
            return await _members_page(request, errors=error.errors)
        flash(request, _("The role has been changed."))
        return _see_other("/organisation/members")

    @get("/members/{membership_id:int}/deactivate")
    async def confirm_deactivate(
        self, request: Request[Any, Any, Any], membership_id: Id
    ) -> Template:
        actor = require_actor(request)
        members = await services.list_members(actor, actor.organisation_id or 0)
        member = next((row for row in members if row["id"] == membership_id), None)
        if member is None:
            from fristad.errors import NotFound

            raise NotFound
        return page("accounts/confirm_deactivate.html", member=member, role_label=role_label)

    @post("/members/{membership_id:int}/deactivate")
    async def deactivate(self, request: Request[Any, Any, Any], membership_id: Id) -> Redirect:
        await services.deactivate_membership(require_actor(request), membership_id)
        flash(request, _("The member's role has been removed."))
        return _see_other("/organisation/members")


def _role(value: str) -> Role:
    try:
        return Role(value)
    except ValueError:
        raise InvalidInput({"role": _("Choose a role.")}) from None


async def _members_page(
    request: Request[Any, Any, Any],
    *,
    errors: dict[str, str] | None = None,
    form: InviteForm | None = None,
) -> Template:
    actor = require_actor(request)
    if actor.organisation_id is None:
        raise Conflict(_("Choose an organisation first."))
    manage = actor.is_admin or actor.has_role(Role.ORG_ADMIN)
    return page(
        "accounts/members.html",
        members=await services.list_members(actor, actor.organisation_id),
        invitations=(
            await services.pending_invitations(actor, actor.organisation_id) if manage else []
        ),
        manage=manage,
        roles=_roles(),
        role_label=role_label,
        regions=POLICE_REGIONS,
        form=form or InviteForm(),
        errors=errors,
    )


class InvitationController(Controller):
    path = "/invitations"
    include_in_schema = False

    @get("/{token:str}")
    async def invitation(self, request: Request[Any, Any, Any], token: FromPath[str]) -> Template:
        try:
            invitation = await services.open_invitation(token)
        except Conflict as error:
            return page(
                "accounts/invitation.html", invitation=None, message=error.message, token=token
            )
        return page(
            "accounts/invitation.html",
            invitation=invitation,
            token=token,
            message="",
            role_label=role_label,
            signed_in=actor_of(request) is not None,
        )

    @post("/{token:str}")
    async def accept(
        self,
        request: Request[Any, Any, Any],
        token: FromPath[str],
        data: Annotated[AcceptInvitationForm, Form],
    ) -> Template | Redirect:
        actor = actor_of(request)
        try:
            await services.accept_invitation(
                token,
                name=data.name,
                password=data.password,
                signed_in_user_id=actor.user_id if actor else None,
            )
        except (InvalidInput, Conflict) as error:
            invitation = None
            with contextlib.suppress(Conflict):
                invitation = await services.open_invitation(token)
            errors = error.errors if isinstance(error, InvalidInput) else {"": error.message}
            return page(
                "accounts/invitation.html",
                invitation=invitation,
                token=token,
                message="",
                role_label=role_label,
                signed_in=actor is not None,
                errors=errors,
            )
        flash(request, _("Welcome to Fristad. You can now sign in."))
        return _see_other("/account" if actor else "/sign-in")


class AdminController(Controller):
    """System administration: organisations, accounts and the audit log."""

    path = "/admin"
    guards = [system_admin]
    include_in_schema = False

    @get("/organisations", name="admin_organisations")
    async def organisations(self, request: Request[Any, Any, Any]) -> Template:
        return await _organisations_page(request)

    @post("/organisations")
    async def create_organisation(
        self, request: Request[Any, Any, Any], data: Annotated[OrganisationForm, Form]
    ) -> Template | Redirect:
        actor = require_actor(request)
        kinds = set(as_list(data.kinds))
        try:
            organisation_id = await services.create_organisation(
                actor,
                services.NewOrganisation(
                    name=data.name,
                    org_number=data.org_number,
                    is_member_ngo="member_ngo" in kinds,
                    is_authority="authority" in kinds,
                    is_shelter_operator="shelter_operator" in kinds,
                    region=data.region or None,
                ),
            )
            if data.admin_email.strip():
                invitation_id, token = await services.invite(
                    actor, organisation_id, data.admin_email, Role.ORG_ADMIN
                )
                await mail.invitation(_settings(request), invitation_id, data.admin_email, token)
        except InvalidInput as error:
            return await _organisations_page(request, errors=error.errors, form=data)
        flash(request, _("The organisation has been created."))
        return _see_other("/admin/organisations")

    @get("/organisations/{organisation_id:int}")
    async def organisation(self, request: Request[Any, Any, Any], organisation_id: Id) -> Template:
        actor = require_actor(request)
        return page(
            "accounts/admin_organisation.html",
            organisation=await services.get_organisation(actor, organisation_id),
            members=await services.list_members(actor, organisation_id),
            role_label=role_label,
        )

    @post("/users/{user_id:int}/disable")
    async def disable_user(
        self,
        request: Request[Any, Any, Any],
        user_id: Id,
        organisation_id: FromQuery[int],
    ) -> Redirect:
        await services.set_user_active(require_actor(request), user_id, False)
        flash(request, _("The account has been disabled and signed out everywhere."))
        return _see_other(f"/admin/organisations/{organisation_id}")

    @post("/users/{user_id:int}/enable")
    async def enable_user(
        self,
        request: Request[Any, Any, Any],
        user_id: Id,
        organisation_id: FromQuery[int],
    ) -> Redirect:
        await services.set_user_active(require_actor(request), user_id, True)
        flash(request, _("The account has been enabled."))
        return _see_other(f"/admin/organisations/{organisation_id}")

    @get("/audit", name="audit")
    async def audit_log(
        self,
        request: Request[Any, Any, Any],
        action: FromQuery[str] = "",
        # "actor" in the query; the handler's own name is taken by the signed-in actor (DI).
        actor_filter: Annotated[str, QueryParameter(name="actor")] = "",
        object_type: FromQuery[str] = "",
        object_id: FromQuery[str] = "",
        page_index: Annotated[int, QueryParameter(name="page", ge=1, le=MAX_PAGE)] = 1,
    ) -> Template:
        query = AuditFilterForm(
            action=action, actor=actor_filter, object_type=object_type, object_id=object_id
        )
        events, has_next = await audit.list_events(
            audit.EventFilter(
                action=query.action.strip(),
                actor_user_id=int(query.actor) if query.actor.strip().isdigit() else None,
                object_type=query.object_type.strip(),
                object_id=query.object_id.strip(),
                page=page_index,
            )
        )
        return page(
            "accounts/audit.html",
            events=events,
            query=query,
            page_index=page_index,
            has_next=has_next,
        )


async def _organisations_page(
    request: Request[Any, Any, Any],
    *,
    errors: dict[str, str] | None = None,
    form: OrganisationForm | None = None,
) -> Template:
    return page(
        "accounts/admin_organisations.html",
        organisations=await services.list_organisations(require_actor(request)),
        regions=POLICE_REGIONS,
        form=form or OrganisationForm(),
        errors=errors,
    )
