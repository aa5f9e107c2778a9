"""Pages that belong to no domain: the home page and the language switch."""

from __future__ import annotations

from typing import Annotated, Any

import msgspec
from litestar import Controller, Request, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_303_SEE_OTHER

from fristad import i18n
from fristad.web import safe_local_path

ONE_YEAR_SECONDS = 365 * 24 * 3600


class LanguageChoice(msgspec.Struct):
    locale: str
    next: str = "/"


class PageController(Controller):
    include_in_schema = False

    @get("/", name="home")
    async def home(self) -> Template:
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
