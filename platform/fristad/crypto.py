"""Field encryption (Fernet, rotated with MultiFernet) and token hashing.

Keys come from ``FRISTAD_DATA_KEYS`` (newest first). Outside production, without configured keys,
a key is generated once into ``<var_dir>/data.key`` so development data is still encrypted.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from functools import cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

from fristad.settings import Settings, get_settings

__all__ = ["InvalidToken", "decrypt", "encrypt", "new_token", "token_hash"]


def _development_key(settings: Settings) -> str:
    path = settings.var_path / "data.key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as key_file:
            key_file.write(Fernet.generate_key().decode())
    return path.read_text().strip()


@cache
def _fernet(data_keys: tuple[str, ...], var_dir: str) -> MultiFernet:
    return MultiFernet([Fernet(key.encode()) for key in data_keys])


def fernet(settings: Settings | None = None) -> MultiFernet:
    """The configured keys; the first encrypts, all of them decrypt."""
    settings = settings or get_settings()
    keys = settings.data_keys or (_development_key(settings),)
    return _fernet(keys, settings.var_dir)


def encrypt(plaintext: str) -> str:
    return fernet().encrypt(plaintext.encode()).decode()


def decrypt(ciphertext: str) -> str:
    """Raises InvalidToken when no configured key opens ``ciphertext``."""
    return fernet().decrypt(ciphertext.encode()).decode()


def rotate(ciphertext: str) -> str:
    """Re-encrypt under the newest key."""
    return fernet().rotate(ciphertext.encode()).decode()


def new_token(nbytes: int = 32) -> str:
    """A URL-safe secret for links and API tokens."""
    return secrets.token_urlsafe(nbytes)


def token_hash(token: str) -> str:
    """How secrets with enough entropy are stored (a lookup key, not a password hash)."""
    return hashlib.sha256(token.encode()).hexdigest()


def same(left: str, right: str) -> bool:
    return hmac.compare_digest(left.encode(), right.encode())
