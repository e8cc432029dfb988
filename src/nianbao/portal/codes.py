"""Access codes (bodies and the county office): random, shown once, stored hashed.

A code is 16 symbols from a 32-symbol alphabet without look-alikes (no 0/O, 1/I): 80 bits,
typed as ``XXXX-XXXX-XXXX-XXXX`` (case, spaces and dashes do not matter). With the sign-in
limit (:mod:`nianbao.portal.throttle`) an online guess is hopeless, and an offline search of a
stolen database must still try about 2**79 codes through PBKDF2.
"""

from __future__ import annotations

import secrets

from django.contrib.auth.hashers import PBKDF2PasswordHasher

ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
LENGTH = 16
BITS = LENGTH * 5  # log2(32) = 5 bits a symbol
ADMIN_USERNAME = "county-admin"
assert len(set(ALPHABET)) == 32


def new_code() -> str:
    raw = "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))
    return "-".join(raw[i:i + 4] for i in range(0, LENGTH, 4))


def normalise(typed: str) -> str:
    """The code as typed, in the stored form: upper case, grouped by four."""
    raw = "".join(ch for ch in (typed or "").upper() if ch.isalnum())
    return "-".join(raw[i:i + 4] for i in range(0, len(raw), 4))


class AccessCodeHasher(PBKDF2PasswordHasher):
    """Django's PBKDF2-SHA256 with fewer rounds: the rounds of Django's default exist to slow
    the search of a human-chosen password; an 80-bit random code needs no slowing, and the
    default's 0.2 s a code would make printing a county's codes take minutes."""

    algorithm = "nianbao_pbkdf2_sha256"
    iterations = 20_000


def username_for(collection_id: int, code: str) -> str:
    return f"body:{collection_id}:{code}"
