"""The public API (``nianbao.*``, documented in ``nianbao.api``): the README's example runs, each
call gives what its command writes, and bytes work where paths do."""

from __future__ import annotations

import importlib
import os
import pkgutil
import re
import subprocess
import sys

import pytest

import nianbao
from helpers import ROOT
from nianbao import api

INBOX = ROOT / "samples" / "inbox"
ROSTER = ROOT / "samples" / "roster.csv"
SEED = ROOT / "samples" / "zhongcun-2022.xlsx"


def test_the_readme_example_runs():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Using as a library", 1)[1].split("\n## ", 1)[0]
    code = re.search(r"```python\n(.*?)```", section, re.S).group(1)
    run = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                         env={**os.environ, "PYTHONIOENCODING": "utf-8"})
    assert run.returncode == 0, run.stderr
    assert "中村镇人民政府" in run.stdout


def test_every_name_of_the_api_is_nianbaos_and_no_module_shadows_it():
    """``import nianbao.collection`` (any module) must not replace ``nianbao.collect``: no module
    of the package is named like a call of the API."""
    for m in pkgutil.walk_packages(nianbao.__path__, "nianbao."):
        if ".portal" not in m.name:
            importlib.import_module(m.name)
    assert set(api.__all__) == nianbao._API
    for name in api.__all__:
        assert getattr(nianbao, name) is getattr(api, name), name
    modules = {m.name for m in pkgutil.iter_modules(nianbao.__path__)}
    assert not modules & set(api.__all__)


def test_import_nianbao_loads_no_library_module():
    run = subprocess.run([sys.executable, "-c", "import sys, nianbao; print(sorted(m for m in sys.modules if m.startswith('nianbao')))"],
                         capture_output=True, text=True)
    assert run.stdout.strip() == "['nianbao']"


def test_template_is_the_commands_template(tmp_path):
    from typer.testing import CliRunner

    from nianbao.cli import app

    org = nianbao.Org("140521100", "中村镇人民政府", "乡镇")
    out = tmp_path / "t.xlsx"
    CliRunner().invoke(app, ["template", "--year", "2026", "--org-name", org.name, "--org-code", org.code,
                             "--org-kind", org.kind, "-o", str(out)])
    assert nianbao.template(2026, org) == out.read_bytes()
    assert nianbao.template_name(2026, org) == "2026_140521100_中村镇人民政府.xlsx"


def test_check_reads_bytes_as_a_path():
    by_path = nianbao.check(SEED, year=2022)
    by_bytes = nianbao.check(SEED.read_bytes(), name=SEED.name, year=2022)
    assert by_bytes.report == by_path.report and by_bytes.report is not None
    assert [f.to_dict() for f in by_bytes.findings] == [f.to_dict() for f in by_path.findings]
    assert nianbao.read(SEED) == by_path.report


def test_read_of_what_is_no_workbook_raises_with_the_reason():
    with pytest.raises(nianbao.Unreadable) as exc:
        nianbao.read(b"not a workbook", name="x.xlsx")
    assert exc.value.finding.severity == "error" and str(exc.value) == exc.value.finding.message()
    assert not nianbao.check(b"not a workbook", name="x.xlsx").readable


def test_roster_from_bytes_and_from_a_file_agree():
    from_file = nianbao.read_roster(ROSTER, 2026)
    from_bytes = nianbao.read_roster(ROSTER.read_bytes(), 2026, name="名册.csv")
    assert from_file.orgs == from_bytes.orgs and len(from_file.orgs) == 13
    assert all(isinstance(o, nianbao.Org) for o in from_file.orgs)


