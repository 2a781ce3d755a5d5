"""Secrets qdialog must keep to use them later (a sign-on connection's client secret), sealed in
the database: whoever holds a copy of the database or a backup without the server's
SECRET_KEY cannot read them.

`seal()` encrypts with a key derived from SECRET_KEY (HKDF-SHA256, then AES-256-GCM with a
random nonce, which also detects any change to the sealed value). `unseal()` also tries the
keys derived from SECRET_KEY_FALLBACKS, so SECRET_KEY can be rotated as Django documents it:
the new key in SECRET_KEY, the old one in SECRET_KEY_FALLBACKS until `qdialog reseal-secrets`
ran. A value without the prefix is returned as it is (a secret stored before sealing existed;
the migration that brought sealing sealed them).
"""

from __future__ import annotations

import base64
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

PREFIX = "sealed:v1:"
_CONTEXT = b"qdialog sealing v1"
#: a sealed value must fit allauth's SocialApp.secret (191 characters): up to this many
#: characters of secret
MAX_LENGTH = 100


class Unreadable(Exception):
    """A sealed value that none of the configured keys opens (SECRET_KEY changed without
    keeping the old one in SECRET_KEY_FALLBACKS)."""


def _key(secret_key: str) -> AESGCM:
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None,
               info=_CONTEXT).derive(secret_key.encode())
    return AESGCM(key)


def _keys() -> list[AESGCM]:
    return [_key(settings.SECRET_KEY)] + [_key(k) for k in
                                          getattr(settings, "SECRET_KEY_FALLBACKS", [])]


def is_sealed(value: str) -> bool:
    return bool(value) and value.startswith(PREFIX)


def seal(value: str) -> str:
    if not value or is_sealed(value):
        return value
    nonce = os.urandom(12)
    sealed = nonce + _keys()[0].encrypt(nonce, value.encode(), _CONTEXT)
    return PREFIX + base64.urlsafe_b64encode(sealed).decode().rstrip("=")


def unseal(value: str) -> str:
    if not is_sealed(value):
        return value
    raw = value[len(PREFIX):]
    try:
        data = base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4))
    except ValueError as error:
        raise Unreadable("a sealed secret is damaged") from error
    nonce, body = data[:12], data[12:]
    for key in _keys():
        try:
            return key.decrypt(nonce, body, _CONTEXT).decode()
        except InvalidTag:
            continue
    raise Unreadable("a sealed secret cannot be opened with SECRET_KEY or SECRET_KEY_FALLBACKS")


def reseal(value: str) -> str:
    """The value sealed with the current SECRET_KEY (after a rotation)."""
    return seal(unseal(value))
