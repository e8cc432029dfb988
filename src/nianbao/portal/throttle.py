"""The sign-in limit: failed sign-ins counted per address and per account in the database
(so the limit holds across the server's threads and restarts), in fixed windows.

An address may fail 30 times and one account 10 times in 15 minutes; past that, sign-in from
that address or to that account is refused for the rest of the window with a Chinese message
(HTTP 429), whether or not the code is right. A successful sign-in clears its account's count.
"""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from .models import SignInFailure

WINDOW = timedelta(minutes=15)
LIMITS = {"ip": 30, "account": 10}


def _keys(ip: str, account: str) -> list[tuple[str, int]]:
    return [(f"ip:{ip}", LIMITS["ip"]), (f"account:{account}", LIMITS["account"])]


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


def succeeded(account: str) -> None:
    SignInFailure.objects.filter(key=f"account:{account}").delete()


def clear(account: str) -> None:
    succeeded(account)
