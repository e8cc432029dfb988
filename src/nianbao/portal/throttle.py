"""The sign-in limit: failed sign-ins counted in the database (so the limit holds across the
server's threads and restarts), in fixed windows of 15 minutes, per address and per account
*from that address*.

- One computer may fail 10 times for one account (a body, or the county office); past that,
  that computer is refused for that account for the rest of the window, whether or not the code
  is right. Failures from other computers do not count: body codes are public (the roster), and
  anyone could otherwise keep a body from signing in on the last day by typing wrong codes.
- One address may fail 100 times in all: many townships often reach the county through one NAT
  address (or a reverse proxy not named with ``--proxy``), and their typing mistakes must not
  lock them all out; a machine trying codes is still stopped after a hundred.

An access code is 80 random bits, so neither limit is what stops guessing (a million years of
tries would not find one); they bound the work and the noise one source can make. Refused
attempts are not checked at all (no hash is computed). A successful sign-in clears its count.
"""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from .models import SignInFailure

WINDOW = timedelta(minutes=15)
LIMITS = {"ip": 100, "account": 10}


def _keys(ip: str, account: str) -> list[tuple[str, int]]:
    return [(f"ip:{ip}", LIMITS["ip"]), (_account_key(ip, account), LIMITS["account"])]


def _account_key(ip: str, account: str) -> str:
    return f"account:{account}@{ip}"


def blocked(ip: str, account: str) -> bool:
    now = timezone.now()
    for key, limit in _keys(ip, account):
        row = SignInFailure.objects.filter(key=key).first()
        if row and now - row.window_start < WINDOW and row.failures >= limit:
            return True
    return False


def failed(ip: str, account: str) -> None:
    now = timezone.now()
    for key, _ in _keys(ip, account):
        with transaction.atomic():
            row, created = SignInFailure.objects.select_for_update().get_or_create(
                key=key, defaults={"window_start": now, "failures": 1})
            if created:
                continue
            if now - row.window_start >= WINDOW:
                row.window_start, row.failures = now, 1
                row.save()
            else:
                SignInFailure.objects.filter(pk=row.pk).update(failures=F("failures") + 1)


def succeeded(ip: str, account: str) -> None:
    SignInFailure.objects.filter(key=_account_key(ip, account)).delete()


def clear(account: str) -> None:
    """A new code for the account: its counts from every address start again."""
    SignInFailure.objects.filter(key__startswith=f"account:{account}@").delete()


def forget_old() -> None:
    """Drop the counts of windows that have ended (at start: the table holds only live ones)."""
    SignInFailure.objects.filter(window_start__lt=timezone.now() - WINDOW).delete()
