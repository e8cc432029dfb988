"""Collecting a county's submissions: import everything in an inbox, match it to the roster,
pick the latest submission of each body, and merge the valid ones into the county summary.

:func:`collect` is pure apart from reading the inbox (never written to): it returns a
:class:`Collection` that the status board, the feedback files and the summary workbook are made
from (``status.py``, ``feedback.py``, ``summary_workbook.py``); ``write_outputs`` writes them.

Matching: a workbook made for a body carries its org code (the template identity); a workbook
filled from the blank template carries none, so the name and code typed on its cover are used,
with a warning. Resubmissions: the latest by the workbook's saved time, then file time; files
with the same sha256 are the same submission. A file that cannot be read at all is attributed
to a body (for the board and its feedback only, never for data) when its path names exactly one
roster body, by code or full name (:func:`attribute`).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Mapping

from .findings import Finding, code
from .report import Org, Report
from .spec import available_formats, get_format
from .states import (
    ERRORS,
    IGNORED,
    MISSING,
    OTHER_YEAR,
    PASSED,
    SAME,
    SUMMARY,
    SUPERSEDED,
    UNMATCHED,
    UNREADABLE,
    USED,
    WARNINGS,
)
from .summing import LEFT_OUT, merge_reports, summed_in, who

BY_COVER = code(
    "COLLECT_BY_COVER", "warning",
    "本表用空白模板填写，已按封面所填单位名称“{name}”和代码“{org_code}”对应到名册中的{who}",
    "filled from the blank template; matched to {who} by the name “{name}” and code “{org_code}” on its cover",
    "下次请使用为本单位生成的模板（已带单位名称和代码），以免对应错误。")
NAME_DIFFERS = code(
    "COLLECT_NAME_DIFFERS", "warning",
    "模板中的单位名称“{name}”与名册中代码{org_code}的单位名称“{roster}”不同，已按单位代码对应；请核对是否是该单位的报告",
    "the template names the body “{name}”, the roster “{roster}” for code {org_code}; matched by the code",
    "核对名册或请该单位使用为其生成的模板；单位改名的，更新名册即可。")
NOT_SUBMITTED = code(
    "COLLECT_NOT_SUBMITTED", "warning", "{who}尚未提交", "{who} has not submitted",
    "催报该单位。")

CHINA_TIME = timezone(timedelta(hours=8), "北京时间")


@dataclass
class Entry:
    """One file found in the inbox."""

    rel: str  # path relative to the inbox, with "/"
    mtime: float
    sha256: str = ""
    saved_at: str = ""
    report: Report | None = None
    code: str | None = None  # the roster body it belongs to
    state: str = UNMATCHED
    note: str = ""
    problem: Finding | None = None  # why an unreadable file could not be read

    @property
    def received(self) -> str:
        if self.mtime < 0:  # the file was gone before its time could be read
            return ""
        # in China's time, whatever the machine's zone, so the board is the same everywhere
        return datetime.fromtimestamp(self.mtime, CHINA_TIME).strftime("%Y-%m-%d %H:%M")

    def counts(self) -> dict[str, int]:
        return self.report.counts() if self.report is not None else {"error": 0, "warning": 0, "info": 0}


@dataclass
class Body:
    org: Org  # from the roster
    used: Entry | None = None
    others: list[Entry] = field(default_factory=list)  # superseded and identical files
    unreadable: list[Entry] = field(default_factory=list)  # files named for it that cannot be read

    @property
    def submitted(self) -> bool:
        return self.used is not None or bool(self.unreadable)

    @property
    def status(self) -> str:
        if self.used is None:
            return ERRORS if self.unreadable else MISSING
        c = self.used.counts()
        return ERRORS if c["error"] else WARNINGS if c["warning"] else PASSED


@dataclass
class Collection:
    year: int
    bodies: list[Body]  # roster order
    entries: list[Entry]  # every file, inbox order
    summary: Report
    summary_findings: list[Finding] = field(default_factory=list)
    roster_findings: list[Finding] = field(default_factory=list)  # their "file": the roster
    @property
    def unlisted(self) -> list[Entry]:
        """Files that are not on a body's row (its used submission, or the latest unreadable
        file of a body that has nothing else), for the board's lower part."""
        shown = {id(b.unreadable[0]) for b in self.bodies if b.used is None and b.unreadable}
        return [e for e in self.entries if e.state != USED and id(e) not in shown]

    def used_reports(self) -> list[Report]:
        return [b.used.report for b in self.bodies if b.used is not None and b.used.report is not None]

    def summed_reports(self, summed: bool = True) -> list[Report]:
        """The used reports that are (or, with ``summed=False``, are not) in the summary."""
        return summed_in(self.summary, self.used_reports(), summed)

    def wrong_year(self) -> str | None:
        """When no report in the inbox is for the year asked and some are for others (``--year
        2025`` on January 2027's inbox of 2026 reports): that, plainly; else None."""
        years = sorted({e.report.year for e in self.entries if e.state == OTHER_YEAR and e.report},
                       key=str)
        if not years or any(e.report and e.report.year == self.year and e.state != OTHER_YEAR
                            for e in self.entries):
            return None
        n = sum(1 for e in self.entries if e.state == OTHER_YEAR)
        return (f"收件文件夹中没有{self.year}年度的报告：收到的{n}份报告都是{'、'.join(map(str, years))}年度的。"
                f"请检查 --year 是否写错（例如 --year {years[-1]}）。")

    @property
    def has_errors(self) -> bool:
        """What makes ``nianbao collect`` exit 1: a used report, the summary or the roster has
        an error, a body's only files cannot be read, or no report is for the year asked but
        some are for another (a wrong year). An empty summary (MERGE_EMPTY) alone is not one:
        nobody has submitted yet, and bodies that have not submitted are not errors."""
        return self.wrong_year() is not None or any(r.errors for r in self.used_reports()) \
            or any(f.severity == "error" and f.code != "MERGE_EMPTY"
                   for f in self.summary.findings + self.roster_findings) \
            or any(b.used is None and b.unreadable for b in self.bodies)


