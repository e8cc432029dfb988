"""Every call the portal makes into the nianbao library, in one place.

The portal is a shell like the CLI: it resolves inputs, calls the library and presents what it
returns. Keeping all of those calls here means that when the library changes, this is the one
module to change. Nothing here imports Django: the import workers load this module alone.

It calls the library's public face, :mod:`nianbao.api` (templates, checking a workbook, the
roster, last year's reports, the files collect writes, rendering, the export), and reaches
inside only where that face has no call for what the portal does: a body's uploads are
classified and assembled by ``nianbao.collection``'s own functions with the portal's order
(the latest *upload* counts, an upload counts only for the body that sent it, one body's line
at a time) — ``api.collect_submissions`` chooses by the workbooks' saved time, for the whole
county; and the roster's row checks, its forbidden characters, the format's body kinds and
the feedback's rows, which the face does not offer either.

Uploads are held as *stored imports*: the import result as plain data (JSON in the database),
so that the board, the summary and every download are recomputed from the stored files'
results without importing again, through the same ``collect`` code ``nianbao collect`` runs.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from .. import collection as _collect
from .. import states as _states

# Board words and file states, as the library spells them.
PASSED, WARNINGS, ERRORS, MISSING = _states.PASSED, _states.WARNINGS, _states.ERRORS, _states.MISSING
UNREADABLE = _states.UNREADABLE
STATE_ZH = dict(_states.STATE_ZH)
STATUSES = (PASSED, WARNINGS, ERRORS, MISSING)
# Extensions the importer recognises as spreadsheets (readable or refused with their own message).
WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".et", ".ett", ".xltx", ".ods", ".ots", ".fods", ".xlsb")
ROSTER_NAME = "名册.csv"


# ---- the roster ------------------------------------------------------------------------------

def read_roster(path: Path, name: str, year: int) -> tuple[list[dict], list[dict], list[str]]:
    """The usable rows (``code, name, kind``) of a roster file (CSV in UTF-8/GBK or .xlsx), its
    findings as collect passes them to the board (the file named ``name``), and the same
    findings as sentences for the county's page. The body kinds are those of ``year``'s format."""
    from .. import api
    from ..roster import skipped

    roster = api.read_roster(path, year)
    for f in roster.findings:
        f.file = name
    return ([{"code": o.code, "name": o.name, "kind": o.kind} for o in roster.orgs],
            [f.to_dict() for f in roster.findings], [f"{f.message()}{skipped(f)}" for f in roster.findings])


def check_org(org: dict, year: int) -> list[str]:
    """Why a body cannot be added (empty when it can): the roster's own checks of one row."""
    from ..roster import check_org as check

    return [f.message() for f in check(org, None, format_for(year)) if f.severity == "error"]


def unusable_chars(value: str) -> list[str]:
    """The characters of ``value`` a file name cannot hold (the roster's own rule), shown."""
    from ..roster import BAD

    return [repr(c)[1:-1] for c in sorted({c for c in value if c in BAD})]


def body_kinds(year: int) -> tuple[str, ...]:
    return format_for(year).body_kinds


def format_for(year: int):
    """The report format in force for ``year`` (the one collect and template choose)."""
    from ..spec import format_for_year

    return format_for_year(year)


def roster_csv(orgs: list[dict]) -> bytes:
    """The roster as ``nianbao collect --roster`` reads it (UTF-8 CSV with a BOM)."""
    from ..export import csv_bytes

    return csv_bytes(("单位代码", "单位名称", "单位类型"), [[o["code"], o["name"], o["kind"]] for o in orgs])


# ---- last year's reports ---------------------------------------------------------------------

def load_previous(paths: list[Path], year: int) -> tuple[dict[str, Any], list[str]]:
    """Last year's report JSONs by org code (as ``collect --previous`` reads them), and what was
    wrong with the others (Chinese sentences)."""
    from .. import api

    found, findings = api.load_previous(paths, year)
    return found, [f.message() for f in findings]


# ---- templates -------------------------------------------------------------------------------

