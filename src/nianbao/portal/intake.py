"""Uploads: stored, recorded, imported in a worker, and the body's board line refreshed.

Order of a page answer (``receive`` then ``check``): the file is in the store (flushed) and its
row committed before the import starts; the import's result and the board line are committed
together. A server stopped in between leaves rows with no result, which ``recover`` checks at
the next start; a file in the store that no row names is an upload that was never answered.
"""

from __future__ import annotations

import logging
import threading
import time
from contextlib import contextmanager
from pathlib import PurePosixPath

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, Max, Q
from django.utils import timezone

from . import library, workers
from .models import Body, Collection, PreviousReport, Submission
from .store import Store

log = logging.getLogger("nianbao.portal")
NOT_A_WORKBOOK = "不是 Excel 工作簿；请上传填好的 .xlsx 文件"
REFUSED = "未采用"


def store() -> Store:
    return Store(settings.DATA)


def upload_rel(body: Body, number: int, received_at, original_name: str, orgs: list[dict]) -> str:
    """Where the export puts the upload: the body's folder (which names it, so that ``nianbao
    collect`` attributes a file it cannot open to this body), the upload's number and time,
    and the original extension (collect reads only workbook extensions)."""
    suffix = PurePosixPath(original_name.replace("\\", "/")).suffix.lower()
    if not suffix.isascii() or not suffix[1:].isalnum() or len(suffix) > 8:
        suffix = ""
    stamp = timezone.localtime(received_at).strftime("%Y-%m-%d_%H%M%S")
    return f"{library.folder_for(body.org, orgs)}/第{number}次上传_{stamp}{suffix}"


def is_workbook(rel: str) -> bool:
    return PurePosixPath(rel).suffix.lower() in library.WORKBOOK_SUFFIXES


def receive(body: Body, chunks, original_name: str, user) -> Submission:
    """Store the file and record the upload (committed before anything else happens)."""
    sha, size = store().put_stream(chunks)
    orgs = orgs_of(body.collection)
    with writing():
        _lock_body(body.pk)
        number = (body.submissions.aggregate(n=Max("number"))["n"] or 0) + 1
        now = timezone.now()
        sub = Submission.objects.create(
            body=body, number=number, sha256=sha, size=size, original_name=original_name[:255],
            rel=upload_rel(body, number, now, original_name, orgs), received_at=now, uploaded_by=user)
        Body.objects.filter(pk=body.pk).update(uploads=number, last_upload_at=now)
    return sub


_write_lock = threading.Lock()


@contextmanager
def writing():
    """A write transaction of an upload. SQLite has one writer at a time; a thread that finds
    the database locked waits in SQLite's busy handler, which sleeps in steps of up to 100 ms
    whatever the lock's holder does. So on SQLite the server's threads queue for writing here,
    on a lock that hands over at once (the server is one process; the rare other writer, a
    one-shot command, is still waited for by SQLite). PostgreSQL has row locks: no queue."""
    if connection.vendor != "sqlite":
        with transaction.atomic():
            yield
        return
    with _write_lock, transaction.atomic():
        yield


_busy: set[int] = set()
_busy_lock = threading.Lock()


@contextmanager
def one_at_a_time(body_id: int):
    """Yields whether the body may upload now: one upload of a body is received and checked at
    a time (its browser's button does not send twice; two of its clerks at once are told to
    wait). So a body that sends many heavy files at once holds at most one import worker, and
    the other bodies' uploads are answered as if it were not there."""
    with _busy_lock:
        free = body_id not in _busy
        _busy.add(body_id)
    try:
        yield free
    finally:
        if free:
            with _busy_lock:
                _busy.discard(body_id)


def check(sub: Submission) -> None:
    """Import the upload in a worker, then write its result with its body's board line (one
    transaction: an upload is checked when both are there)."""
    started = time.monotonic()
    result = None
    if is_workbook(sub.rel):
        named = store().named(sub.sha256, PurePosixPath(sub.rel).name)
        try:
            result, why = workers.pool().run(str(named))
        finally:
            Store.release(named)
        if why:
            log.warning("upload %s (%s): import failed: %s", sub.pk, sub.original_name, why)
    refresh(sub.body_id, new=(sub.pk, {
        "result": result, "imported": True, "check_ms": int(1000 * (time.monotonic() - started)),
        "state": "" if result is not None else REFUSED, "note": "" if result is not None else NOT_A_WORKBOOK}))


def recover() -> int:
    """Finish every upload the server stopped before its board line was written: import it
    if that was not done, then refresh its body's line."""
    pending = list(Submission.objects.filter(checked_at__isnull=True).order_by("pk"))
    stale = set()
    for sub in pending:
        if sub.imported:
            stale.add(sub.body_id)
        else:
            check(sub)
    for body_id in stale:
        refresh(body_id)
    return len(pending)


