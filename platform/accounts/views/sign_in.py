"""Sign-in pages: password, the second factor (or its set-up), sign-out, a forgotten password."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, Response, get, post
from litestar.params import FromPath, FromQuery
from litestar.response import Template

from accounts import services
from accounts.schemas import CodeForm, EmailForm, NewPasswordForm, SignInForm
from accounts.views._common import Form, enrolment_page, with_locale_cookie
from accounts.web import (
    CurrentActor,
    client_ip,
    pending_user,
    signed_in,
    start_pending,
    start_session,
)
from fristad.errors import Conflict, InvalidInput, TooManyAttempts
from fristad.i18n import gettext as _
from fristad.settings import Settings
from fristad.web import (
    AppRedis,
    AppSettings,
    flash,
    form_errors,
    page,
    safe_local_path,
    see_other,
    session_data,
)

TWO_FACTOR_SETUP = "/sign-in/two-factor/setup"


class SignInController(Controller):
    include_in_schema = False

    @get("/sign-in", name="sign_in")
    async def sign_in_page(self, next: FromQuery[str] = "/") -> Template:
        return page("accounts/sign_in.html", form=SignInForm(next=safe_local_path(next)))

    @post("/sign-in")
    async def sign_in(
        self,
        request: Request[Any, Any, Any],
        data: Annotated[SignInForm, Form],
        redis: AppRedis,
        settings: AppSettings,
    ) -> Template | Response[Any]:
        """Password first; then the second factor, or its set-up where the role requires it."""
        try:
            result = await services.authenticate(
                redis, data.email, data.password, ip=client_ip(request)
            )
        except InvalidInput as error:
            data.password = ""  # clearing the typed password, not setting one  # nosec B105
            return page("accounts/sign_in.html", form=data, errors=error.errors)
        request.session["next"] = safe_local_path(data.next)
        if result.mfa_enabled:
            start_pending(request, result.user_id, result.session_epoch)
            request.session["next"] = safe_local_path(data.next)
            return see_other(request, "/sign-in/two-factor")
        if result.mfa_required:
            start_pending(request, result.user_id, result.session_epoch)
            return see_other(request, TWO_FACTOR_SETUP)
        return await _complete_sign_in(
            request, settings, result.user_id, result.session_epoch, "password"
        )

    @get("/sign-in/two-factor")
    async def two_factor_page(self, request: Request[Any, Any, Any]) -> Template | Response[Any]:
        if pending_user(request) is None:
            return see_other(request, "/sign-in")
        return page("accounts/two_factor.html")

    @post("/sign-in/two-factor")
    async def two_factor(
        self,
        request: Request[Any, Any, Any],
        data: Annotated[CodeForm, Form],
        redis: AppRedis,
        settings: AppSettings,
    ) -> Template | Response[Any]:
        pending = pending_user(request)
        if pending is None:
            return see_other(request, "/sign-in")
        user_id, epoch = pending
        try:
            method = await services.verify_second_factor(
                redis, user_id, data.code, ip=client_ip(request)
            )
        except InvalidInput as error:
            return page("accounts/two_factor.html", errors=error.errors)
        except TooManyAttempts:
            request.clear_session()
            flash(request, _("Too many wrong codes. Wait a while, then sign in again."), "error")
            return see_other(request, "/sign-in")
        return await _complete_sign_in(request, settings, user_id, epoch, method)

    @get(TWO_FACTOR_SETUP)
    async def enrolment_during_sign_in(
        self, request: Request[Any, Any, Any]
    ) -> Template | Response[Any]:
        pending = pending_user(request)
        if pending is None:
            return see_other(request, "/sign-in")
        return await enrolment_page(pending[0], action=TWO_FACTOR_SETUP)

    @post(TWO_FACTOR_SETUP)
    async def confirm_enrolment_during_sign_in(
        self,
        request: Request[Any, Any, Any],
        data: Annotated[CodeForm, Form],
        settings: AppSettings,
    ) -> Template | Response[Any]:
        pending = pending_user(request)
        if pending is None:
            return see_other(request, "/sign-in")
        user_id, epoch = pending
        try:
            codes = await services.confirm_mfa_enrolment(user_id, data.code, ip=client_ip(request))
        except InvalidInput as error:
            return await enrolment_page(user_id, action=TWO_FACTOR_SETUP, errors=error.errors)
        await _complete_sign_in(request, settings, user_id, epoch, "totp_enrolment")
        return page("accounts/recovery_codes.html", codes=codes)

    @post("/sign-out", guards=[signed_in])
    async def sign_out(self, request: Request[Any, Any, Any], actor: CurrentActor) -> Response[Any]:
        await services.record_sign_out(actor)
        request.clear_session()
        return see_other(request, "/")

    @get("/password/forgot")
    async def forgot_page(self) -> Template:
        return page("accounts/forgot.html", sent=False)

    @post("/password/forgot")
    async def forgot(self, data: Annotated[EmailForm, Form], settings: AppSettings) -> Template:
        """Always the same answer, whether or not the address has an account."""
        await services.send_password_reset_link(data.email, settings)
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
    ) -> Template | Response[Any]:
        try:
            await services.reset_password(token, data.password)
        except (InvalidInput, Conflict) as error:
            return page("accounts/reset.html", token=token, errors=form_errors(error))
        request.clear_session()
        flash(request, _("Your password has been changed. Sign in with the new one."))
        return see_other(request, "/sign-in")


async def _complete_sign_in(
    request: Request[Any, Any, Any], settings: Settings, user_id: int, epoch: int, method: str
) -> Response[Any]:
    """A new session for the user, and the page they were heading for, in their language."""
    target = safe_local_path(session_data(request).get("next"))
    start_session(request, user_id, epoch, mfa=method != "password")
    actor = await services.record_sign_in(
        user_id, session_epoch=epoch, ip=client_ip(request), method=method
    )
    response = see_other(request, target)
    return with_locale_cookie(response, settings, actor.locale) if actor else response