def template(year: int, org: dict, previous: dict | None) -> tuple[str, bytes]:
    """(file name, bytes) of a body's template, pre-filled from last year's report if given."""
    from .. import api

    return api.template_name(year, org), api.template(year, dict(org), previous=_report(previous))


# ---- importing (in a worker process) ---------------------------------------------------------

def load_importer() -> None:
    """Load what importing needs (an import worker does this before its first upload)."""
    from .. import importer, rules  # noqa: F401
    from ..findings import catalogue

    catalogue()


def import_file(path: str) -> dict:
    """Import one stored upload (the file at ``path``, named as the export names it) and return
    the result as plain data: what :class:`Stored` holds and the database keeps."""
    from .. import api

    r = api.check(Path(path))
    return {"report": r.report.to_json() if r.report is not None else None,
            "readable": r.readable, "sha256": r.sha256,
            "findings": [f.to_dict() for f in r.findings], "meta": r.meta,
            "saved_at": r.saved_at if r.saved_at is None else str(r.saved_at)}


def ran_out_of_memory(result: dict) -> bool:
    """The importer turns any unexpected error into the file's finding; a MemoryError there
    means the worker hit its memory limit."""
    return any(str((f.get("params") or {}).get("detail", "")).startswith("MemoryError")
               for f in result.get("findings") or ())


def failed_import(reason: str) -> dict:
    """The stored result of an upload the worker could not import (time or memory limit)."""
    from ..importer import UNEXPECTED

    return {"report": None, "readable": False, "sha256": "", "meta": {}, "saved_at": None,
            "findings": [UNEXPECTED(detail=reason).to_dict()]}


@dataclass
class Stored:
    """An import result as the library's collect code reads one (see ``importer.ImportResult``)."""

    report: object  # nianbao.report.Report, or None
    readable: bool
    sha256: str
    findings: list = field(default_factory=list)  # nianbao.findings.Finding
    meta: dict = field(default_factory=dict)
    saved_at: str | None = None

    @classmethod
    def of(cls, data: dict) -> "Stored":
        from ..findings import Finding

        return cls(_report(data.get("report")), bool(data.get("readable")), data.get("sha256") or "",
                   [Finding.from_dict(f) for f in data.get("findings") or ()], dict(data.get("meta") or {}),
                   data.get("saved_at"))


def _report(data):
    """A report as the library takes it, from the JSON the portal keeps (None stays None)."""
    from ..report import Report

    return data if data is None or isinstance(data, Report) else Report.from_json(data)


@dataclass
class Upload:
    """One stored upload of a body, as the portal hands it to the library."""

    number: int  # 1, 2, … per body, in the order received
    rel: str  # where the export puts it, relative to the inbox
    received: float  # POSIX time it was received (the exported file's time)
    code: str  # the body that uploaded it
    result: dict  # import_file's result


# ---- classifying uploads and building the collection ----------------------------------------

_LAST_ROSTER: tuple = (None, {})  # (the roster list last given, its Orgs by code)


def _roster(orgs: list[dict]) -> dict:
    """The roster's Orgs by code. The portal passes the same list for as long as its roster does
    not change, so they are made once, not for every upload (a county has a thousand)."""
    global _LAST_ROSTER
    given, made = _LAST_ROSTER
    if given is not orgs:
        made = {o["code"]: _collect.org_of(o) for o in orgs}
        _LAST_ROSTER = (orgs, made)
    return made


def _classified(uploads: list[Upload], orgs: list[dict], year: int):
    """Entries classified by collect's own code; an upload counts for its uploader only."""
    stored = [Stored.of(u.result) for u in uploads]
    pairs = [(_collect.entry_of(st, u.rel, u.received), st) for u, st in zip(uploads, stored)]
    entries, _ = _collect.classify_entries(pairs, _roster(orgs), year)
    return entries


def refusal(entry, upload: Upload, orgs: list[dict]) -> str:
    """Why an upload cannot count for the body that uploaded it ("" when it can)."""
    if entry.state == UNREADABLE:
        return ""
    if entry.code is None:
        return entry.note or STATE_ZH.get(entry.state, "")
    if entry.code != upload.code:
        org = next(o for o in orgs if o["code"] == entry.code)
        return f"这是{org['name']}（{org['code']}）的报表，不是本单位的；请下载本单位的模板填写后上传"
    return ""


