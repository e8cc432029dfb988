"""The test helpers do what the tests rely on them for."""

from __future__ import annotations

import openpyxl

from helpers.import_kit import FMT, WHERE, consistent, fill, template


def test_fill_puts_values_where_the_layout_says(tmp_path):
    src = template(tmp_path)
    out = fill(src, tmp_path / "f.xlsx", {"t3.received.research": 7}, {"s5.problems_and_improvements": "问题"})
    wb = openpyxl.load_workbook(out)
    p = WHERE["t3.received.research"]
    assert wb[p.sheet][p.ref].value == 7
    p = WHERE["s5.problems_and_improvements"]
    assert wb[p.sheet][p.ref].value == "问题"


def test_consistent_values_balance():
    import random

    from nianbao.rules import Context, evaluate, recompute_totals

    rng = random.Random(1)
    vals = consistent(rng.randint)
    vals.update(recompute_totals(FMT, vals))
    assert evaluate(FMT, Context(vals, {}, 2022), only={"R1", "R2", "R3", "R4"}) == []
