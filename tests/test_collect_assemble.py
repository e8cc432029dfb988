"""collect.assemble: a collection built from already-imported files (as the portal keeps them)
is the one ``collect`` builds from an inbox, and the caller's order chooses the submission."""

from __future__ import annotations

from pathlib import Path

from nianbao.collect_write import outputs
from nianbao.collection import SUPERSEDED, USED, assemble, classify_entries, collect, entry_of, gather, org_of
from nianbao.importer import find_workbooks, import_workbook
from nianbao.roster import read_roster
from nianbao.spec import get_format

ROOT = Path(__file__).resolve().parents[1]
INBOX = ROOT / "samples" / "inbox"


def _imported():
    rows, roster_findings = read_roster(ROOT / "samples" / "roster.csv", get_format("gb2021"))
    books = set(find_workbooks([INBOX]))
    workbooks, others = gather(INBOX, lambda p: p in books)
    return rows, roster_findings, [import_workbook(p) for p in workbooks], others


def _pairs(results):
    return [(entry_of(r, Path(r.path).relative_to(INBOX).as_posix(), Path(r.path).stat().st_mtime), r)
            for r in results]


def test_assemble_from_entries_gives_collects_files():
    rows, roster_findings, results, others = _imported()
    col = collect(INBOX, rows, 2026, results, ignored=others, roster_findings=roster_findings)
    roster = {o.code: o for o in map(org_of, rows)}
    entries, per_body = classify_entries(_pairs(results), roster, 2026)
    from nianbao.collection import ignored_entries

    entries += ignored_entries(INBOX, others)
    again = assemble(2026, rows, entries, per_body, roster_findings=roster_findings)
    assert outputs(again, jobs=1) == outputs(col, jobs=1)


def test_the_callers_order_chooses_the_submission():
    rows, _, results, _ = _imported()
    roster = {o.code: o for o in map(org_of, rows)}
    entries, per_body = classify_entries(_pairs(results), roster, 2026)
    twice = per_body["140521100"]  # 中村镇: an older wrong file and a newer corrected one
    assert len(twice) == 2
    by_name = {e.rel.rsplit("/", 1)[-1]: e for e in twice}
    older = by_name["中村镇人民政府年报.xlsx"]
    # collect's own order: the later saved (the correction) counts
    col = assemble(2026, rows, list(entries), {"140521100": list(twice)})
    assert col.bodies[2].used.rel.endswith("（更正）.xlsx")
    # a caller that counts the older one (e.g. it was uploaded last)
    col = assemble(2026, rows, list(entries), {"140521100": list(twice)},
                   order=lambda e: (e is older, e.rel))
    assert col.bodies[2].used is older and older.state == USED
    assert [e.state for e in col.bodies[2].others] == [SUPERSEDED]
    assert col.bodies[2].status == "有错误"  # the older file has the R1 errors
