"""Every format goes the whole way: lint, template → import → merge → summary workbook → render →
parse, and the workbook recalculated by LibreOffice. "Every format" includes TRIAL
(``helpers/formats.py``), a format that exists only in these tests: a new format is data only."""

from __future__ import annotations

import contextlib

import openpyxl
import pytest

from helpers.formats import TRIAL, quiet_texts, quiet_values, registered
from helpers.lo import needs_soffice, recalc
from nianbao.importer import import_workbook
from nianbao.lint import lint
from nianbao.spec import available_formats, format_for_year, get_format
from nianbao.summary_workbook import summary_xlsx
from nianbao.summing import merge_reports
from nianbao.template_workbook import template_bytes

FORMATS = available_formats() + [TRIAL["id"]]
ORGS = [{"code": "101", "name": "甲镇人民政府", "kind": "乡镇"}, {"code": "102", "name": "乙局", "kind": "部门"}]


@pytest.fixture(params=FORMATS)
def fmt(request):
    """Each format in turn (the trial one registered only while its tests run)."""
    known = request.param in available_formats()
    with contextlib.nullcontext() if known else registered():
        yield get_format(request.param)


def _year(fmt) -> int:
    return fmt.last_year or fmt.first_year


def test_lint_is_clean(fmt):
    assert lint(fmt.id) == []


def test_the_trial_format_is_its_base_and_its_changes():
    with registered():
        trial, base = get_format(TRIAL["id"]), get_format("gb2021")
        assert format_for_year(2027) is trial and format_for_year(2026) is base
        added = set(trial.datapoints) - set(base.datapoints)
        assert added == {f"t3.other.withdrawn.{c.key}" for c in base.table("t3").blocks[0].column_leaves}
        # the new row is a result: R2 sums it into 总计, and the totals are formulas for it too
        assert "t3.other.withdrawn.natural_person" in trial.computed["t3.total.natural_person"]
        assert [r.id for r in trial.rules][-2:] == ["R20", "R21"]
    assert TRIAL["id"] not in available_formats()


def _workbook(tmp_path, fmt, org, seed):
    values, texts = quiet_values(fmt, seed), quiet_texts(fmt)
    path = tmp_path / f"{org['code']}.xlsx"
    path.write_bytes(template_bytes(year=_year(fmt), org=org, fmt_id=fmt.id, prefill={**values, **texts}))
    return path, values, texts


def test_template_import_merge_render_parse(fmt, tmp_path):
    from nianbao.document import render
    from nianbao.published import parse_published

    reports = []
    for seed, org in enumerate(ORGS, 1):
        path, values, texts = _workbook(tmp_path, fmt, org, seed)
        result = import_workbook(path)
        assert result.readable and result.report.format == fmt.id
        assert [f.code for f in result.findings if f.severity != "info"] == []
        got = result.report.values
        assert {i: got[i] for i in values} == values and result.report.texts == texts
        reports.append(result.report)
    summary, findings = merge_reports(reports)
    assert [f.code for f in findings] == [] and len(summary.members) == 2
    assert summary.values["t2.licensing.decisions"] == sum(
        r.values["t2.licensing.decisions"] for r in reports)
    (tmp_path / "summary.xlsx").write_bytes(summary_xlsx(summary, reports))
    again = import_workbook(tmp_path / "summary.xlsx")
    assert again.report.members == summary.members and again.report.values == summary.values
    for kind, name in (("markdown", "r.md"), ("html", "r.html")):
        parsed = parse_published(render(reports[0], kind), name)
        assert parsed.format == fmt.id, kind
        assert parsed.values == reports[0].values, kind
        assert parsed.texts == reports[0].texts, kind


def test_a_rule_of_the_trial_format_fires_from_its_data(tmp_path):
    with registered():
        fmt = get_format(TRIAL["id"])
        values = quiet_values(fmt)
        values.update({"t3.received.natural_person": 1, "t3.other.withdrawn.natural_person": 1})
        path = tmp_path / "w.xlsx"
        path.write_bytes(template_bytes(year=2027, org=ORGS[0], prefill={**values, **quiet_texts(fmt)}))
        found = import_workbook(path).findings
    assert [(f.rule, f.code, f.severity) for f in found] == [("R21", "RULE_WITHDRAWN_TEXT", "warning")]
    assert found[0].message() == "有1件申请被申请人撤回，但一、总体情况（二）依申请公开未提到撤回"
    assert found[0].sheet == "一、总体情况"


@needs_soffice
def test_libreoffice_recalculates_every_check_to_pass(fmt, tmp_path):
    """The workbook of each format in a real engine: every total, R1 mark and status as the
    writer cached it, and all pass for values that keep every rule."""
    path, _, _ = _workbook(tmp_path, fmt, ORGS[0], 3)
    [out] = recalc([path], tmp_path / "out")
    mine = openpyxl.load_workbook(path, data_only=True)
    theirs = openpyxl.load_workbook(out, data_only=True)
    checked = 0
    for ws in openpyxl.load_workbook(path).worksheets:
        for row in ws.iter_rows():
            for c in row:
                if isinstance(c.value, str) and c.value.startswith("="):
                    assert theirs[ws.title][c.coordinate].value == mine[ws.title][c.coordinate].value, \
                        (ws.title, c.coordinate)
                    checked += 1
    assert checked > 30  # totals, R1 marks, statuses
    cover = theirs["封面"]
    assert any(c.value == "√ 全部校验通过" for row in cover.iter_rows() for c in row)