def _order(uploads: dict[int, Upload]):
    """The portal's order: the later upload counts (see docs/portal.md)."""
    return lambda e: uploads[id(e)].number


def _listed(entries: list, numbers: dict[int, int]) -> set[int]:
    """The uploads a body's inbox holds (the others are set aside): walking back from the
    newest, an upload stays only if collect's own order also puts it before every newer one
    kept, so that ``nianbao collect`` on the export chooses what the portal chose. Readable and
    unreadable uploads are walked separately, as collect compares them separately."""
    keep: set[int] = set()
    for group in ([e for e in entries if e.state != UNREADABLE], [e for e in entries if e.state == UNREADABLE]):
        bound = None
        for e in sorted(group, key=lambda x: numbers[id(x)], reverse=True):
            k = _collect._order_key(e)
            if bound is None or k < bound:
                keep.add(id(e))
                bound = k
    return keep


@dataclass
class Outcome:
    """What became of each upload, and the collection made of the kept ones."""

    collection: _collect.Collection
    state: dict[tuple[str, int], str]  # (code, number) -> its state on the board (Chinese)
    notes: dict[tuple[str, int], str]  # (code, number) -> why not counted
    listed: set[tuple[str, int]]  # (code, number) of the uploads in the export's inbox
    reports: dict = field(default_factory=dict)  # (code, number) -> its report as classified (roster name, cross-year)


def build(year: int, orgs: list[dict], uploads: list[Upload], *, previous: dict | None = None,
          roster_findings=(), summary_org: dict | None = None, only: str | None = None) -> Outcome:
    """The collection of the stored uploads, with the portal's choice (the latest upload of a
    body that can be read counts), through ``collect.assemble`` — the code ``nianbao collect``
    runs on an inbox. Uploads are taken in the order collect reads the export's inbox (sorted
    paths), so the board lists them as collect does. ``only`` (a body's code): classify against
    the whole roster but assemble that body alone — its line of the board, at the cost of one
    body instead of the county's (its folder names it alone: :func:`folder_for`)."""
    uploads = sorted(uploads, key=lambda u: PurePosixPath(u.rel).parts)
    entries = _classified(uploads, orgs, year)
    by_id = {id(e): u for e, u in zip(entries, uploads)}
    notes: dict[tuple[str, int], str] = {}
    per_body: dict[str, list[Any]] = {}
    kept: list[Any] = []
    groups: dict[str, list] = {}
    for e, u in zip(entries, uploads):
        why = refusal(e, u, orgs)
        if why:
            notes[(u.code, u.number)] = why
        else:
            groups.setdefault(u.code, []).append(e)
    listed, aside = set(), set()
    for code, group in groups.items():
        keep = _listed(group, {id(e): by_id[id(e)].number for e in group})
        for e in group:
            u = by_id[id(e)]
            if id(e) not in keep:  # counts shown as any other; the export sets it aside (docs/portal.md)
                aside.add((code, u.number))
                continue
            listed.add((code, u.number))
            kept.append(e)
            if e.state != UNREADABLE:
                per_body.setdefault(code, []).append(e)
    board_orgs = orgs if only is None else [o for o in orgs if o["code"] == only]
    previous = {c: _report(r) for c, r in (previous or {}).items()} or None
    col = _collect.assemble(year, board_orgs, kept, per_body, order=_order(by_id), previous=previous,
                            roster_findings=roster_findings, summary_org=summary_org)
    states, reports = {}, {}
    for e, u in zip(entries, uploads):
        key = (u.code, u.number)
        if key in listed:
            states[key] = STATE_ZH.get(e.state, e.state)
        elif key in aside:
            states[key] = STATE_ZH[_states.SUPERSEDED]
        if e.report is not None:
            reports[key] = e.report.to_json()
    return Outcome(col, states, notes, listed, reports)