def test_collect_from_submissions_gives_collects_files():
    """A portal's uploads, checked one by one, give the files ``collect`` writes for the same
    workbooks in an inbox (the board also lists the inbox's other files: its bodies' rows agree)."""
    roster = nianbao.read_roster(ROSTER, 2026)
    col = nianbao.collect(INBOX, roster, 2026, jobs=1)
    books = sorted(p for p in INBOX.rglob("*") if p.is_file() and p.suffix == ".xlsx")
    subs = [nianbao.Submission(p.relative_to(INBOX).as_posix(), p.stat().st_mtime, nianbao.check(p))
            for p in books]
    again = nianbao.collect_submissions(2026, roster, subs)
    files, other = nianbao.collection_files(col), nianbao.collection_files(again)
    assert {k: v for k, v in other.items() if not k.startswith("status.")} == \
        {k: v for k, v in files.items() if not k.startswith("status.")}
    rows = len(roster.orgs) + 1
    assert other["status.csv"].splitlines()[:rows] == files["status.csv"].splitlines()[:rows]
    assert {"status.xlsx", "status.csv", "summary.xlsx", "summary.json"} <= set(files)
    assert col.has_errors and col.wrong_year() is None


def test_merge_and_its_workbook_are_the_commands(tmp_path):
    from typer.testing import CliRunner

    from nianbao.cli import app

    reports, skipped = nianbao.read_reports([INBOX], jobs=1)
    assert len(reports) > 10 and skipped == []
    summary, _ = nianbao.merge(reports, org={"name": "青山县"}, include_invalid=True)
    out = tmp_path / "s.xlsx"
    CliRunner().invoke(app, ["merge", str(INBOX), "-o", str(out), "--name", "青山县", "--include-invalid", "-j", "1"])
    assert nianbao.summary_xlsx(summary, reports) == out.read_bytes()


def test_render_parse_and_export(tmp_path):
    report = nianbao.load(ROOT / "samples" / "zhongcun-2022.json")
    html = nianbao.render(report, "html")
    again = nianbao.parse(html, name="r.html", org={"code": report.org.code, "kind": report.org.kind})
    assert again.values == report.values and again.org == report.org
    values, findings = nianbao.export_csv([report])
    assert values.startswith("\ufeff".encode()) and b"t3.received.natural_person" in values
    assert nianbao.export_sqlite([report], tmp_path / "x.sqlite") == len(report.values)


# Threads importing the library's modules for the first time at once, from several of them (a
# page of the portal's server met this: one thread in the finding catalogue, another in the
# published-report reader): without preload() this fails in most runs with a _DeadlockError or
# "partially initialized module".
_THREADS = """
import importlib, sys, threading
import nianbao
from nianbao.findings import catalogue
if sys.argv[1] == "preload":
    nianbao.preload()
mods = ["nianbao.published.tables", "nianbao.published.digits", "nianbao.published.detect",
        "nianbao.published.texts", "nianbao.published", "nianbao.published.parse",
        "nianbao.document", "nianbao.feedback", None, None]
start, errors = threading.Barrier(len(mods)), []
def first_use(name):
    start.wait()
    try:
        catalogue() if name is None else importlib.import_module(name)
    except Exception as exc:
        errors.append(repr(exc))
threads = [threading.Thread(target=first_use, args=(m,)) for m in mods]
for t in threads: t.start()
for t in threads: t.join()
print(errors)
"""


def test_after_preload_threads_use_the_library_at_once_safely():
    for _ in range(5):
        run = subprocess.run([sys.executable, "-c", _THREADS, "preload"], capture_output=True, text=True, timeout=120)
        assert run.returncode == 0 and run.stdout.strip() == "[]", run.stdout + run.stderr


def test_preload_imports_every_library_module_and_the_portal_calls_it(tmp_path):
    code = ("import sys, nianbao; names = nianbao.preload(); "
            "print(len(names), [n for n in names if n not in sys.modules])")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    count, missing = run.stdout.split(" ", 1)
    assert int(count) > 50 and missing.strip() == "[]", run.stdout + run.stderr
    # the WSGI application the server serves, loaded as nianbao serve loads it: the library's
    # modules are all there before a request comes in
    code = ("import sys, pkgutil, nianbao, nianbao.portal.wsgi; "
            "print([m.name for m in pkgutil.walk_packages(nianbao.__path__, 'nianbao.') "
            "if m.name.startswith('nianbao.published') and m.name not in sys.modules])")
    env = {**os.environ, "NIANBAO_PORTAL_DATA": str(tmp_path)}
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, env=env)
    assert run.returncode == 0 and run.stdout.strip() == "[]", run.stdout + run.stderr
