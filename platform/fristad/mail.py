"""E-mail: building a message and delivering it over SMTP, or into the development outbox.

Mail is sent by the ``send_mail`` job (``fristad.jobs``), never from a request. Without
``FRISTAD_SMTP_URL`` messages are written to ``<var>/outbox/`` as ``.eml`` files, which the
development-only page ``/dev/outbox`` lists. Logs name a message by its Message-ID only: addresses,
subjects and bodies are personal data.
"""

from __future__ import annotations

import asyncio
import logging
import os
import re
import secrets
from datetime import UTC, datetime
from email import policy
from email.message import EmailMessage, MIMEPart
from email.parser import BytesHeaderParser, BytesParser
from email.utils import format_datetime, make_msgid, parseaddr
from pathlib import Path
from urllib.parse import unquote, urlsplit

import aiosmtplib
import msgspec

from fristad.settings import Settings

log = logging.getLogger("fristad.mail")

SMTP_TIMEOUT_SECONDS = 30
OUTBOX_DIR = "outbox"
# <UTC time to the microsecond>-<8 hex digits>.eml: sorts by time, and nothing else is accepted
# as a name, so a name from a URL cannot reach outside the outbox.
_OUTBOX_NAME = re.compile(r"\A\d{8}T\d{12}Z-[0-9a-f]{8}\.eml\Z")


class Mail(msgspec.Struct, frozen=True, kw_only=True):
    """One e-mail to one recipient: a plain-text body, optionally an HTML alternative."""

    to: str
    subject: str
    text: str
    html: str | None = None


class OutboxEntry(msgspec.Struct, frozen=True):
    name: str
    to: str
    subject: str
    date: datetime | None


class OutboxMessage(msgspec.Struct, frozen=True):
    name: str
    headers: list[tuple[str, str]]
    text: str
    html: str | None


class _SmtpServer(msgspec.Struct, frozen=True):
    hostname: str
    port: int
    username: str | None
    password: str | None
    implicit_tls: bool


def build_message(settings: Settings, mail: Mail) -> EmailMessage:
    """The MIME message for ``mail``, from ``settings.mail_from``, UTF-8 throughout."""
    message = EmailMessage(policy=policy.SMTP)
    message["From"] = settings.mail_from
    message["To"] = mail.to
    message["Subject"] = mail.subject
    message["Date"] = format_datetime(datetime.now(UTC))
    # The sender's domain rather than this host's name: no internal host names leak out,
    # and make_msgid does not wait for a DNS lookup.
    message["Message-ID"] = make_msgid(domain=_sender_domain(settings.mail_from))
    # quoted-printable keeps Swedish text intact through servers without 8BITMIME.
    message.set_content(mail.text, charset="utf-8", cte="quoted-printable")
    if mail.html is not None:
        message.add_alternative(mail.html, subtype="html", charset="utf-8", cte="quoted-printable")
    return message


async def deliver(settings: Settings, mail: Mail) -> str:
    """Send ``mail`` over SMTP, or write it to the outbox when no SMTP server is configured.

    Returns the Message-ID. SMTP and network errors propagate (the job decides about retrying).
    """
    message = build_message(settings, mail)
    message_id = str(message["Message-ID"])
    if not settings.smtp_url:
        name = await asyncio.to_thread(_write_outbox, outbox_path(settings), message)
        log.debug("mail %s written to the outbox as %s", message_id, name)
        return message_id
    server = _smtp_server(settings.smtp_url)
    try:
        await aiosmtplib.send(
            message,
            hostname=server.hostname,
            port=server.port,
            username=server.username,
            password=server.password,
            use_tls=server.implicit_tls,
            # None: STARTTLS when the server offers it; implicit TLS excludes it.
            start_tls=False if server.implicit_tls else None,
            timeout=SMTP_TIMEOUT_SECONDS,
        )
    except (OSError, aiosmtplib.SMTPException) as error:
        log.warning("mail %s not sent: %s", message_id, type(error).__name__)
        raise
    log.info("mail %s sent", message_id)
    return message_id


def outbox_path(settings: Settings) -> Path:
    return settings.var_path / OUTBOX_DIR


def list_outbox(settings: Settings, limit: int = 50) -> list[OutboxEntry]:
    """The newest ``limit`` messages in the outbox, newest first (headers only)."""
    directory = outbox_path(settings)
    if not directory.is_dir():
        return []
    names = sorted(
        (path.name for path in directory.iterdir() if _OUTBOX_NAME.match(path.name)),
        reverse=True,
    )
    entries = []
    parser = BytesHeaderParser(policy=policy.default)
    for name in names[:limit]:
        try:
            with (directory / name).open("rb") as eml:
                headers = parser.parse(eml)
        except FileNotFoundError:  # removed since the listing
            continue
        date = headers["Date"]
        entries.append(
            OutboxEntry(
                name=name,
                to=str(headers["To"] or ""),
                subject=str(headers["Subject"] or ""),
                date=getattr(date, "datetime", None),
            )
        )
    return entries


def read_outbox(settings: Settings, name: str) -> OutboxMessage | None:
    """One outbox message by file name, or None if there is none by that name.

    Raises ValueError for anything that is not an outbox file name (such as ``../x``).
    """
    if not is_outbox_name(name):
        raise ValueError("not an outbox message name")
    path = outbox_path(settings) / name
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return None
    message = BytesParser(policy=policy.default).parsebytes(raw)
    assert isinstance(message, EmailMessage)  # policy.default parses into EmailMessage
    text_part = message.get_body(preferencelist=("plain",))
    html_part = message.get_body(preferencelist=("html",))
    return OutboxMessage(
        name=name,
        headers=[(key, str(value)) for key, value in message.items()],
        text=_content(text_part) or "",
        html=_content(html_part),
    )


def _content(part: MIMEPart | None) -> str | None:
    # Lines end in CRLF on the wire (and in the .eml file); shown, they end in LF.
    return None if part is None else str(part.get_content()).replace("\r\n", "\n")


def is_outbox_name(name: str) -> bool:
    return _OUTBOX_NAME.match(name) is not None


def _write_outbox(directory: Path, message: EmailMessage) -> str:
    directory.mkdir(parents=True, exist_ok=True)
    now = datetime.now(UTC)
    name = f"{now:%Y%m%dT%H%M%S%f}Z-{secrets.token_hex(4)}.eml"
    # Written under a name the outbox ignores, then renamed: a reader never sees half a message.
    temporary = directory / f".{name}.tmp"
    with temporary.open("xb") as eml:
        eml.write(message.as_bytes())
        eml.flush()
        os.fsync(eml.fileno())
    temporary.replace(directory / name)
    return name


def _sender_domain(address: str) -> str:
    domain = parseaddr(address)[1].rpartition("@")[2]
    return domain or "fristad.invalid"


def _smtp_server(url: str) -> _SmtpServer:
    """smtp://user:password@host:port (STARTTLS when offered) or smtps://… (implicit TLS)."""
    parts = urlsplit(url)
    implicit_tls = parts.scheme == "smtps"
    if parts.scheme not in {"smtp", "smtps"} or not parts.hostname:
        raise ValueError("FRISTAD_SMTP_URL: expected smtp://host[:port] or smtps://host[:port]")
    return _SmtpServer(
        hostname=parts.hostname,
        port=parts.port or (465 if implicit_tls else 25),
        username=unquote(parts.username) if parts.username else None,
        password=unquote(parts.password) if parts.password is not None else None,
        implicit_tls=implicit_tls,
    )
