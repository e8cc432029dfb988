"""The template in a real spreadsheet engine: LibreOffice headless recalculates filled copies.

Copies of the generated template are filled with openpyxl (as a person would type), and also
written pre-filled by the generator; one soffice call recalculates them all. Then, read with
``data_only=True``: totals are the sums, R1 marks and status cells say pass or fail as they
should, the generator's cached results equal what LibreOffice computes, and defined names,
protection and validation survive the round trip. The cover names a blank text section that the
importer's R13 reports missing, and says nothing of texts in a summary.
"""

from __future__ import annotations

import io
import random
from decimal import Decimal

import openpyxl
import pytest

from helpers.lo import needs_soffice, recalc
from nianbao import layout as L
from nianbao.importer import import_workbook
from nianbao.report import Report
from nianbao.template_workbook import template_bytes, workbook_bytes

pytestmark = needs_soffice
ORG = {"code": "140521100", "name": "中村镇人民政府", "kind": "乡镇"}
COUNTY = {"code": "140521", "name": "某县", "kind": "汇总"}
NO_S1 = "待填写：文字部分“一、总体情况”未填写"
COLS = ("natural_person", "commercial", "research", "public_interest", "legal_services", "other_org")


def balanced(fmt, seed=7) -> dict:
    """Random inputs for which R1 holds in every column."""
    rnd = random.Random(seed)
    v = {i: rnd.randint(0, 9) for i in fmt.inputs}
    v["t2.fees.amount"] = Decimal("12.35")
    for c in COLS:
        done = sum(v[i] for i in fmt.computed[f"t3.total.{c}"])
        v[f"t3.carried_over.{c}"] = rnd.randint(0, 3)
        v[f"t3.carried_forward.{c}"] = rnd.randint(3, 6)
        v[f"t3.received.{c}"] = done + v[f"t3.carried_forward.{c}"] - v[f"t3.carried_over.{c}"]
    return v


def all_texts(fmt) -> dict:
    return {t: f"{fmt.texts[t].label}：本年度按要求办理。" for t in fmt.texts}


def blank_s1(fmt) -> dict:
    """Every text but section 一's, which holds only what the importer strips (blanks)."""
    spaces = ["", " ", "\u3000\u3000", "\n\t ", "\u00a0", None]
    return dict(all_texts(fmt), **{t: spaces.pop() for t in fmt.texts if t.startswith("s1.")})


def _fill(path, values, layout):
    wb = openpyxl.load_workbook(path)
    for i, v in values.items():
        p = layout.by_id[i]
        wb[p.sheet][p.ref].value = float(v) if isinstance(v, Decimal) else (None if v == "" else v)
    wb.save(path)


@pytest.fixture(scope="module")
def engine(tmp_path_factory, fmt, layout):
    src = tmp_path_factory.mktemp("in")
    good = balanced(fmt)
    bad = dict(good, **{"t3.received.research": good["t3.received.research"] + 2})
    half = {i: v for i, v in good.items() if not i.startswith("t3.")}
    texts, no_s1 = all_texts(fmt), blank_s1(fmt)
    # what pasting past the validation can leave: a fraction, a negative and a negative
    # fraction (one bad cell, not two) in counts, a negative amount, text, a number as text
    # ("-1": text, not also a negative), a lone space; in table 三 a fraction that breaks R1
    invalid = dict(good, **{"t4.review.upheld": 2.5, "t4.review.corrected": -1,
                            "t4.review.other": -2.5,
                            "t4.suit_direct.other": " ", "t2.fees.amount": -3.5,
                            "t2.regulations.issued": "无", "t2.regulations.repealed": "-1",
                            "t2.licensing.decisions": 10**10,  # above the format's bound
                            "t3.received.research": good["t3.received.research"] + 0.5,
                            "t3.carried_over.other_org": None})
    written = {i: (Decimal(str(v)) if isinstance(v, float) else v) for i, v in invalid.items()}
    prev = Report.from_json({"format": "gb2021", "year": 2025, "org": ORG,
                             "values": {"t2.regulations.in_force": 0, "t2.normative_documents.in_force": 10}})
    files = {
        "blank": template_bytes(year=2026, org=None),
        "typed_good": template_bytes(year=2026, org=ORG),
        "typed_bad": template_bytes(year=2026, org=ORG),
        "typed_half": template_bytes(year=2026, org=ORG),
        "typed_no_s1": template_bytes(year=2026, org=ORG),
        "pre_good": template_bytes(year=2026, org=ORG, prefill={**good, **texts}),
        "pre_bad": template_bytes(year=2026, org=ORG, prefill={**bad, **texts}),
        "pre_no_s1": workbook_bytes(year=2026, org=ORG, values=good, texts=no_s1),
        "pre_prev": template_bytes(year=2026, org=ORG, prefill=good, previous=prev),
        "summary": workbook_bytes(year=2026, org=COUNTY, values=good, texts={}, kind="summary"),
        "typed_invalid": template_bytes(year=2026, org=ORG),
        "pre_invalid": template_bytes(year=2026, org=ORG, prefill=written),
        "typed_precise": template_bytes(year=2026, org=ORG),
    }
    paths = {}
    for name, data in files.items():
        paths[name] = src / f"{name}.xlsx"
        paths[name].write_bytes(data)
    _fill(paths["typed_good"], {**good, **texts}, layout)
    _fill(paths["typed_bad"], {**bad, **texts}, layout)
    _fill(paths["typed_no_s1"], {**good, **no_s1}, layout)
    _fill(paths["typed_half"], half, layout)
    _fill(paths["typed_invalid"], invalid, layout)
    _fill(paths["typed_precise"], {**good, **texts, "t2.fees.amount": 12.1234567}, layout)
    out = recalc(list(paths.values()), tmp_path_factory.mktemp("out"))
    return {"in": paths, "out": dict(zip(paths, out)), "good": good, "bad": bad, "prev": prev}


