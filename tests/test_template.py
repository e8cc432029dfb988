"""The generated template, opened with openpyxl: protection, locking, defined names, labels,
merges, data validation, formulas, identity and page set-up — all against the layout."""

from __future__ import annotations

import io

import openpyxl
import pytest
from openpyxl.utils import range_boundaries

from nianbao import layout as L
from nianbao.report import Report
from nianbao.template_workbook import meta, template_bytes

ORG = {"code": "140521100", "name": "中村镇人民政府", "kind": "乡镇"}


def _load(data: bytes, **kw):
    return openpyxl.load_workbook(io.BytesIO(data), **kw)


@pytest.fixture(scope="module")
def named():
    return _load(template_bytes(year=2026, org=ORG))


@pytest.fixture(scope="module")
def blank():
    return _load(template_bytes(year=2026, org=None))


def _input_places(layout, org):
    """Places a person types into: inputs, texts, contact fields (and identity when blank)."""
    for p in layout.places:
        if p.role in ("input", "text"):
            yield p
        elif p.role == "cover" and p.id != "report.year" and (p.kind != "org" or org is None):
            yield p


def _cells(ws, rng):
    c0, r0, c1, r1 = range_boundaries(rng)
    return [ws.cell(r, c) for r in range(r0, r1 + 1) for c in range(c0, c1 + 1)]


def test_sheets_in_order_and_identity_sheet_very_hidden(named, layout):
    assert named.sheetnames == [L.INSTRUCTIONS_SHEET] + [s.name for s in layout.sheets] + [L.META_SHEET]
    assert named[L.META_SHEET].sheet_state == "veryHidden"
    assert all(ws.sheet_state == "visible" for ws in named.worksheets[:-1])


@pytest.mark.parametrize("which", ["named", "blank"])
def test_every_sheet_protected_no_insert_delete_columns_resizable(which, request):
    wb = request.getfixturevalue(which)
    for ws in wb.worksheets:
        p = ws.protection
        assert p.sheet, ws.title
        assert p.insertRows and p.deleteRows and p.insertColumns and p.deleteColumns, ws.title
        assert p.password is None  # documented: protected without a password
        if ws.title != L.META_SHEET:
            assert p.formatColumns is False, ws.title  # column widths may be changed


@pytest.mark.parametrize("which,org", [("named", ORG), ("blank", None)])
def test_only_input_cells_unlocked(which, org, request, layout):
    wb = request.getfixturevalue(which)
    unlocked = {(p.sheet, c.coordinate) for p in _input_places(layout, org)
                for c in _cells(wb[p.sheet], p.range)}
    assert unlocked
    seen = set()
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                if c.has_style and not isinstance(c, openpyxl.cell.cell.MergedCell):
                    key = (ws.title, c.coordinate)
                    assert c.protection.locked == (key not in unlocked), key
                    seen.add(key)
    assert {u for u in unlocked if not isinstance(wb[u[0]][u[1]], openpyxl.cell.cell.MergedCell)} <= seen
    # tabbing goes input to input: locked cells cannot be selected on the form sheets
    for s in layout.sheets:
        assert wb[s.name].protection.selectLockedCells is True  # "1" = selection prohibited


def test_defined_names_for_all_ids(named, layout, fmt):
    names = {n: d.attr_text for n, d in named.defined_names.items()}
    ids = list(fmt.datapoints) + list(fmt.texts) + [f[0] for f in L.COVER_FIELDS]
    assert len(fmt.datapoints) == 200
    for i in ids:
        sheet, ref = layout.where(i)
        target = names[L.defined_name(i)]
        assert target == f"'{sheet}'!${ref.rstrip('0123456789')}${ref.lstrip('ABCDEFGHIJKLMNOPQRSTUVWXYZ')}"
        cell = named[sheet][ref]
        if i in fmt.datapoints:
            dp = fmt.datapoints[i]
            if dp.computed:
                assert cell.protection.locked and cell.value == "=" + layout.total_formula(i), i
            else:
                assert not cell.protection.locked and cell.value is None, i
    assert {L.item_of_name(n) for n in names} == set(layout.by_id)


