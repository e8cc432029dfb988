"""The county office's actions: create the year's collection from a roster, issue and revoke
access codes, add a late body, accept or reopen a body's submission, the admin code."""

from __future__ import annotations

import json
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone

from . import codes, library, throttle
from .intake import store
from .models import Body, Collection, PreviousReport, Submission


class CannotDo(Exception):
    """The action cannot be done; the message says why in Chinese."""


@dataclass
class Created:
    collection: Collection
    codes: list[tuple[Body, str]]
    roster_notes: list[str] = field(default_factory=list)
    previous_notes: list[str] = field(default_factory=list)


def current() -> Collection | None:
    return Collection.objects.order_by("-year").first()


def _named_files(tmp: Path, files) -> list[Path]:
    """Uploaded files written under their own (sanitised) names, for library readers that
    take a report's or a roster's file name from its path."""
    out = []
    for n, f in enumerate(files):
        name = Path(str(f.name).replace("\\", "/")).name or f"file{n}"
        path = tmp / str(n) / name
        path.parent.mkdir(parents=True)
        with open(path, "wb") as fh:
            for chunk in f.chunks():
                fh.write(chunk)
        out.append(path)
    return out


def create(year: int, county_name: str, county_code: str, roster_file, previous_files=()) -> Created:
    """The year's collection. Only the newest year is open to the bodies (:func:`current`), so a
    new one must be later than every other; ``roster_file`` None takes the roster of the latest
    collection (late bodies included)."""
    if Collection.objects.filter(year=year).exists():
        raise CannotDo(f"{year}年度的收集已经建立，不能重复建立")
    latest = current()
    if latest is not None and year < latest.year:
        raise CannotDo(f"已有{latest.year}年度的收集，只能开始更晚年度（如{latest.year + 1}年度）的收集")
    if roster_file is None:
        if latest is None:
            raise CannotDo("请选择名册文件（CSV 或 Excel）。")
        from django.core.files.uploadedfile import SimpleUploadedFile

        roster_file = SimpleUploadedFile(library.ROSTER_NAME, store().read(latest.roster_sha256))
    try:
        library.format_for(year)
    except KeyError:
        raise CannotDo(f"没有适用于{year}年度的报告格式，请核对报告年度") from None
    if not county_name.strip():
        raise CannotDo("请填写汇总单位名称（如“青山县”）")
    for what, value in (("汇总单位名称", county_name), ("汇总单位代码", county_code)):
        bad = library.unusable_chars(value)  # it names every download, and the summary's files
        if bad:
            raise CannotDo(f"{what}中有文件名不能使用的字符（{'、'.join(bad)}），请删去后重试")
        if len(value.strip()) > 60:
            raise CannotDo(f"{what}过长，请用不超过60字的规范名称")
    with tempfile.TemporaryDirectory(prefix="nianbao-portal-") as tmp:
        roster_path = _named_files(Path(tmp), [roster_file])[0]
        rows, findings, texts = library.read_roster(roster_path, roster_path.name, year)
        if not rows:
            raise CannotDo("名册无法使用：" + "；".join(texts or ["没有任何单位"]))
        upload_sha = store().put(roster_path.read_bytes())
        previous: dict[str, Any] = {}
        previous_notes: list[str] = []
        if previous_files:
            paths = _named_files(Path(tmp) / "previous", previous_files)
            previous, previous_notes = library.load_previous(paths, year)
    previous = {**_previous_from_portal(year), **previous}
    roster_sha = store().put(library.roster_csv(rows))
    with transaction.atomic():
        col = Collection.objects.create(year=year, county_name=county_name.strip(),
                                        county_code=county_code.strip(), roster_sha256=roster_sha,
                                        roster_upload_name=roster_path.name[:255],
                                        roster_upload_sha256=upload_sha)
        bodies = [Body.objects.create(collection=col, position=i, **org) for i, org in enumerate(rows, 1)]
        known = {b.code for b in bodies}
        for code, report in previous.items():
            if code in known:
                PreviousReport.objects.create(collection=col, code=code, sha256=store().put(library.dumps(report)))
        issued = [(b, issue_code(b)) for b in bodies]
    return Created(col, issued, texts, previous_notes)


