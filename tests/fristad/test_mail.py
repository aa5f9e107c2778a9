"""E-mail: delivery to a real SMTP server on loopback (aiosmtpd), the development outbox and its
page, and the send_mail job run by a real arq worker against the test Redis."""

from __future__ import annotations

import contextlib
import logging
import subprocess
import sys
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path
from typing import Any
from urllib.parse import quote

import msgspec
import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from arq.worker import Retry
from litestar import Litestar
from litestar.connection import ASGIConnection
from litestar.datastructures import State
from litestar.exceptions import NotFoundException
from litestar.handlers import BaseRouteHandler
from litestar.plugins.htmx import HTMXPlugin
from litestar.template.config import TemplateConfig
from litestar.testing import AsyncTestClient
from litestar.types import Guard
from redis.asyncio import Redis

from fristad import queue
from fristad.app import JOBS
from fristad.jobs import MailRefused, send_mail
from fristad.mail import Mail, build_message, deliver, list_outbox, outbox_path, read_outbox
from fristad.outbox import outbox_controller
from fristad.settings import Settings
from fristad.web import activate_request_locale, create_template_engine
from tests.browser import free_port
from tests.jobs import run_queued_jobs

SWEDISH_MAIL = Mail(
    to="Åsa Öberg <asa@example.org>",
    subject="Välkommen till Fristad – åäö",
    text="Hej Åsa!\n\nDin inbjudan väntar: blåbär, räksmörgås, öl.\n",
    html="<p>Hej Åsa! Blåbär och räksmörgås.</p>",
)


@dataclass
class Received:
    sender: str
    recipients: list[str]
    message: EmailMessage


@dataclass
class MailServer:
    """What an aiosmtpd server on 127.0.0.1 has accepted, and how to reach it."""

    port: int
    received: list[Received] = field(default_factory=list)
    # RCPT TO answers by address; everything else is accepted.
    answers: dict[str, str] = field(default_factory=dict)

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, options: list[str]
    ) -> str:
        if address in self.answers:
            return self.answers[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = BytesParser(policy=policy.default).parsebytes(envelope.content)
        assert isinstance(message, EmailMessage)
        self.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos), message))
        return "250 Message accepted for delivery"


@contextlib.contextmanager
def running_mail_server(**smtp_options: Any) -> Iterator[MailServer]:
    server = MailServer(port=free_port())
    controller = Controller(server, hostname="127.0.0.1", port=server.port, **smtp_options)
    controller.start()
    try:
        yield server
    finally:
        controller.stop()


@pytest.fixture
def mail_server() -> Iterator[MailServer]:
    with running_mail_server() as server:
        yield server


@pytest.fixture
def outbox_settings(settings: Settings, tmp_path: Path) -> Settings:
    """No SMTP server: mail goes to an outbox of this test's own."""
    return msgspec.structs.replace(settings, smtp_url="", var_dir=str(tmp_path))


@pytest.fixture
async def open_queue(settings: Settings, db: None, redis: Redis) -> AsyncIterator[None]:
    """An empty queue and an empty database: the worker also relays the job outbox's rows, so a
    row an earlier test left there would be delivered to this test's mail server."""
    await queue.open_queue(settings, JOBS.names())
    yield
    await queue.close_queue()


def only_text_part(message: EmailMessage) -> str:
    body = message.get_body(preferencelist=("plain",))
    assert body is not None
    # Lines end in CRLF on the wire.
    return str(body.get_content()).replace("\r\n", "\n")


# --- Building and delivering -------------------------------------------------------------------


def test_message_is_from_the_configured_sender_in_utf8(settings: Settings) -> None:
    message = build_message(settings, SWEDISH_MAIL)
    assert message["From"] == settings.mail_from
    assert message["Message-ID"].endswith("@fristad.invalid>")
    assert message["Date"].datetime.tzinfo is not None
    assert message.get_body(preferencelist=("plain",))["Content-Type"].params["charset"] == "utf-8"
    assert message.get_body(preferencelist=("html",)) is not None