def _lock_body(body_id: int) -> None:
    """Lock the body's row for the transaction (PostgreSQL); on SQLite the transaction holds the
    whole database already (see writing())."""
    if connection.vendor != "sqlite":
        Body.objects.select_for_update().filter(pk=body_id).first()


_has_previous: dict[int, bool] = {}  # collection pk -> whether last year's reports were given (fixed at creation)


def previous_reports(col: Collection, codes=None) -> dict[str, dict]:
    """Last year's reports by body code (all, or of ``codes``)."""
    import json

    if col.pk not in _has_previous:
        _has_previous[col.pk] = PreviousReport.objects.filter(collection=col).exists()
    if not _has_previous[col.pk]:
        return {}
    rows = PreviousReport.objects.filter(collection=col)
    if codes is not None:
        rows = rows.filter(code__in=list(codes))
    return {r.code: json.loads(store().read(r.sha256)) for r in rows}


_orgs: dict = {}


def orgs_of(col: Collection) -> list[dict]:
    """The collection's bodies as the library's roster rows. Kept per roster version (the
    portal's roster changes only when a body is added): read twice for every upload."""
    key = (col.pk, col.roster_sha256)
    if key not in _orgs:
        _orgs.clear()
        _orgs[key] = [{"code": c, "name": n, "kind": k}
                      for c, n, k in col.bodies.order_by("position").values_list("code", "name", "kind")]
    return _orgs[key]


def uploads_of(subs) -> list[library.Upload]:
    return [library.Upload(s.number, s.rel, s.received_at.timestamp(), s.body.code, s.result)
            for s in subs if s.result is not None]


def refresh(body_id: int, new: tuple[int, dict] | None = None) -> None:
    """Write the body's board line and its uploads' states from the library's computation on
    this body's stored uploads, with ``new`` (an upload's pk and its import's fields) among
    them. The computation runs outside any transaction (SQLite has one writer at a time, and
    other bodies' uploads must not wait for it); the write checks that no upload of the body
    was checked meanwhile, and computes again if one was. Only what changed is written."""
    new_pk, new_fields = new if new else (None, {})
    while True:
        body = Body.objects.select_related("collection").get(pk=body_id)
        col = body.collection
        subs = list(body.submissions.filter(Q(imported=True) | Q(pk=new_pk)).select_related("body").order_by("number"))
        for sub in subs:
            if sub.pk == new_pk:
                for k, v in new_fields.items():
                    setattr(sub, k, v)
        out = library.build(col.year, orgs_of(col), uploads_of(subs), only=body.code,
                            previous=previous_reports(col, [body.code]) or None, summary_org=summary_org(col))
        view = library.body_view(out, body.code)
        rows, counted = _states(subs, out, body.code, view["counted_rel"])
        with writing():
            _lock_body(body_id)
            now = list(Submission.objects.filter(Q(imported=True) | Q(pk=new_pk), body_id=body_id)
                       .order_by("number").values_list("pk", flat=True))
            if now != [s.pk for s in subs]:
                continue  # another upload of this body was imported meanwhile: compute again
            checked = timezone.now()
            if new_pk is not None:
                Submission.objects.filter(pk=new_pk).update(**{**new_fields, **rows.pop(new_pk, {}), "checked_at": checked})
            for pk, fields in rows.items():
                Submission.objects.filter(pk=pk).update(**fields)
            if any(s.checked_at is None and s.pk != new_pk for s in subs):  # left by a stop: see recover()
                Submission.objects.filter(body_id=body_id, imported=True, checked_at__isnull=True).update(
                    checked_at=checked)
            Body.objects.filter(pk=body_id).update(
                status=view["status"], errors=view["errors"], warnings=view["warnings"], infos=view["infos"],
                in_summary=view["in_summary"], counted=counted)
            Collection.objects.filter(pk=col.pk).update(version=F("version") + 1)
        return


def _states(subs, out, code: str, counted_rel: str) -> tuple[dict[int, dict], int | None]:
    """{submission pk: its fields that change} for the checked uploads, and the counted one's pk."""
    rows, counted = {}, None
    for s in subs:
        if s.result is None:
            continue
        key = (code, s.number)
        report = out.reports.get(key)
        c = library.counts(report if report is not None else _unreadable_report(s))
        fields = {"state": out.state.get(key, REFUSED if key in out.notes else ""), "note": out.notes.get(key, ""),
                  "errors": c["error"], "warnings": c["warning"], "infos": c["info"]}
        fields = {k: v for k, v in fields.items() if getattr(s, k) != v}
        if s.report is None and report is not None:
            fields["report"] = report
        if counted_rel and s.rel == counted_rel:
            counted = s.pk
        if fields:
            rows[s.pk] = fields
    return rows, counted


def _unreadable_report(s: Submission) -> dict:
    return {"findings": (s.result or {}).get("findings") or []}


def summary_org(col: Collection) -> dict:
    return {"code": col.county_code, "name": col.county_name}