def _previous_from_portal(year: int) -> dict[str, Any]:
    """Last year's counted reports when last year's collection is in this portal."""
    from .downloads import outcome

    last = Collection.objects.filter(year=year - 1).first()
    if last is None:
        return {}
    out = outcome(last)
    return {b.org.code: b.used.report for b in out.collection.bodies if b.used is not None}


def issue_code(body: Body) -> str:
    """A new access code for the body (the old one stops working, its sessions end)."""
    User = get_user_model()
    code = codes.new_code()
    with transaction.atomic():
        if body.user_id is None:
            user = User.objects.create(username=codes.username_for(body.collection_id, body.code))
            body.user = user
        else:
            user = body.user
        user.set_password(code)  # a new hash also ends every session signed in with the old one
        user.is_active = True
        user.save()
        body.code_issued_at = timezone.now()
        body.save(update_fields=["user", "code_issued_at"])
    throttle.clear(account_key(body))
    return code


def issue_all(col: Collection) -> list[tuple[Body, str]]:
    with transaction.atomic():
        return [(b, issue_code(b)) for b in col.bodies.select_related("user").order_by("position")]


def revoke(body: Body) -> None:
    """The body's code stops working and its sessions end (Django signs no inactive user in,
    nor keeps one signed in). The hash stays, so that the right code, typed again, is told
    that it was revoked rather than that it is wrong."""
    if body.user_id is None:
        return
    user = body.user
    user.is_active = False
    user.save(update_fields=["is_active"])
    Body.objects.filter(pk=body.pk).update(code_issued_at=None)


def add_body(col: Collection, code: str, name: str, kind: str) -> tuple[Body, str]:
    org = {"code": code.strip(), "name": name.strip(), "kind": kind.strip()}
    problems = library.check_org(org, col.year)
    if problems:
        raise CannotDo("；".join(problems))
    with transaction.atomic():
        if col.bodies.filter(code=org["code"]).exists():
            raise CannotDo(f"单位代码“{org['code']}”已在名册中")
        position = (col.bodies.aggregate(n=Max("position"))["n"] or 0) + 1
        body = Body.objects.create(collection=col, position=position, added_late=True, **org)
        orgs = [{"code": c, "name": n, "kind": k}
                for c, n, k in col.bodies.order_by("position").values_list("code", "name", "kind")]
        col.roster_sha256 = store().put(library.roster_csv(orgs))
        col.save(update_fields=["roster_sha256"])
        Collection.objects.filter(pk=col.pk).update(version=F("version") + 1)
        return body, issue_code(body)


def accept(body: Body) -> None:
    if body.counted_id is None:
        raise CannotDo("该单位还没有可采用的提交，无法确认接收")
    Body.objects.filter(pk=body.pk).update(accepted=body.counted_id, accepted_at=timezone.now())
    Collection.objects.filter(pk=body.collection_id).update(version=F("version") + 1)


def reopen(body: Body, note: str) -> None:
    Body.objects.filter(pk=body.pk).update(accepted=None, accepted_at=None, reopened_at=timezone.now(),
                                           reopen_note=note.strip()[:500])
    Collection.objects.filter(pk=body.collection_id).update(version=F("version") + 1)


def account_key(body: Body) -> str:
    return f"body:{body.collection_id}:{body.code}"


def set_admin_code() -> str:
    """A new random admin code (the old one stops working); returns it."""
    User = get_user_model()
    code = codes.new_code()
    user, _ = User.objects.get_or_create(username=codes.ADMIN_USERNAME)
    user.is_staff = True
    user.is_active = True
    user.set_password(code)
    user.save()
    throttle.clear("admin")
    return code


def has_admin() -> bool:
    return get_user_model().objects.filter(username=codes.ADMIN_USERNAME).exists()


def previous_json(col: Collection, code: str) -> dict | None:
    row = PreviousReport.objects.filter(collection=col, code=code).first()
    return json.loads(store().read(row.sha256)) if row else None


def submissions_of(body: Body):
    return Submission.objects.filter(body=body).order_by("-number")