def org_of(row) -> Org:
    """A roster row (a mapping or an object with code/name/kind) as an Org."""
    get = row.get if isinstance(row, dict) else lambda k, d="": getattr(row, k, d)
    return Org(str(get("code", "") or "").strip(), str(get("name", "") or "").strip(),
               str(get("kind", "") or "").strip())


def gather(inbox: Path, is_workbook) -> tuple[list[Path], list[Path]]:
    """(workbooks, everything else) under inbox, sorted (:func:`files.walk`: named pipes,
    dangling links, unpacked workbook folders and folders that cannot be read are found too,
    so that each is listed with its reason); office lock files count as other."""
    from .files import walk
    from .importer import is_workbook_name

    files = walk(inbox, is_workbook_name)
    books = [p for p in files if is_workbook(p) and not p.name.startswith(("~$", ".~"))]
    chosen = set(books)
    return books, [p for p in files if p not in chosen]


def _norm(s) -> str:
    return "".join(str(s or "").split())


def match(report: Report, meta: dict, roster: dict[str, Org]) -> tuple[str | None, str, bool]:
    """(roster code or None, note, matched by cover)."""
    built_in = _norm((meta or {}).get("org_code"))
    org = report.org
    typed_code, typed_name = _norm(org.code), _norm(org.name)
    if built_in:
        if built_in in roster:
            return built_in, "", False
        return None, f"模板单位代码{built_in}不在名册中", False
    by_code = roster.get(typed_code) if typed_code else None
    by_name = [c for c, o in roster.items() if typed_name and _norm(o.name) == typed_name]
    if by_code and (not typed_name or _norm(by_code.name) == typed_name):
        return typed_code, "", True
    if not typed_code and len(by_name) == 1:
        return by_name[0], "", True
    if by_code or by_name:
        return None, f"封面所填单位名称“{org.name}”与代码“{org.code}”在名册中不一致", False
    if not typed_code and not typed_name:
        return None, "空白模板，封面未填单位名称和代码", False
    return None, f"封面所填单位“{org.name}”（{org.code}）不在名册中", False


def _order_key(e: Entry):
    """Latest by the time the workbook says it was saved, else by the file's time (both as
    instants: "…+08:00" and "…Z" compare correctly), then file time and path for ties."""
    return (_instant(e.saved_at) or e.mtime, e.mtime, e.rel)


def _instant(iso: str) -> float | None:
    try:
        t = datetime.fromisoformat(iso.replace("Z", "+00:00"))
    except (ValueError, AttributeError):
        return None
    return (t if t.tzinfo else t.replace(tzinfo=timezone.utc)).timestamp()


def choose(entries: list[Entry], order=_order_key) -> tuple[Entry, list[Entry]]:
    """The submission to use (the latest by ``order``) and the others, marked superseded or same."""
    ordered = sorted(entries, key=order)
    latest = ordered[-1]
    latest.state = USED
    for e in ordered[:-1]:
        if e.sha256 == latest.sha256:
            e.state, e.note = SAME, f"与“{latest.rel}”内容完全相同（同一份提交）"
        else:
            e.state, e.note = SUPERSEDED, f"已被较新的“{latest.rel}”替代"
    return latest, ordered[:-1]


def _entry(inbox: Path, result) -> Entry:
    from .files import display_name

    path = Path(result.path)
    mtime = result.mtime if getattr(result, "mtime", None) is not None else _mtime(path)
    return entry_of(result, display_name(path.relative_to(inbox).as_posix()), mtime)


