"""The cached results of the live cells agree with the rules engine on the same values."""

from __future__ import annotations

import html
import io
import re
import zipfile
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from nianbao import layout as L
from nianbao.report import Report, build_report
from nianbao.rules import Context, evaluate, recompute_totals, sections_present, text_sections
from nianbao.summary_workbook import summary_xlsx
from nianbao.summing import merge_reports
from nianbao.template_workbook import template_bytes
from nianbao.values import read_value
from nianbao.workbook_formulas import CHECK_PASS, PENDING, Formulas, runs

FMT = L.layout_for("gb2021").format
LAYOUT = L.layout_for("gb2021")
T3 = [i for i in FMT.inputs if i.startswith("t3.")]


@settings(max_examples=40, deadline=None)
@given(st.dictionaries(st.sampled_from(T3), st.one_of(st.none(), st.integers(0, 3)), min_size=0),
       st.booleans())
def test_r1_marks_match_the_rules_engine(changes, fill_rest):
    values = {i: (0 if fill_rest else None) for i in FMT.inputs}
    values.update(changes)
    f = Formulas(LAYOUT, values)
    full = {**values, **recompute_totals(FMT, values)}
    failed = {x.datapoints[-1] for x in evaluate(FMT, Context(full, {}), only={"R1"})}
    for p in LAYOUT.places:
        if p.role != "check":
            continue
        check = f.balance_check(p.id)
        mark = f.check(p.id).value
        if any(values.get(i) is None for i in f.plan.checks[p.id][1]):
            assert mark == PENDING
        elif check.ids["rhs"][-1] in failed:
            assert mark.startswith("× 相差")
        else:
            assert mark == CHECK_PASS


def test_runs_make_rectangles():
    t3 = LAYOUT.sheet("三、依申请公开")
    inputs = [p for p in t3.places if p.role == "input"]
    assert runs(inputs) == ["D7:I29", "D31:I31"]
    assert runs(inputs, "x") == ["'x'!D7:I29", "'x'!D31:I31"]
    checks = [p for p in t3.places if p.role == "check"]
    assert runs(checks) == ["D32:J32"]


@settings(max_examples=30, deadline=None)
@given(st.dictionaries(st.sampled_from(sorted(FMT.inputs)),
                       st.one_of(st.none(), st.integers(-3, 3),
                                 st.decimals(-3, 3, places=2, allow_nan=False),
                                 # the format's bounds and max_decimals (issue 8 items 20, 27)
                                 st.sampled_from([10**10, 10**10 - 1, 10**9, Decimal("1.1234567"),
                                                  Decimal("1.123456")])), min_size=0))
def test_statuses_count_what_the_importer_rejects(changes):
    """A status counts an input as bad exactly when the importer's read_value rejects it."""
    values = {i: 0 for i in FMT.inputs}
    values.update(changes)
    f = Formulas(LAYOUT, values)
    total_bad = 0
    for sheet in f.plan.tables:
        ids = f.plan.tables[sheet][0]
        bad = sum(1 for i in ids if values[i] is not None
                  and read_value(values[i], FMT.value_kinds[FMT.datapoints[i].kind])[0] is None)
        blank = sum(1 for i in ids if values[i] is None)
        total_bad += bad
        text = f.table_status(sheet).value
        assert (f"有{bad}格不是" in text) == (bad > 0), text
        assert (f"还有{blank}项未填写" in text) == (blank > 0), text
        assert text.startswith("√") == (not bad and not blank and "勾稽" not in text)
    overall = f.overall().value
    assert (f"有{total_bad}格不是" in overall) == (total_bad > 0)


# what a person may leave in a text box: words, and the blanks the cover's test removes
TEXT = st.text(st.sampled_from(["甲", "a", " ", "\u3000", "\u00a0", "\n", "\t", "\r"]), max_size=4)


@settings(max_examples=40, deadline=None)
@given(st.dictionaries(st.sampled_from(sorted(FMT.texts)), st.one_of(st.none(), TEXT)))
def test_cover_names_the_sections_r13_reports(texts):
    """The cover names exactly the text sections the importer's R13 finds missing and the 信息
    处理费 statement when its R14 warns (for the blanks it knows), and passes only when neither
    does (it said √ 全部校验通过 while ``nianbao check`` warned); a summary's cover never names
    one."""
    values = {i: 0 for i in FMT.inputs}
    missing = [s.heading for s in FMT.sections if s.number not in sections_present(FMT, texts)]
    if evaluate(FMT, Context(values=values, texts=texts), only={"R14"}):
        missing.append("六（1）信息处理费收取情况")
    overall = Formulas(LAYOUT, values, texts).overall().value
    if missing:
        assert overall == "待填写：文字部分" + "、".join(f"“{h}”" for h in missing) + "未填写"
    else:
        assert overall == "√ 全部校验通过"
    assert Formulas(LAYOUT, values, None).overall().value == "√ 全部校验通过"


def test_text_sections_are_those_without_a_required_field():
    """一 and 五 (六's blank fee statement is R14's warning, not R13)."""
    assert [s.number for s in text_sections(FMT)] == ["一", "五"]


def _formulas(data: bytes) -> list[tuple[str, str, str]]:
    """(sheet part, attributes, formula) of every <f> element in a workbook's sheets."""
    z = zipfile.ZipFile(io.BytesIO(data))
    out = []
    for name in z.namelist():
        if name.startswith("xl/worksheets/sheet"):
            xml = z.read(name).decode("utf-8")
            found = re.findall(r"<f\b([^>]*)>([^<]*)</f>", xml)
            assert len(found) == len(re.findall(r"<f[ />]", xml)), name  # none missed
            out += [(name, a, html.unescape(t)) for a, t in found]
    return out


def test_no_array_formulas_and_none_too_long():
    """Excel refuses an array (CSE) formula in a merged cell, and the statuses are merged: no
    workbook the tool writes holds one (blank, a body's, with last year's report, a summary);
    every formula stays within Excel's 8,192 characters."""
    org = {"code": "140521100", "name": "中村镇人民政府", "kind": "乡镇"}
    prev = Report.from_json({"format": "gb2021", "year": 2025, "org": org,
                             "values": {"t3.carried_forward.natural_person": 2, "t2.regulations.in_force": 4}})
    values = {i: 1 for i in FMT.inputs}
    reports = [build_report(FMT, year=2026, org={**org, "code": c}, values=values, texts={},
                            source={"file": f"{c}.xlsx", "sha256": c}) for c in ("1", "2")]
    summary, _ = merge_reports(reports, include_invalid=True)
    books = {"blank": template_bytes(year=2026, org=None),
             "body": template_bytes(year=2026, org=org),
             "previous": template_bytes(year=2026, org=org, previous=prev),
             "summary": summary_xlsx(summary, reports)}
    statuses = sum(1 for p in LAYOUT.places if p.role == "status")
    for name, data in books.items():
        found = _formulas(data)
        assert len(found) >= statuses + 7, name  # the statuses and R1 marks at least
        assert [(s, a) for s, a, _ in found if "array" in a or "shared" in a] == [], name
        assert max(len(t) for _, _, t in found) <= 8192, name
    assert any("R8" in t or "相符" in t for _, _, t in _formulas(books["previous"]))