def test_header_injection_through_the_subject_is_refused(settings: Settings) -> None:
    with pytest.raises(ValueError, match="linefeed"):
        build_message(settings, Mail(to="a@example.org", subject="Hej\nBcc: x@evil", text="."))


async def test_delivery_over_smtp_arrives_intact(
    settings: Settings, mail_server: MailServer
) -> None:
    smtp_settings = msgspec.structs.replace(settings, smtp_url=mail_server.url)
    message_id = await deliver(smtp_settings, SWEDISH_MAIL)

    [received] = mail_server.received
    assert received.sender == "no-reply@fristad.invalid"
    assert received.recipients == ["asa@example.org"]
    message = received.message
    assert message["Message-ID"] == message_id
    assert message["From"] == settings.mail_from
    assert message["To"] == "Åsa Öberg <asa@example.org>"
    assert message["Subject"] == "Välkommen till Fristad – åäö"
    assert only_text_part(message) == SWEDISH_MAIL.text
    html = message.get_body(preferencelist=("html",))
    assert html is not None
    assert "räksmörgås" in html.get_content()


async def test_smtp_credentials_in_the_url_are_decoded_and_used(settings: Settings) -> None:
    username, password = "fristad@example.org", "p@ss:wörd/1%"
    logins: list[tuple[bytes, bytes]] = []

    def authenticator(
        server: Any, session: Any, envelope: Any, mechanism: str, auth_data: Any
    ) -> AuthResult:
        assert isinstance(auth_data, LoginPassword)
        logins.append((auth_data.login, auth_data.password))
        ok = (auth_data.login, auth_data.password) == (username.encode(), password.encode())
        return AuthResult(success=ok)

    # No TLS on loopback in the test, so the server must offer AUTH without it.
    with running_mail_server(authenticator=authenticator, auth_require_tls=False) as server:
        url = (
            f"smtp://{quote(username, safe='')}:{quote(password, safe='')}@127.0.0.1:{server.port}"
        )
        await deliver(msgspec.structs.replace(settings, smtp_url=url), SWEDISH_MAIL)
    assert logins == [(username.encode(), password.encode())]
    assert len(server.received) == 1


# --- The development outbox --------------------------------------------------------------------


async def test_without_smtp_the_mail_is_written_to_the_outbox(outbox_settings: Settings) -> None:
    message_id = await deliver(outbox_settings, SWEDISH_MAIL)

    [entry] = list_outbox(outbox_settings)
    assert entry.to == SWEDISH_MAIL.to
    assert entry.subject == SWEDISH_MAIL.subject
    assert entry.date is not None
    assert abs(datetime.now(UTC) - entry.date) < timedelta(minutes=1)
    # Only finished messages: the temporary file was renamed into place.
    assert [path.name for path in outbox_path(outbox_settings).iterdir()] == [entry.name]

    eml = BytesParser(policy=policy.default).parsebytes(
        (outbox_path(outbox_settings) / entry.name).read_bytes()
    )
    assert isinstance(eml, EmailMessage)
    assert eml["Message-ID"] == message_id
    assert only_text_part(eml) == SWEDISH_MAIL.text

    shown = read_outbox(outbox_settings, entry.name)
    assert shown is not None
    assert ("Subject", SWEDISH_MAIL.subject) in shown.headers
    assert shown.text == SWEDISH_MAIL.text
    assert shown.html is not None
    assert "räksmörgås" in shown.html


async def test_outbox_lists_the_newest_first_up_to_the_limit(outbox_settings: Settings) -> None:
    for number in range(3):
        await deliver(outbox_settings, Mail(to="a@example.org", subject=f"nr {number}", text="."))
    assert [entry.subject for entry in list_outbox(outbox_settings)] == ["nr 2", "nr 1", "nr 0"]
    assert [entry.subject for entry in list_outbox(outbox_settings, limit=2)] == ["nr 2", "nr 1"]


