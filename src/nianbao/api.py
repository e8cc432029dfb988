"""nianbao as a library: the calls the command line and the county portal make.

Everything here is also importable from ``nianbao`` itself (``nianbao.template(...)``)::

    import nianbao

    xlsx = nianbao.template(2026, nianbao.Org("1101", "青山镇人民政府", "乡镇"))
    checked = nianbao.check(xlsx, name="青山镇.xlsx", year=2026)   # bytes or a path
    for f in checked.findings:
        print(f.severity, f.rule, f.message())
    report = checked.report                                       # a nianbao.Report, or None
    html = nianbao.render(report, "html")

A report is a :class:`Report` (values as ``int``, exact ``Decimal`` or ``None``; texts; the
body as an :class:`Org`; its :class:`Finding` list); JSON only where a file is read or written
(:meth:`Report.to_json`, :meth:`Report.from_json`, :func:`load`). The format of a report is the
one in force for its year unless one is named. No call prints, reads the clock or exits: the
command line does that around them. Modules behind this one (``nianbao.collect``,
``nianbao.importer``…) are the library's inside and may change; this module is its face.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterable, Iterator, Mapping, Sequence, Union

from .findings import Finding
from .report import Member, Org, Report, load

if TYPE_CHECKING:
    from .collection import Collection
    from .importer import ImportResult
    from .previous import LastYear

Source = Union[str, "os.PathLike[str]", bytes]
"""A file given by its path, or its bytes (then ``name`` says what it was called)."""
OrgLike = Union[Org, Mapping[str, Any]]
Each = Callable[[Iterator[Any], int], Iterable[Any]]
"""Wraps a stream of results of known length (a progress bar, say) and yields them on."""

__all__ = [
    "Finding", "Member", "Org", "Report", "Roster", "Submission", "Unreadable",
    "template", "template_name", "write_templates",
    "check", "check_many", "read", "read_roster", "last_year", "load_previous", "read_previous",
    "collect", "collect_submissions", "collection_files", "write_collection",
    "read_reports", "merge", "summary_xlsx",
    "render", "parse", "export_sqlite", "export_csv", "load", "preload",
]


def preload() -> list[str]:
    """Import every module of the library now, in this thread (returns their names).

    The calls here import what they need when first called. Python's imports are not safe when
    two threads import modules that import each other for the first time at once (a package
    whose ``__init__`` imports its own modules, as ``nianbao.published`` does): one of them gets
    a ``_DeadlockError`` or a half-initialised module. A program that calls the library from
    several threads (the portal's server does) calls this first, before its threads start.
    The command line and the portal's shells, the finding catalogue included, are loaded too."""
    import importlib
    import pkgutil

    import nianbao

    from .findings import catalogue

    names = [m.name for m in pkgutil.walk_packages(nianbao.__path__, "nianbao.")
             if not m.name.startswith(("nianbao.portal", "nianbao.cli", "nianbao.__main__"))]
    for name in names:
        importlib.import_module(name)
    catalogue()
    return names


# ---- templates -------------------------------------------------------------------------------

def template(year: int, org: OrgLike | None = None, *, previous: Report | None = None,
             format: str | None = None) -> bytes:
    """The locked .xlsx template of ``year`` for one body (``org``; None: the blank template),
    its 上年结转 pre-filled from ``previous`` (that body's report of the year before)."""
    from .template_workbook import template_bytes

    return template_bytes(year=year, org=org, fmt_id=format, previous=previous)


def template_name(year: int, org: OrgLike | None = None) -> str:
    """The file name ``nianbao template`` gives it: ``<year>_<code>_<name>.xlsx``."""
    from .template_workbook import template_filename

    return template_filename(year, org)


def write_templates(orgs: Iterable[OrgLike], folder: str | os.PathLike[str], year: int, *,
                    previous: Mapping[str, Report] | None = None, format: str | None = None,
                    jobs: int | None = None) -> Iterator[Path]:
    """One template per body into ``folder`` (over ``jobs`` processes; None: every core),
    yielding each path as it is written; ``previous``: last year's reports by body code."""
    from .template_workbook import write_templates as write

    yield from write(orgs, Path(folder), year=year, fmt_id=format, previous=previous, workers=jobs)


# ---- checking and reading a workbook --------------------------------------------------------

class Unreadable(Exception):
    """:func:`read` of a workbook that cannot be read at all (``finding`` says why)."""

    def __init__(self, finding: Finding):
        super().__init__(finding.message())
        self.finding = finding


def check(source: Source, *, name: str | None = None, year: int | None = None,
          format: str | None = None, previous: Report | None = None, lang: str = "zh",
          debug: bool = False) -> ImportResult:
    """Read and check one filled workbook: the result has the ``report`` (None when the file
    cannot be read at all), every ``finding`` (errors first is the caller's choice), whether
    it was ``readable``, its ``sha256`` and hidden identity (``meta``). ``year``/``format``:
    what it must be (else a finding); ``previous``: the body's report of the year before, for
    the cross-year rules. Never raises for a bad file; ``debug`` lets an unexpected error out."""
    from .importer import import_bytes, import_workbook

    kw: dict[str, Any] = {"fmt_id": format, "year": year, "previous": previous, "lang": lang,
                          "debug": debug}
    if isinstance(source, bytes):
        return import_bytes(source, name or "upload.xlsx", **kw)
    return import_workbook(Path(source), **kw)


def check_many(paths: Iterable[str | os.PathLike[str]], *, jobs: int = 0, year: int | None = None,
               format: str | None = None, previous: Report | None = None, lang: str = "zh",
               debug: bool = False) -> Iterator[ImportResult]:
    """:func:`check` for many files, in order, over ``jobs`` processes (0: up to two)."""
    from .importer import import_many

    yield from import_many([Path(p) for p in paths], jobs=jobs, fmt_id=format, year=year,
                           previous=previous, lang=lang, debug=debug)


def read(source: Source, **kw: Any) -> Report:
    """The report of one filled workbook (:func:`check`'s, findings included); raises
    :class:`Unreadable` when the file cannot be read at all."""
    result = check(source, **kw)
    if result.report is None:
        raise Unreadable(result.findings[0])
    return result.report


# ---- the roster and last year's reports -----------------------------------------------------

@dataclass
class Roster:
    """The usable bodies of a roster file, and what was wrong with it (each skipped row named
    by its number; no usable body at all: its one reason)."""

    orgs: list[Org]
    findings: list[Finding]


def read_roster(source: Source, year: int, *, name: str | None = None) -> Roster:
    """A roster (CSV in UTF-8 or GBK, tab-separated text, or .xlsx; ``name`` when given bytes)
    read with the body kinds of ``year``'s format."""
    from .roster import read_roster as read_rows
    from .spec import format_for_year

    fmt = format_for_year(year)
    if isinstance(source, bytes):
        with tempfile.TemporaryDirectory(prefix="nianbao-roster-") as tmp:
            path = Path(tmp) / Path(name or "名册.csv").name
            path.write_bytes(source)
            rows, findings = read_rows(path, fmt)
    else:
        rows, findings = read_rows(Path(source), fmt)
    return Roster([Org.of(r) for r in rows], findings)


def last_year(paths: Iterable[str | os.PathLike[str]], year: int) -> tuple[dict[str, LastYear], list[Finding]]:
    """Last year's reports by body code, from collect output folders (``reports/*.json``) and
    report JSON files, each with its file and why it cannot pre-fill a template (if so)."""
    from .previous import last_year as find

    return find(paths, year)


def load_previous(paths: Iterable[str | os.PathLike[str]], year: int) -> tuple[dict[str, Report], list[Finding]]:
    """:func:`last_year`, the reports only: what collect's cross-year rules compare with."""
    from .previous import load_previous as find

    return find(paths, year)


def read_previous(path: str | os.PathLike[str], **kw: Any) -> Report:
    """One body's report of last year: a report JSON, or a workbook (read as :func:`check`)."""
    from .previous import read_previous as read_one

    return read_one(path, **kw)


# ---- collecting a county's submissions ------------------------------------------------------

def collect(inbox: str | os.PathLike[str], roster: Roster | Sequence[OrgLike] | str | os.PathLike[str],
            year: int, *, previous: Mapping[str, Report] | None = None, include_invalid: bool = False,
            summary_org: OrgLike | None = None, jobs: int = 0, debug: bool = False,
            each: Each | None = None) -> Collection:
    """Check every workbook in ``inbox`` (read only, sub-folders too), match each to a body of
    the ``roster`` (a file, a :class:`Roster` or the bodies), take each body's latest
    submission, run the cross-year rules against ``previous`` (last year's reports by body
    code) and sum the valid reports into the summary (with ``include_invalid``, the others
    too). ``each`` wraps the stream of workbook results (a progress bar). Write what
    ``nianbao collect`` writes with :func:`write_collection` or :func:`collection_files`."""
    from .collection import collect as build
    from .collection import gather
    from .importer import find_workbooks, import_many

    orgs, roster_findings = _roster(roster, year)
    inbox = Path(inbox)
    books = set(find_workbooks([inbox]))
    workbooks, others = gather(inbox, lambda p: p in books)
    results: Iterable[Any] = import_many(workbooks, jobs=jobs, debug=debug)
    if each is not None:
        results = each(iter(results), len(workbooks))
    return build(inbox, orgs, year, results, ignored=others, include_invalid=include_invalid,
                 summary_org=summary_org, previous=previous, roster_findings=roster_findings)


def _roster(roster: Roster | Sequence[OrgLike] | str | os.PathLike[str], year: int) -> tuple[list[Org], list[Finding]]:
    if isinstance(roster, (str, os.PathLike)):
        roster = read_roster(roster, year)
    if isinstance(roster, Roster):
        return roster.orgs, roster.findings
    return [o if isinstance(o, Org) else Org.of(o) for o in roster], []


@dataclass
class Submission:
    """A workbook a body submitted, already checked (:func:`check`): where the collection lists
    it (``rel``, a path with "/", as in an inbox) and when it was received (POSIX seconds)."""

    rel: str
    received: float
    result: ImportResult


def collect_submissions(year: int, roster: Roster | Sequence[OrgLike], submissions: Iterable[Submission], *,
                        previous: Mapping[str, Report] | None = None, include_invalid: bool = False,
                        summary_org: OrgLike | None = None) -> Collection:
    """:func:`collect` of workbooks already checked (a portal's uploads) instead of an inbox:
    the same matching, choice of the latest submission (by the time the workbook was saved,
    then when it was received), cross-year rules and summary, so that the same files give
    the same collection either way."""
    from .collection import assemble, classify_entries, entry_of

    orgs, roster_findings = _roster(roster, year)
    subs = sorted(submissions, key=lambda s: s.rel.split("/"))
    pairs = [(entry_of(s.result, s.rel, s.received), s.result) for s in subs]
    entries, per_body = classify_entries(pairs, {o.code: o for o in orgs}, year)
    return assemble(year, orgs, entries, per_body, include_invalid=include_invalid,
                    summary_org=summary_org, previous=dict(previous) if previous else None,
                    roster_findings=roster_findings)


def collection_files(collection: Collection, *, jobs: int | None = 1) -> dict[str, bytes]:
    """Every file ``nianbao collect`` writes into its output folder, by name: ``status.xlsx``,
    ``status.csv``, ``反馈/<body>.xlsx``, ``summary.xlsx``, ``summary.json``,
    ``reports/<code>.json``."""
    from .collect_write import outputs

    return outputs(collection, jobs=jobs)


def write_collection(collection: Collection, out: str | os.PathLike[str], *, jobs: int | None = None) -> list[str]:
    """Write :func:`collection_files` into ``out`` as ``nianbao collect`` does (all at once: a
    reader never sees half of them; an unchanged file keeps its time). Returns the names."""
    from .collect_write import write_outputs

    return write_outputs(collection, Path(out), jobs)


# ---- summing reports ------------------------------------------------------------------------

def read_reports(paths: Iterable[str | os.PathLike[str]], *, jobs: int = 0, debug: bool = False,
                 each: Each | None = None) -> tuple[list[Report], list[Path]]:
    """The reports in report JSON files, workbooks and folders of either (what ``nianbao
    merge`` sums), and the workbooks found in a folder that are no report (skipped). A file
    that cannot be used raises ``nianbao.importer.InputError`` (a ValueError) saying why."""
    from .importer import read_reports as read_all

    return read_all(paths, jobs=jobs, debug=debug, each=each)


def merge(reports: Iterable[Report], *, year: int | None = None, org: OrgLike | None = None,
          include_invalid: bool = False) -> tuple[Report, list[Finding]]:
    """Sum reports (or summaries) data point by data point into a summary, whose ``members``
    are the bodies summed. Reports of another year (default: the most common), duplicates and,
    unless ``include_invalid``, reports with errors or missing values are left out, each with
    a finding. ``org``: the summary's own name and code."""
    from .summing import merge_reports

    return merge_reports(reports, include_invalid=include_invalid, year=year, org=org)


def summary_xlsx(summary: Report, reports: Sequence[Report]) -> bytes:
    """The summary as ``summary.xlsx`` (the tables, each body's figures, texts and findings),
    from the summary and the reports given to :func:`merge` (those it counted are listed)."""
    from .summary_workbook import summary_xlsx as write
    from .summing import summed_in

    return write(summary, summed_in(summary, reports))


# ---- publishing and reading published reports -----------------------------------------------

def render(report: Report, kind: str = "html") -> bytes:
    """The publishable report: ``html``, ``markdown``, ``text`` or ``docx``."""
    from .document import render as write

    return write(report, kind)


def parse(source: Source, *, name: str | None = None, year: int | None = None,
          org: OrgLike | None = None) -> Report:
    """A published report (HTML, PDF, Word, Markdown or text) read back into a report, with
    its findings; ``year``/``org`` when its title does not say. Raises
    ``nianbao.published.NotAReport`` for a file that is no report."""
    from .published import parse_file, parse_published

    given = None if org is None else (org if isinstance(org, Org) else Org.of(org)).to_json()
    if isinstance(source, bytes):
        return parse_published(source, name or "report.txt", year=year, org=given)
    return parse_file(Path(source), year=year, org=given)


# ---- export ---------------------------------------------------------------------------------

def export_sqlite(reports: Sequence[Report], path: str | os.PathLike[str]) -> int:
    """Write (or update) a SQLite database of long tables (year, body, data point, value) and
    the findings. Returns the number of value rows written."""
    from .export import export_sqlite as write

    return write(list(reports), Path(path))


def export_csv(reports: Sequence[Report]) -> tuple[bytes, bytes]:
    """The same long tables as CSV: (values, findings), UTF-8 with a BOM for Excel."""
    from .export import export_csv as write

    return write(list(reports))