def _values(path):
    return openpyxl.load_workbook(path, data_only=True)


def _formula_cells(path):
    wb = openpyxl.load_workbook(path)
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                if isinstance(c.value, str) and c.value.startswith("="):
                    yield ws.title, c.coordinate


def test_an_amount_with_more_decimals_than_the_format_allows_is_counted(engine, layout):
    """max_decimals (6 for 万元) in the workbook too: 12.1234567 is red and counted, 12.35 is not."""
    wb = _values(engine["out"]["typed_precise"])
    assert _at(wb, layout, "status.t2") == "× 本表有1格不是有效的数（件数应为不小于0的整数，金额不小于0）"
    assert _at(wb, layout, "status.t3") == "√ 本表全部校验通过"


@pytest.mark.parametrize("name", ["blank", "pre_good", "pre_bad", "pre_no_s1", "pre_prev",
                                  "pre_invalid", "summary"])
def test_cached_results_equal_libreoffice(engine, name):
    """What a viewer that never recalculates shows is what the engine computes."""
    mine, lo = _values(engine["in"][name]), _values(engine["out"][name])
    cells = list(_formula_cells(engine["in"][name]))
    assert len(cells) >= 45
    diff = [(s, ref, mine[s][ref].value, lo[s][ref].value) for s, ref in cells
            if mine[s][ref].value != lo[s][ref].value]
    assert diff == []


def _at(wb, layout, item):
    p = layout.by_id[item]
    return wb[p.sheet][p.ref].value


@pytest.mark.parametrize("name", ["typed_good", "pre_good"])
def test_balanced_totals_and_marks_pass(engine, name, layout, fmt):
    wb = _values(engine["out"][name])
    good = engine["good"]
    for total, parts in fmt.computed.items():
        want = sum(good[p] if p in good else _at(wb, layout, p) for p in parts)
        assert _at(wb, layout, total) == want, total
    for p in layout.places:
        if p.role == "check":
            assert wb[p.sheet][p.ref].value == "√ 通过", p.id
        elif p.role == "status":
            assert wb[p.sheet][p.ref].value.startswith("√ "), p.id
    assert _at(wb, layout, L.COVER_STATUS) == "√ 全部校验通过"


@pytest.mark.parametrize("name", ["typed_bad", "pre_bad"])
def test_unbalanced_column_fails(engine, name, layout):
    wb = _values(engine["out"][name])
    for p in layout.places:
        if p.role == "check":
            want = "× 相差2" if p.id.endswith((".research", ".total")) else "√ 通过"
            assert wb[p.sheet][p.ref].value == want, p.id
    assert _at(wb, layout, "status.t3") == "× 本表勾稽关系不符2列"
    assert _at(wb, layout, "status.t2") == "√ 本表全部校验通过"
    assert _at(wb, layout, L.COVER_STATUS) == "× 勾稽关系不符2处，请查看各表顶部的校验状态"