def test_empty_outbox_lists_nothing(outbox_settings: Settings) -> None:
    assert list_outbox(outbox_settings) == []


@pytest.mark.parametrize(
    "name",
    [
        "../fristad.sqlite3",
        "../../etc/passwd",
        "/etc/passwd",
        "20261129T024325123456Z-0123abcd.eml/../x",
        "..%2F20261129T024325123456Z-0123abcd.eml",
        ".20261129T024325123456Z-0123abcd.eml.tmp",
        "20261129T024325123456Z-0123ABCD.eml",
        "",
    ],
)
def test_outbox_refuses_names_that_are_not_outbox_messages(
    outbox_settings: Settings, name: str
) -> None:
    with pytest.raises(ValueError, match="outbox"):
        read_outbox(outbox_settings, name)


def test_outbox_answers_none_for_a_well_formed_name_it_does_not_have(
    outbox_settings: Settings,
) -> None:
    assert read_outbox(outbox_settings, "20261129T024325123456Z-0123abcd.eml") is None


# --- The send_mail job --------------------------------------------------------------------------


async def test_send_mail_job_run_by_the_worker_delivers_over_smtp(
    settings: Settings, db: None, redis: Redis, mail_server: MailServer
) -> None:
    smtp_settings = msgspec.structs.replace(settings, smtp_url=mail_server.url)
    await queue.open_queue(smtp_settings, JOBS.names())
    try:
        assert await queue.send_mail_later(SWEDISH_MAIL, key="test:delivers")
    finally:
        await queue.close_queue()
    await run_queued_jobs(smtp_settings)

    [received] = mail_server.received
    assert received.message["Subject"] == SWEDISH_MAIL.subject
    assert only_text_part(received.message) == SWEDISH_MAIL.text


async def test_mail_enqueued_twice_with_one_key_is_delivered_once(
    settings: Settings, open_queue: None, mail_server: MailServer
) -> None:
    smtp_settings = msgspec.structs.replace(settings, smtp_url=mail_server.url)
    assert await queue.send_mail_later(SWEDISH_MAIL, key="invitation:42")
    assert not await queue.send_mail_later(SWEDISH_MAIL, key="invitation:42")
    await run_queued_jobs(smtp_settings)
    # A double-submitted form after the mail went out: the kept result still holds the key.
    assert not await queue.send_mail_later(SWEDISH_MAIL, key="invitation:42")
    await run_queued_jobs(smtp_settings)
    assert len(mail_server.received) == 1


async def test_mail_with_other_keys_are_all_delivered(
    settings: Settings, open_queue: None, mail_server: MailServer
) -> None:
    for key in ("reset:1", "reset:2"):
        assert await queue.send_mail_later(SWEDISH_MAIL, key=key)
    await run_queued_jobs(msgspec.structs.replace(settings, smtp_url=mail_server.url))
    assert len(mail_server.received) == 2


async def test_worker_logs_name_the_mail_but_not_the_person(
    settings: Settings,
    db: None,
    open_queue: None,
    mail_server: MailServer,
    caplog: pytest.LogCaptureFixture,
) -> None:
    await queue.send_mail_later(SWEDISH_MAIL, key="privacy:1")
    # At DEBUG the worker tells of every job (at INFO it is quiet unless something fails).
    with caplog.at_level(logging.DEBUG):
        await run_queued_jobs(
            msgspec.structs.replace(settings, smtp_url=mail_server.url, log_level="DEBUG")
        )
    [received] = mail_server.received
    # Only Fristad's and arq's lines: the test mail server logs the envelope on its own.
    logged = "\n".join(
        record.getMessage()
        for record in caplog.records
        if record.name.startswith(("fristad", "arq"))
    )
    assert "mail:privacy:1" in logged
    assert received.message["Message-ID"] in logged
    for personal in ("asa@example.org", "Åsa", "Välkommen", "räksmörgås"):
        assert personal not in logged


