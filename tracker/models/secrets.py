"""Columns that hold a user's secret (an Apprise URL carries its service's token), encrypted at
rest so that a database dump, a backup or a replica does not give the secret away.

Fernet (AES-128-CBC with HMAC-SHA256, from `cryptography`) under keys derived with HKDF from
`SECRET_KEY` and then each of `SECRET_KEY_FALLBACKS`: a value is encrypted with the first and
read with any, so rotating the secret key the Django way (the old key moved to the fallbacks)
keeps every value readable, and `manage.py reencrypt_channels` moves them to the new key. A
value no key decrypts reads as an `Unreadable` (never an exception): its readers say so.
docs/security.md has the rest."""

import base64
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.db import models
from django.utils.encoding import force_bytes

# Binds the derived keys to this use of SECRET_KEY (Django signs with it too). Fixed for good:
# a new context would make every stored value unreadable, as a lost key does.
KEY_CONTEXT = b"commitment-tracker encrypted column v1"


class SecretUnreadable(Exception):
    """No key decrypts the value: the key it was encrypted with is gone, or it was altered."""


class Unreadable(str):
    """What an encrypted column reads as when no key decrypts it: an empty text, so that a
    reader who forgot to check finds no URL rather than a crash, carrying the stored
    ciphertext, which saving the row writes back unchanged (the old key may come back)."""

    ciphertext: str

    def __new__(cls, ciphertext: str) -> "Unreadable":
        value = super().__new__(cls, "")
        value.ciphertext = ciphertext
        return value

    def __repr__(self) -> str:
        return "Unreadable()"


def _derived_key(secret: str | bytes) -> bytes:
    hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=KEY_CONTEXT)
    return base64.urlsafe_b64encode(hkdf.derive(force_bytes(secret)))


@lru_cache(maxsize=8)
def _fernet_for(secrets: tuple[str | bytes, ...]) -> MultiFernet:
    return MultiFernet([Fernet(_derived_key(secret)) for secret in secrets])


def _keys() -> MultiFernet:
    return _fernet_for((settings.SECRET_KEY, *settings.SECRET_KEY_FALLBACKS))


def encrypt(text: str) -> str:
    """A Fernet token of `text` under the current SECRET_KEY (ASCII; a new one at each call)."""
    return _keys().encrypt(text.encode()).decode("ascii")


def decrypt(token: str) -> str:
    """`token`'s text, read with SECRET_KEY or any of SECRET_KEY_FALLBACKS; SecretUnreadable
    if none reads it."""
    try:
        return _keys().decrypt(token).decode()
    except (InvalidToken, ValueError):  # ValueError: not even a token (non-ASCII, not UTF-8)
        raise SecretUnreadable from None


def under_current_key(token: str) -> bool:
    """Whether `token` was encrypted with today's SECRET_KEY (not with a fallback)."""
    try:
        _fernet_for((settings.SECRET_KEY,)).decrypt(token)
    except (InvalidToken, ValueError):
        return False
    return True


class EncryptedTextField(models.TextField):
    """A text stored as a Fernet token (a text column: a token is longer than its text);
    `max_length` limits the text, not the token. The empty text is stored empty, so that a
    check constraint such as `~Q(url="")` still means "has a value". Only `exact` (against
    "") and `isnull` lookups exist: each encryption differs, so no other comparison could
    match."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if self.max_length is not None:
            self.validators.append(MaxLengthValidator(self.max_length))

    def from_db_value(self, value, expression, connection):
        if not value:
            return value
        try:
            return decrypt(value)
        except SecretUnreadable:
            return Unreadable(value)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if isinstance(value, Unreadable):
            return value.ciphertext
        if not value:
            return value
        return encrypt(value)

    def get_lookup(self, lookup_name: str):
        if lookup_name not in ("exact", "isnull"):
            return None
        return super().get_lookup(lookup_name)