def test_every_label_verbatim_and_merges_as_layout(named, layout, fmt):
    for s in layout.sheets:
        ws = named[s.name]
        for p in s.places:
            if p.text is not None:
                assert ws[p.ref].value == p.text, (s.name, p.ref)
        want = {p.range for p in s.places if p.merged}
        assert {str(r) for r in ws.merged_cells.ranges} == want, s.name
    written = {ws[p.ref].value for p in layout.places if p.text for ws in [named[p.sheet]]}

    def labels(nodes):
        for n in nodes:
            if n.label:
                yield n.label
            yield from labels(n.children)
    for t in fmt.tables:
        assert t.title in written
        for b in t.blocks:
            for lab in [b.title, b.corner, *labels(b.columns), *labels(b.rows)]:
                assert lab is None or lab in written, lab
    for f in fmt.texts.values():
        assert f.label in written


def _validation_at(ws, ref):
    found = [dv for dv in ws.data_validations.dataValidation if ref in dv.sqref]
    assert len(found) == 1, (ws.title, ref, len(found))
    return found[0]


@pytest.mark.parametrize("which,org", [("named", ORG), ("blank", None)])
def test_every_input_has_the_right_validation(which, org, request, layout, fmt):
    wb = request.getfixturevalue(which)
    for p in _input_places(layout, org):
        dv = _validation_at(wb[p.sheet], p.ref)
        assert dv.showErrorMessage and dv.errorStyle in (None, "stop"), p.id
        assert dv.showInputMessage and dv.prompt and dv.error, p.id
        assert any("\u4e00" <= ch <= "\u9fff" for ch in dv.error + dv.prompt), p.id
        # the bounds of the format's kinds (issue 8 item 20: 1E+308 passed the validation)
        if p.kind == "count":
            assert (dv.type, dv.operator, dv.formula1, dv.formula2) == ("whole", None, "0", "9999999999"), p.id
            assert "整数" in dv.error and "负数" in dv.error and "100亿" in dv.error
        elif p.kind == "amount":
            assert (dv.type, dv.operator, dv.formula1, dv.formula2) == ("decimal", None, "0", "999999999.999999")
            assert "万元" in dv.prompt and "10亿" in dv.error
        elif p.kind == "text":
            assert (dv.type, dv.operator) == ("textLength", "lessThanOrEqual")
            assert dv.formula1 == str(fmt.kinds["text"]["max_length"])
        elif p.id == "org.kind":
            assert dv.type == "list"
            assert dv.formula1.strip('"').split(",") == [k for k in fmt.org_kinds if k != "汇总"]
        else:
            assert dv.type == "textLength", p.id


def test_named_identity_locked_and_filled(named, blank, layout):
    cover = named[L.COVER_SHEET]
    for fid, key in (("org.name", "name"), ("org.code", "code"), ("org.kind", "kind")):
        ref = layout.by_id[fid].ref
        assert cover[ref].value == ORG[key] and cover[ref].protection.locked
        assert blank[L.COVER_SHEET][ref].value is None
        assert not blank[L.COVER_SHEET][ref].protection.locked
    year = layout.by_id["report.year"].ref
    assert cover[year].value == 2026 and blank[L.COVER_SHEET][year].protection.locked


@pytest.mark.parametrize("org", [ORG, None])
def test_identity_properties_and_meta_sheet(org):
    wb = _load(template_bytes(year=2026, org=org))
    want = meta("gb2021", 2026, org)
    props = {p.name: p.value for p in wb.custom_doc_props.props}
    for k in L.META_KEYS:
        assert (props[L.PROPERTY_PREFIX + k] or "") == want[k], k
    rows = {r[0]: r[1] or "" for r in wb[L.META_SHEET].iter_rows(values_only=True)}
    assert rows == want
    assert want["fingerprint"] == L.layout_for("gb2021").fingerprint
    assert want["template_id"] != meta("gb2021", 2027, org)["template_id"]


def test_checks_and_statuses_are_formulas_with_conditional_formats(named, layout):
    for s in layout.sheets:
        ws = named[s.name]
        marks = [p for p in s.places if p.role in ("check", "status")]
        covered = {c.coordinate for cf in ws.conditional_formatting
                   for rng in str(cf.sqref).split() for c in _cells(ws, rng)}
        for p in marks:
            assert str(ws[p.ref].value).startswith("=IF("), p.id
            assert p.ref in covered, p.id
    assert sum(1 for p in layout.places if p.role == "check") == 7  # R1 per column


def test_instructions_sheet(named, fmt):
    ws = named[L.INSTRUCTIONS_SHEET]
    text = "\n".join(str(r[0]) for r in ws.iter_rows(values_only=True) if r[0])
    assert "2027年1月31日" in text and "中村镇人民政府" in text and "主管部门" in text
    for rule in fmt.rules:
        assert f"{rule.id}　{rule.title}" in text
    assert "“封面”还会指出尚未填写的文字部分（“一、总体情况”、“五、存在的主要问题及改进情况”、“六（1）信息处理费收取情况”）" in text