async def test_unreachable_mail_server_makes_the_job_try_again_later(settings: Settings) -> None:
    nobody_listens = msgspec.structs.replace(settings, smtp_url=f"smtp://127.0.0.1:{free_port()}")
    ctx = {"settings": nobody_listens, "job_id": "mail:test", "job_try": 2}
    with pytest.raises(Retry) as retry:
        await send_mail(ctx, **msgspec.structs.asdict(SWEDISH_MAIL))
    assert retry.value.defer_score == 120_000


async def test_temporary_refusal_makes_the_job_try_again_later(
    settings: Settings, mail_server: MailServer
) -> None:
    mail_server.answers["asa@example.org"] = "451 4.3.0 Try again later"
    ctx = {"settings": msgspec.structs.replace(settings, smtp_url=mail_server.url)}
    with pytest.raises(Retry):
        await send_mail({**ctx, "job_id": "mail:t", "job_try": 1}, "asa@example.org", "Hej", ".")
    assert mail_server.received == []


async def test_permanent_refusal_fails_without_repeating_the_address(
    settings: Settings, mail_server: MailServer
) -> None:
    mail_server.answers["asa@example.org"] = "550 5.1.1 <asa@example.org>: no such user"
    ctx = {"settings": msgspec.structs.replace(settings, smtp_url=mail_server.url)}
    with pytest.raises(MailRefused) as refused:
        await send_mail({**ctx, "job_id": "mail:t", "job_try": 1}, "asa@example.org", "Hej", ".")
    assert "550" in str(refused.value)
    assert "asa@example.org" not in str(refused.value)


def test_enqueueing_needs_an_open_queue() -> None:
    # A fresh process: this one has had its queue opened by other tests' apps.
    code = (
        "import asyncio\n"
        "from fristad import queue\n"
        "from fristad.mail import Mail\n"
        "mail = Mail(to='a@example.org', subject='s', text='t')\n"
        "asyncio.run(queue.send_mail_later(mail, key='k'))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60
    )
    assert result.returncode != 0
    assert "QueueNotOpenError" in result.stderr
    assert "open_queue" in result.stderr


async def test_enqueueing_an_unknown_job_or_a_naive_time_is_refused(open_queue: None) -> None:
    with pytest.raises(ValueError, match="send_mial"):
        await queue.enqueue("send_mial", to="a@example.org")
    with pytest.raises(ValueError, match="timezone"):
        await queue.enqueue("send_mail", defer_until=datetime(2030, 1, 1))


# --- The development outbox page ---------------------------------------------------------------