def _mtime(path: Path) -> float:
    """The file's time; the link's own for a link that leads nowhere; -1 (no time shown) for a
    file that is gone (removed while collect ran)."""
    for stat in (os.stat, os.lstat):
        try:
            return stat(path).st_mtime
        except OSError:
            pass
    return -1.0


def entry_of(result, rel: str, mtime: float) -> Entry:
    """The entry of an import result for a file at ``rel`` (inbox-relative, "/") received at
    ``mtime`` (a file time, or when a portal received the upload)."""
    return Entry(rel=rel, mtime=mtime, sha256=result.sha256 or "", saved_at=_iso(result.saved_at),
                 report=_compact(result.report))


def _compact(report: Report | None) -> Report | None:
    """The report with its value and text keys shared with the format's own id strings (a
    report from a worker process brings 200 fresh copies), so that many reports stay small."""
    if report is None or report.format not in available_formats():
        return report
    fmt = get_format(report.format)
    return replace(report, values={i: report.values.get(i) for i in fmt.datapoints},
                   texts={i: report.texts.get(i, "") for i in fmt.texts})


def _iso(v) -> str:
    if v is None:
        return ""
    return v.isoformat() if hasattr(v, "isoformat") else str(v)


def _first_error(result) -> Finding | None:
    return next((f for f in result.findings or () if f.severity == "error"), None)


def names_in(rel: str, orgs: list[Org]) -> list[str]:
    """Codes of the roster bodies whose code or full name a file's path (its folders and its
    name) contains. A code counts only standing alone (not inside a longer number), and a name
    found only inside another found name (青山县人民政府 in 青山县人民政府办公室) does not count."""
    parts = [_norm(p) for p in rel.split("/")]
    by_code = {o.code for o in orgs if o.code and any(
        re.search(rf"(?<![0-9A-Za-z]){re.escape(_norm(o.code))}(?![0-9A-Za-z])", p) for p in parts)}
    named = {o.code: _norm(o.name) for o in orgs if o.name and any(_norm(o.name) in p for p in parts)}
    longest = {c for c, n in named.items() if not any(n != m and n in m for m in named.values())}
    return sorted(by_code | longest)


def attribute(entries: list[Entry], orgs: list[Org]) -> dict[str, list[Entry]]:
    """Unreadable files by the one roster body their path names; a path naming none or several
    is left unattributed (nothing guessed)."""
    out: dict[str, list[Entry]] = {}
    for e in entries:
        if e.state == UNREADABLE:
            found = names_in(e.rel, orgs)
            if len(found) == 1:
                e.code = found[0]
                out.setdefault(found[0], []).append(e)
    return out


def classify(inbox: Path, results, roster: dict[str, Org], year: int) -> tuple[list[Entry], dict]:
    """Entries for import results, and the candidate entries per roster code."""
    return classify_entries(((_entry(inbox, r), r) for r in results), roster, year)


def classify_entries(pairs, roster: dict[str, Org], year: int) -> tuple[list[Entry], dict]:
    """:func:`classify` for ``(entry, import result)`` pairs whose entries are made already
    (:func:`entry_of`): sets each entry's state, note, code and report under the roster's name."""
    entries: list[Entry] = []
    per_body: dict[str, list[Entry]] = {}
    for e, r in pairs:
        entries.append(e)
        if r.report is None or not r.readable or e.report is None:
            e.problem = _first_error(r)
            e.state, e.note = UNREADABLE, e.problem.message() if e.problem else "无法读取"
            continue
        if e.report.is_summary:  # a summary's values are other bodies' sums: never one body's report
            e.state = SUMMARY
            e.note = f"这是汇总表（汇总了{len(e.report.members or ())}个单位），不是单位报送的报告，未采用"
            continue
        if e.report.year != year:
            e.state = OTHER_YEAR
            e.note = f"{who(e.report.org)}的{e.report.year}年度报告，不是{year}年度"
            continue
        c, note, by_cover = match(e.report, r.meta or {}, roster)
        if c is None:
            e.state, e.note = UNMATCHED, note
            continue
        e.code = c
        e.report = _as_roster_body(e.report, roster[c], by_cover)
        per_body.setdefault(c, []).append(e)
    return entries, per_body


def _as_roster_body(report: Report, org: Org, by_cover: bool) -> Report:
    """The report under the roster's name for the body, with the cover-match warning."""
    findings = list(report.findings)
    if by_cover:
        findings.insert(0, BY_COVER(name=report.org.name, org_code=report.org.code, who=who(org),
                                    sheet=None))
    elif report.org.name and _norm(report.org.name) != _norm(org.name):  # matched by code
        findings.insert(0, NAME_DIFFERS(name=report.org.name, roster=org.name, org_code=org.code))
    return replace(report, org=replace(org), findings=findings)