def folder_for(org: dict, orgs: list[dict]) -> str:
    """A body's folder in the exported inbox: ``<code>_<name>``, which ``nianbao collect`` reads
    to attribute a file it cannot open to this body — or the code alone when the name would
    also name another body."""
    folder = f"{org['code']}_{org['name']}"
    # only bodies whose code or name occurs in it can be named by it (names_in compiles a pattern
    # per body: a county's thousand would cost a third of a second an upload)
    flat = "".join(folder.split())
    near = [o for o in orgs if any(v and "".join(v.split()) in flat for v in (o["code"], o["name"]))]
    return folder if _collect.names_in(folder, [_collect.org_of(o) for o in near]) == [org["code"]] else org["code"]


def body_view(outcome: Outcome, code: str) -> dict:
    """A body's line of the board, computed by the library: status, counts, whether summed."""
    col = outcome.collection
    body = next(b for b in col.bodies if b.org.code == code)
    members = {m.code for m in col.summary.members or ()}
    counts = body.used.counts() if body.used else {"error": len(body.unreadable), "warning": 0, "info": 0}
    return {"status": body.status, "errors": counts["error"], "warnings": counts["warning"],
            "infos": counts["info"], "counted_rel": body.used.rel if body.used else "",
            "in_summary": code in members}


# ---- what a body and the county read --------------------------------------------------------

def finding_rows(report: dict | None, result: dict) -> list[dict]:
    """The findings of an upload as the feedback file lists them (errors first), each with the
    sheet, the cell, the message and how to fix it."""
    from ..feedback import rows
    from ..findings import catalogue

    if report is None:  # could not be read: the importer's reason, with its hint
        hints = {c.code: c.hint for c in catalogue().values()}
        report = {"findings": result.get("findings") or []}
        return [{"n": n, "severity": f.get("severity"), "rule": f.get("rule") or "", "sheet": "",
                 "cell": "", "message": f.get("message") or "", "hint": hints.get(f.get("code"), "")}
                for n, f in enumerate(report["findings"], 1)]
    sev = {"错误": "error", "警告": "warning", "提示": "info"}
    return [{"n": r[0], "severity": sev.get(r[1], r[1]), "rule": r[2], "sheet": r[3], "cell": r[4],
             "message": r[5], "hint": r[6]} for r in rows(_report(report))]


def counts(report: dict | None) -> dict[str, int]:
    out = {"error": 0, "warning": 0, "info": 0}
    for f in (report or {}).get("findings", ()):
        out[f.get("severity")] = out.get(f.get("severity"), 0) + 1
    return out


def render(report: dict, kind: str) -> bytes:
    """The publishable report (``html`` or ``docx``), as ``nianbao render`` writes it."""
    from .. import api

    return api.render(_report(report), kind)


def outputs(outcome: Outcome) -> dict[str, bytes]:
    """Every file ``nianbao collect`` writes into OUT, for this collection (same code)."""
    from .. import api

    return api.collection_files(outcome.collection, jobs=1)


def export_files(files: dict[str, bytes]) -> dict[str, bytes]:
    """What ``nianbao export OUT --sqlite … --csv …`` writes for collect's output files:
    ``export.sqlite``, ``export.csv`` and ``export.findings.csv``."""
    from .. import api
    from ..export import find_reports, latest_by_key  # as nianbao export finds them

    with tempfile.TemporaryDirectory(prefix="nianbao-export-") as tmp:
        root = Path(tmp) / "out"
        for rel, data in files.items():
            if rel.endswith(".json"):
                (root / rel).parent.mkdir(parents=True, exist_ok=True)
                (root / rel).write_bytes(data)
        found, _ = find_reports([root])
        reports, _ = latest_by_key(found)
        db = Path(tmp) / "export.sqlite"
        api.export_sqlite(reports, db)
        values, findings = api.export_csv(reports)
        return {"export.sqlite": db.read_bytes(), "export.csv": values, "export.findings.csv": findings}


def atomic_write(path: Path, data: bytes) -> None:
    from ..files import atomic_write_bytes

    atomic_write_bytes(path, data)


def dumps(report: dict) -> bytes:
    from ..report import dumps as d

    return d(report).encode("utf-8")