def test_print_setup(named, layout):
    for s in layout.sheets:
        ws = named[s.name]
        assert ws.page_setup.paperSize == 9 and ws.sheet_properties.pageSetUpPr.fitToPage, s.name
        wide = sum(s.widths) > 100
        assert (ws.page_setup.orientation == "landscape") == wide, s.name
    assert named["三、依申请公开"].page_setup.orientation == "landscape"
    assert named["四、复议诉讼"].page_setup.orientation == "landscape"


def test_cached_results_of_blank_template(blank, layout):
    values = _load(template_bytes(year=2026, org=None), data_only=True)
    for p in layout.places:
        v = values[p.sheet][p.ref].value
        if p.role == "total":
            assert v == 0
        elif p.role == "check":
            assert v == "待填写"
    assert values[L.COVER_SHEET][layout.by_id[L.COVER_STATUS].ref].value == (
        "待填写：还有166项未填写，文字部分“一、总体情况”、“五、存在的主要问题及改进情况”、"
        "“六（1）信息处理费收取情况”未填写，请查看各表顶部的校验状态")


def test_prefill_and_previous():
    from decimal import Decimal

    prev = {"format": "gb2021", "year": 2025, "org": ORG,
            "values": {"t3.carried_forward.natural_person": 3, "t3.carried_forward.total": 3,
                       "t2.normative_documents.in_force": 12}}
    data = template_bytes(year=2026, org=ORG, previous=Report.from_json(prev),
                          prefill={"t2.fees.amount": Decimal("1.25"), "s5.problems_and_improvements": "无"})
    wb = _load(data)
    lay = L.layout_for("gb2021")
    at = lambda i: wb[lay.by_id[i].sheet][lay.by_id[i].ref]  # noqa: E731
    assert at("t3.carried_over.natural_person").value == 3
    assert not at("t3.carried_over.natural_person").protection.locked
    assert at("t3.carried_over.commercial").value is None  # not in last year's report: blank
    assert at("t2.fees.amount").value == 1.25
    assert at("s5.problems_and_improvements").value == "无"
    ws = wb[lay.by_id["t2.normative_documents.in_force"].sheet]
    row = lay.by_id["t2.normative_documents.in_force"].row + 1
    shown = [c.value for c in ws[row] if c.value is not None]
    assert 12 in shown and any(str(v).startswith("=IF(COUNT(") for v in shown)


def test_summary_kind_locks_everything_and_adds_extra_sheets(layout, fmt):
    from nianbao.template_workbook import workbook_bytes

    values = {i: 1 for i in fmt.inputs}
    county = {"code": "140521", "name": "青山县", "kind": "汇总"}

    def extra(wb, styles):
        wb.add_worksheet("分单位明细").write_string(0, 0, "单位", styles["header"])

    wb = _load(workbook_bytes(year=2026, org=county, values=values, texts={"s1.intro": "总体"},
                              kind="summary", extra=extra))
    assert wb.sheetnames[-2:] == ["分单位明细", L.META_SHEET]
    for s in layout.sheets:
        ws = wb[s.name]
        assert ws.protection.sheet
        assert not ws.data_validations.dataValidation
        for row in ws.iter_rows():
            for c in row:
                if c.has_style and not isinstance(c, openpyxl.cell.cell.MergedCell):
                    assert c.protection.locked, (s.name, c.coordinate)
    at = lambda i: wb[layout.by_id[i].sheet][layout.by_id[i].ref].value  # noqa: E731
    assert at("t3.received.natural_person") == 1 and at("s1.intro") == "总体"
    assert at("t3.received.total") == "=" + layout.total_formula("t3.received.total")
    props = {p.name: p.value for p in wb.custom_doc_props.props}
    assert props["nianbao.kind"] == "summary" and props["nianbao.org_kind"] == "汇总"
    cached = _load(workbook_bytes(year=2026, org=county, values=values, kind="summary"), data_only=True)
    assert cached[layout.by_id["t3.received.total"].sheet][layout.by_id["t3.received.total"].ref].value == 6