def let_through(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
    """Stands in for accounts' system-admin guard, which app.py hands the controller (who may
    read the outbox is tested with the whole app in test_outbox_access.py)."""


def refuse(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
    raise NotFoundException()


def outbox_app(settings: Settings, admin_only: Guard = let_through) -> Litestar:
    """Only the outbox controller, with fristad's templates (it is registered in app.py)."""
    return Litestar(
        route_handlers=[outbox_controller(admin_only=admin_only)],
        template_config=TemplateConfig(instance=create_template_engine()),
        state=State({"settings": settings}),
        plugins=[HTMXPlugin()],
        before_request=activate_request_locale,
    )


@pytest.fixture
async def outbox_client(outbox_settings: Settings) -> AsyncIterator[AsyncTestClient[Litestar]]:
    development = msgspec.structs.replace(outbox_settings, env="development")
    async with AsyncTestClient(app=outbox_app(development)) as client:
        yield client


async def test_outbox_page_lists_the_mails_in_swedish(
    outbox_settings: Settings, outbox_client: AsyncTestClient[Litestar]
) -> None:
    await deliver(outbox_settings, SWEDISH_MAIL)
    page = await outbox_client.get("/dev/outbox")
    assert page.status_code == 200
    assert '<h1 id="outbox-heading">Utkorg</h1>' in page.text
    assert "Välkommen till Fristad – åäö" in page.text
    assert "Åsa Öberg &lt;asa@example.org&gt;" in page.text
    assert page.headers["cache-control"] == "no-store"


async def test_outbox_message_page_shows_headers_and_escaped_text(
    outbox_settings: Settings, outbox_client: AsyncTestClient[Litestar]
) -> None:
    await deliver(
        outbox_settings,
        Mail(
            to="a@example.org",
            subject="<script>alert(1)</script>",
            text="Klicka <a href='x'>här</a>",
            html="<p onclick='x()'>här</p>",
        ),
    )
    [entry] = list_outbox(outbox_settings)
    page = await outbox_client.get(f"/dev/outbox/{entry.name}", headers={"Accept-Language": "en"})
    assert page.status_code == 200
    assert "E-mail in the outbox" in page.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text
    assert "Klicka &lt;a href=&#39;x&#39;&gt;här&lt;/a&gt;" in page.text
    assert "&lt;p onclick=&#39;x()&#39;&gt;" in page.text
    assert "<script>" not in page.text
    assert "onclick='x()'" not in page.text


async def test_outbox_page_for_htmx_is_the_bare_fragment(
    outbox_client: AsyncTestClient[Litestar],
) -> None:
    page = await outbox_client.get("/dev/outbox", headers={"HX-Request": "true"})
    assert page.status_code == 200
    assert "<html" not in page.text
    assert "outbox-heading" in page.text


@pytest.mark.parametrize(
    "path",
    [
        "/dev/outbox/20261129T024325123456Z-0123abcd.eml",
        "/dev/outbox/..%2F..%2Ftest.sqlite3",
        "/dev/outbox/%2E%2E",
    ],
)
async def test_outbox_page_of_an_unknown_or_foreign_name_is_not_found(
    outbox_client: AsyncTestClient[Litestar], path: str
) -> None:
    assert (await outbox_client.get(path)).status_code == 404


@pytest.mark.parametrize(
    ("env", "dev_outbox"),
    [
        ("test", None),
        ("production", None),
        ("development", False),
        # Refused at start-up (settings._check); built without the check, still not there.
        ("production", True),
    ],
)
async def test_outbox_pages_do_not_exist_unless_the_outbox_is_on(
    outbox_settings: Settings, env: str, dev_outbox: bool | None
) -> None:
    await deliver(outbox_settings, SWEDISH_MAIL)
    [entry] = list_outbox(outbox_settings)
    app = outbox_app(msgspec.structs.replace(outbox_settings, env=env, dev_outbox=dev_outbox))
    async with AsyncTestClient(app=app) as client:
        assert (await client.get("/dev/outbox")).status_code == 404
        assert (await client.get(f"/dev/outbox/{entry.name}")).status_code == 404


async def test_outbox_can_be_turned_on_outside_development(outbox_settings: Settings) -> None:
    app = outbox_app(msgspec.structs.replace(outbox_settings, env="test", dev_outbox=True))
    async with AsyncTestClient(app=app) as client:
        assert (await client.get("/dev/outbox")).status_code == 200


async def test_every_outbox_page_asks_the_admin_guard(outbox_settings: Settings) -> None:
    await deliver(outbox_settings, SWEDISH_MAIL)
    [entry] = list_outbox(outbox_settings)
    development = msgspec.structs.replace(outbox_settings, env="development")
    async with AsyncTestClient(app=outbox_app(development, admin_only=refuse)) as client:
        for path in ("/dev/outbox", "/dev/outbox/", f"/dev/outbox/{entry.name}"):
            response = await client.get(path)
            assert response.status_code == 404, path
            assert SWEDISH_MAIL.subject not in response.text