def cross_year(report: Report, previous: Report) -> Report:
    """The report with the rules that need last year's report (R7–R9, R20) run against the
    body's last-year report."""
    from .layout import layout_for
    from .rules import Context, evaluate, rules_with

    fmt = report.fmt
    cross = {r.id for r in rules_with(fmt, "needs_previous")}
    ctx = Context(values=report.values, texts=report.texts, year=report.year,
                  org_kind=report.org.kind, previous=previous, locate=layout_for(fmt.id).where)
    kept = [f for f in report.findings if f.rule not in cross]
    return replace(report, findings=kept + evaluate(fmt, ctx, only=cross))


def collect(inbox: Path, roster_rows, year: int, results, *, ignored=(),
            include_invalid: bool = False, summary_org: Org | Mapping[str, Any] | None = None,
            previous: Mapping[str, Report] | None = None, roster_findings=()) -> Collection:
    """Build the collection from import results (one per workbook in the inbox, in order) and
    the other files found there (``ignored``). ``previous``: last year's reports by org code,
    for the cross-year rules R7–R9 and R20. ``roster_findings``: the roster's bad rows, for the
    board."""
    inbox = Path(inbox)
    roster = {o.code: o for o in map(org_of, roster_rows)}
    entries, per_body = classify(inbox, results, roster, year)
    entries += ignored_entries(inbox, list(ignored))
    return assemble(year, roster_rows, entries, per_body, include_invalid=include_invalid,
                    summary_org=summary_org, previous=previous, roster_findings=roster_findings)


def assemble(year: int, roster_rows, entries: list[Entry], per_body: dict[str, list[Entry]], *,
             order=_order_key, include_invalid: bool = False, summary_org: Org | Mapping[str, Any] | None = None,
             previous: Mapping[str, Report] | None = None, roster_findings=()) -> Collection:
    """The collection from classified entries (:func:`classify_entries`; ``per_body``: the
    candidates per roster code): each body's submission is the latest of its candidates by
    ``order`` (collect's: saved time, then file time; a portal passes its own), its unreadable
    files those whose path names it. Cross-year rules, the summary and the missing bodies'
    findings as :func:`collect` describes."""
    orgs = [org_of(r) for r in roster_rows]
    for code_, found in per_body.items():
        if previous and code_ in previous:
            for e in found:
                if e.report is not None:
                    e.report = cross_year(e.report, previous[code_])
    unreadable = attribute(entries, orgs)
    bodies = []
    for org in orgs:
        b = Body(org, unreadable=sorted(unreadable.get(org.code, []), key=order, reverse=True))
        if org.code in per_body:
            b.used, b.others = choose(per_body[org.code], order)
        bodies.append(b)
    summary, findings = merge_reports([b.used.report for b in bodies if b.used and b.used.report],
                                      year=year, include_invalid=include_invalid, org=summary_org)
    missing = [NOT_SUBMITTED(who=who(b.org)) if not b.unreadable else
               LEFT_OUT(who=who(b.org), reason=f"已收到的文件无法读取（{b.unreadable[0].rel}）",
                        reason_en=f"the file received cannot be read ({b.unreadable[0].rel})")
               for b in bodies if b.used is None]
    summary.findings = [replace(f) for f in missing] + summary.findings
    rf = [Finding.from_dict(f) if isinstance(f, dict) else f for f in roster_findings]
    return Collection(year, bodies, entries, summary, missing + findings, rf)


def ignored_entries(inbox: Path, others: list[Path]) -> list[Entry]:
    """Entries for what is in the inbox but not a workbook, each with its reason: an Office lock
    file, another file, something that is not a file (a named pipe, a link, a device), or a
    folder whose files cannot be read (no permission, a path too long) — that one is
    unreadable, so that a body whose folder it is sees it."""
    from .files import display_name, kind_of, os_reason

    out = []
    for p in others:
        state = IGNORED
        try:
            what = kind_of(p)
        except OSError as exc:
            what, state = None, UNREADABLE
            note = f"无法读取（{os_reason(exc, '读取')}）"
        if state == UNREADABLE:
            pass
        elif what is None:
            note = "Office 临时文件" if p.name.startswith(("~$", ".~")) else "不是 Excel 工作簿"
        elif what.startswith("文件夹，"):
            state, note = UNREADABLE, f"这个{what}"
        else:
            note = f"不是普通文件，而是{what}"
        out.append(Entry(rel=display_name(p.relative_to(inbox).as_posix()), mtime=_mtime(p),
                         state=state, note=note))
    return out