def test_summary_instructions_speak_about_the_summary(fmt):
    """A summary workbook's 填报说明 says what the summary is and when it goes up, not how a body
    fills in a form by 1月31日; its rule list is the rules that apply to a summary."""
    from helpers.reports import counter_values, make_report
    from nianbao.summary_workbook import SHEETS, summary_xlsx
    from nianbao.summing import merge_reports, summary_rules

    reports = [make_report(c, counter_values(n)) for n, c in enumerate(("11", "12", "13"))]
    summary, _ = merge_reports(reports, org={"code": "140521", "name": "青山县"})
    ws = _load(summary_xlsx(summary, reports))[L.INSTRUCTIONS_SHEET]
    text = "\n".join(str(r[0]) for r in ws.iter_rows(values_only=True) if r[0])
    assert "2026年度政府信息公开工作年度报告数据汇总表说明" in text
    assert "汇总单位：青山县（单位代码 140521）" in text
    assert "将3个单位的报告逐项相加" in text and "之和" in text
    assert "2027年2月20日前" in text and "1月31日" not in text
    assert "填好本表" not in text and "浅黄色" not in text and "已锁定" in text
    assert "文字不汇总" in text
    for sheet, what in SHEETS:
        assert f"·“{sheet}”：{what}" in text
    applies = summary_rules(fmt)
    assert {r.id for r in applies} >= {"R1", "R2", "R3", "R4", "R6"}
    assert not {r.id for r in applies} & {"R10", "R11", "R12", "R13", "R14", "R17", "R19", "R20"}
    for rule in fmt.rules:
        assert (f"{rule.id}　{rule.title}——" in text) == (rule in applies), rule.id
        assert f"{rule.id}（{rule.title}）" in text or rule in applies, rule.id


def test_inputs_the_importer_rejects_turn_red(blank, layout):
    """Every number input has a formula conditional format (relative to its rectangle's
    top-left cell) that fills it red when it holds a negative, a fraction in a count, or text."""
    from nianbao.workbook_formulas import bad_cell

    for s in layout.sheets:
        ws = blank[s.name]
        red = {}
        for cf in ws.conditional_formatting:
            for rule in cf.rules:
                if rule.type == "expression":
                    for rng in str(cf.sqref).split():
                        first = rng.split(":")[0]
                        for c in _cells(ws, rng):
                            red[c.coordinate] = (rule.formula[0], first, rule.dxf.fill.bgColor.rgb)
        for p in s.places:
            if p.role == "input":
                formula, first, fill = red[p.ref]
                assert formula == bad_cell(layout.format.value_kinds[p.kind], first), p.id
                assert fill.endswith("FFC7CE"), p.id


def test_counts_and_totals_show_a_fraction(blank, layout):
    """General, not "0": 2.5 pasted into a count shows as 2.5, and so does a total."""
    for p in layout.places:
        if p.role == "total" or (p.role == "input" and p.kind == "count"):
            assert blank[p.sheet][p.ref].number_format == "General", p.id


def test_no_status_cell_crosses_the_frozen_columns(blank, layout):
    """LibreOffice repaints only one side of a merged cell across the freeze line."""
    from openpyxl.utils.cell import column_index_from_string, coordinate_from_string

    frozen = 0
    for s in layout.sheets:
        if not s.table:
            continue
        status = next(p for p in s.places if p.role == "status")
        pane = blank[s.name].freeze_panes
        if pane:
            col = column_index_from_string(coordinate_from_string(pane)[0]) - 1
            frozen += col > 0
            assert not status.col < col < status.col + status.cols, (s.name, status.range, pane)
    assert frozen == 1  # table 三 keeps its label columns on screen


def test_rows_are_as_tall_as_their_wrapped_text(blank, layout):
    """Labels and statuses (at their longest) fit their rows; table 三's longest row label
    reads on one line."""
    from nianbao.template_workbook import LINE_PT
    from nianbao.workbook_formulas import Formulas
    from nianbao.workbook_styles import wrapped_lines as _lines

    f = Formulas(layout, {}, {})  # a template's: the cover also names blank texts
    for s in layout.sheets:
        ws = blank[s.name]
        for p in s.places:
            if p.role == "status":
                text = f.widest_status(None if p.id == L.COVER_STATUS else p.sheet)
            elif p.role == "label" and p.rows == 1:
                text = p.text
            else:
                continue
            lines = _lines(text, sum(s.widths[p.col:p.col + p.cols]))
            height = ws.row_dimensions[p.row + 1].height or 15
            assert height >= lines * LINE_PT, (s.name, p.ref, text)
    part = next(p for p in layout.places if p.text and p.text.startswith("（二）部分公开"))
    assert _lines(part.text, sum(layout.sheet(part.sheet).widths[part.col:part.col + part.cols])) == 1