@pytest.mark.parametrize("name", ["typed_invalid", "pre_invalid"])
def test_inputs_the_importer_rejects_are_counted(engine, name, layout):
    """Validation is gone after a paste: the statuses themselves count negative numbers,
    fractions in counts and text, so the cover never says 全部校验通过 for such a file."""
    wb = _values(engine["out"][name])
    good = engine["good"]
    rest = good["t4.review.pending"]
    assert _at(wb, layout, "t4.review.total") == -1 + rest  # 2.5 - 1 - 2.5 + …: fractions stay
    assert _at(wb, layout, "status.t4") == "× 本表有4格不是有效的件数（应为不小于0的整数）"
    assert _at(wb, layout, "status.t2") == "× 本表有4格不是有效的数（件数应为不小于0的整数，金额不小于0）"
    assert _at(wb, layout, "status.t3") == "× 本表有1格不是有效的件数（应为不小于0的整数），勾稽关系不符1列，还有1项未填写"
    assert _at(wb, layout, L.COVER_STATUS) == (
        "× 有9格不是有效的数（件数应为不小于0的整数，金额不小于0），勾稽关系不符1处，还有1项未填写，"
        "文字部分“一、总体情况”、“五、存在的主要问题及改进情况”、“六（1）信息处理费收取情况”未填写，"
        "请查看各表顶部的校验状态")
    t3 = {p.id: wb[p.sheet][p.ref].value for p in layout.places if p.role == "check"}
    assert t3["check.R1.t3.carried_forward.research"] == "× 相差0.5"
    assert t3["check.R1.t3.carried_forward.other_org"] == "待填写"
    assert t3["check.R1.t3.carried_forward.total"] == "待填写"


def test_half_filled_is_pending(engine, layout):
    wb = _values(engine["out"]["typed_half"])
    assert _at(wb, layout, "status.t2") == "√ 本表全部校验通过"
    assert _at(wb, layout, "status.t3") == "待填写：本表还有144项未填写（没有的填0）"
    assert all(wb[p.sheet][p.ref].value == "待填写" for p in layout.places if p.role == "check")
    assert _at(wb, layout, L.COVER_STATUS) == (
        "待填写：还有144项未填写，文字部分“一、总体情况”、“五、存在的主要问题及改进情况”、"
        "“六（1）信息处理费收取情况”未填写，请查看各表顶部的校验状态")


@pytest.mark.parametrize("name", ["typed_no_s1", "pre_no_s1"])
def test_blank_text_section_is_named_as_the_importer_reports_it(engine, name, layout):
    """Tables all passing, section 一 only blanks: the cover names 一 (not √), and importing
    the same file reports R13 for 一 and for no other section -- the two agree."""
    wb = _values(engine["out"][name])
    assert all(_at(wb, layout, p.id).startswith("√ ") for p in layout.places
               if p.role == "status" and p.id != L.COVER_STATUS)
    assert _at(wb, layout, L.COVER_STATUS) == NO_S1
    r13 = [f for f in import_workbook(engine["in"][name]).findings if f.rule == "R13"]
    assert [f.params["heading"] for f in r13] == ["一、总体情况"]


def test_summary_cover_does_not_ask_for_texts(engine, layout):
    wb = _values(engine["out"]["summary"])
    assert _at(wb, layout, L.COVER_STATUS) == "√ 全部校验通过"


def test_stock_mark_from_previous(engine, layout):
    wb = _values(engine["out"]["pre_prev"])
    good = engine["good"]
    p = layout.by_id["t2.normative_documents.in_force"]
    row = [c.value for c in wb[p.sheet][p.row + 1] if c.value is not None]
    expected = 10 + good["t2.normative_documents.issued"] - good["t2.normative_documents.repealed"]
    diff = abs(good["t2.normative_documents.in_force"] - expected)
    assert 10 in row
    assert ("√ 相符" if diff == 0 else f"△ 相差{diff}，请核实") in row


def test_names_protection_validation_survive_libreoffice(engine, layout):
    before = openpyxl.load_workbook(engine["in"]["blank"])
    after = openpyxl.load_workbook(engine["out"]["blank"])
    def targets(wb):  # LibreOffice drops quotes a sheet name does not need ('封面'!$B$8)
        return {n: tuple(x.strip("'") for x in d.attr_text.split("!")) for n, d in wb.defined_names.items()}
    assert targets(after) == targets(before)
    assert len(targets(after)) == len(layout.by_id)
    for s in layout.sheets:
        ws = after[s.name]
        assert ws.protection.sheet
        assert len(ws.data_validations.dataValidation) >= (1 if any(
            p.role in ("input", "text", "cover") for p in s.places) else 0)
    props = {p.name: p.value for p in after.custom_doc_props.props}
    assert props[L.PROPERTY_PREFIX + "fingerprint"] == layout.fingerprint
    assert after[L.META_SHEET].sheet_state in ("hidden", "veryHidden")  # LibreOffice: hidden


def test_amount_is_exact_in_the_file(engine, layout):
    wb = openpyxl.load_workbook(io.BytesIO(engine["in"]["pre_good"].read_bytes()))
    assert Decimal(str(_at(wb, layout, "t2.fees.amount"))) == Decimal("12.35")
