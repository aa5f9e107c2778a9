"""Static files under names that carry a hash of their content, cached for a year.

Litestar's static files router serves a directory with one Cache-Control for all of it; it has no
fingerprinting. So templates ask ``static_url("fristad.css")`` for ``/static/fristad.<hash>.css``:
a changed file gets a new name, and a browser may keep every name forever (``immutable``). The
plain names answer too, revalidated every time: the service worker and the web app manifest must
keep theirs. (ServeStatic or WhiteNoise would wrap the ASGI app from outside, past Litestar's
before-send hook, so the static files would lose the security headers.)

Each file is gzipped once, when first served, and sent compressed to every browser that accepts
it. Litestar's CompressionMiddleware would compress on every request and take the pages too,
unless excluded by a pattern it warns about; a page compressed with its CSRF token beside text an
attacker can put there leaks the token (BREACH), so pages are not compressed at all.
"""

from __future__ import annotations

import functools
import gzip
import hashlib
import mimetypes
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import js_lib_htmx
from litestar import Request, Response, get
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import File

STATIC_DIR = Path(__file__).resolve().parent / "static"
HTMX_VERSION = "2.0.3"
# A fingerprinted name never changes its content: a year, and no revalidation.
FINGERPRINTED = "public, max-age=31536000, immutable"
# A plain name may change under the same URL: ask every time (an ETag makes that cheap).
PLAIN = "no-cache"

# At its plain name, always: a browser checks it for updates by that URL.
SERVICE_WORKER = "sw.js"

mimetypes.add_type("application/manifest+json", ".webmanifest")


def htmx_directory() -> Path:
    """htmx as shipped by the django-js-lib-htmx wheel (pinned in uv.lock)."""
    return Path(js_lib_htmx.__file__).parent / "static" / "htmx"


@dataclass(frozen=True)
class StaticFile:
    path: Path
    fingerprinted: bool

    @property
    def media_type(self) -> str:
        return mimetypes.guess_type(self.path.name)[0] or "application/octet-stream"

    @functools.cached_property
    def gzipped(self) -> bytes | None:
        """The file gzipped, or None where that saves nothing (an image already compressed)."""
        content = self.path.read_bytes()
        packed = gzip.compress(content, compresslevel=9, mtime=0)
        return packed if len(packed) < len(content) * 0.9 else None


@dataclass(frozen=True)
class StaticFiles:
    by_url: Mapping[str, StaticFile]  # the part after /static/, plain and fingerprinted
    fingerprints: Mapping[str, str]  # plain name -> fingerprinted name

    def url(self, name: str) -> str:
        """The URL of ``name`` (as under /static/) with its content's hash in the file name."""
        return f"/static/{self.fingerprints[name]}"


def fingerprinted_name(name: str, content: bytes) -> str:
    """``fristad.css`` → ``fristad.<12 hex digits of its SHA-256>.css``."""
    digest = hashlib.sha256(content).hexdigest()[:12]
    folder, _, file_name = name.rpartition("/")
    stem, dot, suffix = file_name.partition(".")
    return f"{folder}/{stem}.{digest}{dot}{suffix}".lstrip("/")


def collect(directories: Mapping[str, Path]) -> StaticFiles:
    """Every file under each directory, named under its URL prefix (``""`` or ``"vendor/…/"``)."""
    by_url: dict[str, StaticFile] = {}
    fingerprints: dict[str, str] = {}
    for prefix, directory in directories.items():
        for path in sorted(directory.rglob("*")):
            if not path.is_file() or path.name.startswith("."):
                continue
            name = prefix + path.relative_to(directory).as_posix()
            hashed = fingerprinted_name(name, path.read_bytes())
            by_url[name] = StaticFile(path, fingerprinted=False)
            by_url[hashed] = StaticFile(path, fingerprinted=True)
            fingerprints[name] = hashed
    return StaticFiles(by_url=by_url, fingerprints=fingerprints)


@functools.cache
def static_files() -> StaticFiles:
    """Fristad's own static files and htmx, read once per process."""
    return collect({"": STATIC_DIR, f"vendor/htmx-{HTMX_VERSION}/": htmx_directory()})


def static_url(name: str) -> str:
    """The template global: ``{{ static_url("fristad.css") }}``."""
    return static_files().url(name)


@get("/static/{name:path}", include_in_schema=False, name="static")
async def serve_static(
    request: Request[Any, Any, Any], name: FromPath[str]
) -> Response[bytes] | File:
    """A static file, gzipped for a browser that takes it; a fingerprinted name is cached for a
    year, a plain one revalidated."""
    found = static_files().by_url.get(name.lstrip("/"))
    if found is None:
        raise NotFoundException()
    headers = {
        "Cache-Control": FINGERPRINTED if found.fingerprinted else PLAIN,
        "Vary": "Accept-Encoding",
    }
    if name.lstrip("/") == SERVICE_WORKER:
        headers["Service-Worker-Allowed"] = "/"  # served from /static/, it serves every page
    packed = found.gzipped
    if packed is not None and "gzip" in request.headers.get("accept-encoding", ""):
        return Response(
            packed,
            media_type=found.media_type,
            headers={**headers, "Content-Encoding": "gzip"},
        )
    return File(
        found.path, content_disposition_type="inline", media_type=found.media_type, headers=headers
    )
