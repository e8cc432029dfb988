"""The 2019 trial format as data: sound, and different from 2021 exactly where spec §8 says."""

from __future__ import annotations

from nianbao.lint import lint
from nianbao.rules import Context, evaluate
from nianbao.spec import format_for_year, get_format
from nianbao.values import read_value as read


def read_value(raw, kind, label=""):
    return read(raw, get_format("gb2019").value_kinds[kind], label)


def test_lint_is_clean():
    assert lint("gb2019") == []


def test_shape_of_the_tables():
    f19, f21 = get_format("gb2019"), get_format("gb2021")
    t3 = f19.table("t3").blocks[0]
    assert len(t3.row_leaves) == 23
    assert sum(1 for r in t3.row_leaves if "result" in r.tags) == 19
    assert "t3.other.total" in f19.datapoints and "t3.other.other.total" not in f19.datapoints
    # table 三 columns and table 四 are those of 2021
    assert [c.key for c in t3.column_leaves] == [c.key for c in f21.table("t3").blocks[0].column_leaves]
    assert [i for i in f19.datapoints if i.startswith("t4.")] == [
        i for i in f21.datapoints if i.startswith("t4.")]
    t2 = f19.table("t2")
    assert [b.title for b in t2.blocks][-1] == "第二十条第（九）项"
    assert [c.label for c in t2.blocks[0].column_leaves] == ["本年新制作数量", "本年新公开数量", "对外公开总数量"]
    assert len([i for i in f19.datapoints if i.startswith("t2.")]) == 6 + 6 + 6 + 2 + 2
    assert f19.detect["t2_headers"] == ["本年新制作数量"]


def test_kinds_of_the_columns():
    f = get_format("gb2019")
    assert f.datapoints["t2.licensing.items_change"].kind == "signed"
    assert f.datapoints["t2.procurement.amount"].kind == "amount"
    assert f.datapoints["t2.procurement.items"].kind == "count"
    assert read_value("-3", "signed", "本年增/减") == (-3, None)
    assert read_value("-3", "count", "x")[1].code == "VALUE_NEGATIVE"


def test_years_and_r15():
    f = get_format("gb2019")
    assert (f.first_year, f.last_year) == (2019, 2020)
    assert format_for_year(2020).id == "gb2019" and format_for_year(2021).id == "gb2021"
    ctx = dict(values={}, texts={}, sections_found=None)
    assert [x.rule for x in evaluate(f, Context(year=2022, **ctx), only={"R15"})] == ["R15"]
    assert evaluate(f, Context(year=2020, **ctx), only={"R15"}) == []
    assert f.rule("R14") is None and f.rule("R11") is None


def test_the_2019_instructions_are_the_2019_formats():
    """Issue 9: a gb2019 template for 2020 said fees are in 万元 and that 六 must state the
    信息处理费 (the 2021 format's words, in code); the words are each format's data now."""
    import io

    import openpyxl

    from nianbao.template_workbook import template_bytes

    def instructions(year):
        wb = openpyxl.load_workbook(io.BytesIO(template_bytes(year=year, org=None)))
        return "\n".join(str(c.value) for c in wb["填报说明"]["A"] if c.value)

    y2020, y2026 = instructions(2020), instructions(2026)
    assert "行政事业性收费金额的单位是万元" in y2026 and "必须写明信息处理费收取情况" in y2026
    assert "行政事业性收费金额" not in y2020 and "信息处理费" not in y2020
    assert "本年增/减" in y2020 and "国办公开办函〔2019〕60号" in y2020
