"""Pages that belong to no domain: the home page and the language switch."""

from __future__ import annotations

from typing import Annotated, Any

import msgspec
from litestar import Controller, Request, Response, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_303_SEE_OTHER

from fristad import i18n
from fristad.web import StartPage, safe_local_path, see_other

ONE_YEAR_SECONDS = 365 * 24 * 3600


class LanguageChoice(msgspec.Struct):
    locale: str
    next: str = "/"


class PageController(Controller):
    include_in_schema = False

    @get("/", name="home")
    async def home(self, request: Request[Any, Any, Any]) -> Template | Response[Any]:
        """The general home page, or the start page of the signed-in user's role (an operator
        lands on their beds, so a change is one tap after sign-in)."""
        user = request.scope.get("user")
        if user is not None:
            start_pages: list[StartPage] = request.app.state.get("start_pages", [])
            for start in start_pages:
                if start.visible(user):
                    return see_other(request, start.href)
        return Template(template_name="fristad/home.html")

    @post("/language", name="language", status_code=HTTP_303_SEE_OTHER)
    async def choose_language(
        self,
        request: Request[Any, Any, Any],
        data: Annotated[LanguageChoice, Body(media_type=RequestEncodingType.URL_ENCODED)],
    ) -> Redirect:
        """Remember the chosen language in a cookie and go back to the page the user was on."""
        locale = data.locale if data.locale in i18n.LOCALES else i18n.DEFAULT_LOCALE
        response = Redirect(path=safe_local_path(data.next), status_code=HTTP_303_SEE_OTHER)
        response.set_cookie(
            i18n.LOCALE_COOKIE,
            locale,
            max_age=ONE_YEAR_SECONDS,
            httponly=True,
            samesite="lax",
            secure=request.app.state.settings.https,
        )
        return response
