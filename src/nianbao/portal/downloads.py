"""What the county office downloads, recomputed from the stored uploads by the library's
collect code: the files ``nianbao collect`` writes (status.xlsx/.csv, 反馈/, reports/,
summary.xlsx/.json), what ``nianbao export`` makes of them, every body's template, and the
export of every stored file laid out as an inbox on which ``nianbao collect`` gives the same
board.

The collect files are made once per version of the board (any checked upload or county change
bumps it) and kept in memory for the next download.
"""

from __future__ import annotations

import io
import os
import shutil
import threading
import zipfile
from datetime import datetime
from pathlib import Path, PurePosixPath

from django.utils import timezone

from . import library
from .intake import orgs_of, previous_reports, store, summary_org, uploads_of
from .models import Collection, PreviousReport, Submission

INBOX, PREVIOUS, OTHERS = "收件箱", "上年报告", "其他上传"
_lock = threading.Lock()
_cache: dict = {"key": None, "files": None}


def roster(col: Collection) -> tuple[list[dict], list[dict]]:
    """The portal's roster (名册.csv) read as collect reads it: rows and findings."""
    path = store().named(col.roster_sha256, library.ROSTER_NAME)
    try:
        rows, findings, _ = library.read_roster(path, library.ROSTER_NAME, col.year)
    finally:
        store().release(path)
    return rows, findings


def outcome(col: Collection) -> library.Outcome:
    subs = (Submission.objects.filter(body__collection=col, imported=True, result__isnull=False)
            .select_related("body").order_by("body__position", "number"))
    rows, findings = roster(col)
    return library.build(col.year, rows, uploads_of(subs), previous=previous_reports(col) or None,
                         roster_findings=findings, summary_org=summary_org(col))


def collect_files(col: Collection) -> dict[str, bytes]:
    """Everything ``nianbao collect`` writes into OUT, and export.sqlite / export.csv /
    export.findings.csv (``nianbao export OUT``), for the collection as it is now."""
    with _lock:
        version = Collection.objects.filter(pk=col.pk).values_list("version", flat=True).first()
        key = (col.pk, version)
        if _cache["key"] != key:
            out = outcome(col)
            files = library.outputs(out)
            files.update(library.export_files(files))
            _cache.update(key=key, files=files)
        return _cache["files"]


def templates_zip(col: Collection) -> bytes:
    previous = previous_reports(col)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for org in orgs_of(col):
            name, data = library.template(col.year, org, previous.get(org["code"]))
            z.writestr(_info(f"{col.year}年度模板/{name}", timezone.now()), data)
    return buf.getvalue()


def feedback_zip(files: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    now = timezone.now()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for rel, data in sorted(files.items()):
            if rel.startswith("反馈/"):
                z.writestr(_info(rel, now), data)
    return buf.getvalue()


# ---- the export of every stored file ---------------------------------------------------------

def export_tree(col: Collection) -> dict[str, tuple[bytes | None, str, float]]:
    """rel path -> (bytes or None, sha256 in the store, file time) of the export folder:
    ``收件箱/`` (the uploads the board is made of, each file's time the time it was received),
    ``名册.csv``, ``上年报告/reports/`` and ``其他上传/`` (uploads that do not count: another
    body's or year's workbook, not a workbook, or set aside), and ``说明.txt``."""
    out = outcome(col)
    tree: dict[str, tuple[bytes | None, str, float]] = {}
    now = timezone.now().timestamp()
    for s in (Submission.objects.filter(body__collection=col).select_related("body").order_by("pk")):
        listed = (s.body.code, s.number) in out.listed
        rel = f"{INBOX if listed else OTHERS}/{s.rel}"
        tree[rel] = (None, s.sha256, s.received_at.timestamp())
    tree[library.ROSTER_NAME] = (store().read(col.roster_sha256), col.roster_sha256, now)
    for p in PreviousReport.objects.filter(collection=col):
        tree[f"{PREVIOUS}/reports/{p.code}.json"] = (None, p.sha256, now)
    tree["说明.txt"] = (readme(col).encode("utf-8"), "", now)
    return tree


def collect_command(col: Collection) -> str:
    cmd = f"nianbao collect {INBOX} --roster {library.ROSTER_NAME} --year {col.year} -o 收集结果"
    if PreviousReport.objects.filter(collection=col).exists():
        cmd += f" --previous {PREVIOUS}"
    cmd += f" --name {_arg(col.county_name)}"
    if col.county_code:
        cmd += f" --code {_arg(col.county_code)}"
    return cmd


def _arg(value: str) -> str:
    """A command-line argument as typed in cmd.exe and in a POSIX shell alike (names hold no
    double quote: the roster's rule, checked when the collection is made)."""
    return f'"{value}"' if any(c.isspace() for c in value) else value


def readme(col: Collection) -> str:
    return (f"{col.county_name}{col.year}年度年报收集平台导出（{timezone.localtime():%Y-%m-%d %H:%M}）\n\n"
            f"{INBOX}/：各单位计入收集情况的上传文件（原样保存，文件时间为收到时间），每个单位一个文件夹。\n"
            f"{library.ROSTER_NAME}：名册。\n"
            + (f"{PREVIOUS}/reports/：上年各单位报告，用于跨年度核对。\n"
               if PreviousReport.objects.filter(collection=col).exists() else "")
            + f"{OTHERS}/：不计入的上传（其他单位或年度的表、不是 Excel 工作簿、已被后来的上传替代）。\n\n"
            f"在本文件夹中运行下面的命令，得到与平台相同的收集情况表、反馈和汇总：\n\n"
            f"    {collect_command(col)}\n")


def write_export(col: Collection, folder: Path) -> int:
    """Write the export into ``folder`` (files' times set); returns the number of files."""
    tree = export_tree(col)
    for rel, (data, sha, when) in tree.items():
        path = Path(folder) / rel
        library.atomic_write(path, data if data is not None else store().read(sha))
        os.utime(path, ns=(int(round(when * 1e6)) * 1000,) * 2)
    return len(tree)


def export_zip(col: Collection, out) -> None:
    """The export as a zip, written into the binary file ``out`` (a temporary file: every upload
    of a county does not fit in memory on an office PC), one stored file at a time. Each entry's
    time is the time received (Beijing time, to the 2 seconds a zip holds) plus the exact time
    in the extended-time field unzip tools read."""
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for rel, (data, sha, when) in sorted(export_tree(col).items()):
            info = _info(rel, datetime.fromtimestamp(when, timezone.get_current_timezone()))
            info.extra = b"UT" + (5).to_bytes(2, "little") + b"\x01" + int(when).to_bytes(4, "little")
            if data is not None:
                z.writestr(info, data)
                continue
            with open(store().path(sha), "rb") as src, z.open(info, "w") as dst:
                shutil.copyfileobj(src, dst, 1 << 20)


def _info(name: str, when) -> zipfile.ZipInfo:
    local = timezone.localtime(when) if timezone.is_aware(when) else when
    info = zipfile.ZipInfo(name, date_time=local.timetuple()[:6])
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    info.flag_bits |= 0x800  # UTF-8 names: Chinese file names unzip correctly
    return info


def stored_name(s: Submission) -> str:
    return PurePosixPath(s.original_name.replace("\\", "/")).name or PurePosixPath(s.rel).name
