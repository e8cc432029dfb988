"""The same filled workbook re-saved by other spreadsheet programs imports to the same JSON:
LibreOffice (headless, recalculating) and, where installed, Gnumeric's ``ssconvert``."""

from __future__ import annotations

import random
import shutil
import subprocess
from decimal import Decimal

import pytest

from helpers.import_kit import FEES, at, consistent, fill, imp, stale_workbook, template, where
from helpers.lo import convert, needs_soffice

TEXTS = {"s1.intro": "2022年，我镇认真贯彻落实《条例》。\n第二段：主动公开信息45条。",
         "s1.requests": "全年未收到政府信息公开申请。", "s5.problems_and_improvements": "一是……\n二是……",
         "s6.processing_fees": FEES, "s6.other_matters": "无其他需要报告的事项。"}


def _same_report(a, b):
    a, b = a.to_json(), b.to_json()
    for key in ("format", "year", "org", "values", "texts", "contact"):
        assert a.get(key) == b.get(key), key
    assert a["source"]["template"] == b["source"]["template"]
    strip = [{k: v for k, v in f.items()} for f in a["findings"]]
    assert strip == b["findings"]


@pytest.fixture(scope="module")
def originals(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("writers")
    values = consistent(random.Random(11).randint)
    values["t2.fees.amount"] = Decimal("9116.36")
    values["t3.received.research"] += 1  # one R1 error, so findings are compared too
    typed = fill(template(tmp, "t.xlsx"), tmp / "typed.xlsx", values, TEXTS)
    blank = fill(template(tmp, "b.xlsx", org=None), tmp / "blank.xlsx", values,
                 {**TEXTS, "org.name": "东村镇人民政府", "org.code": "140521101", "org.kind": "乡镇",
                  "contact.person": "王五"})
    return [typed, blank]


@needs_soffice
def test_resaved_by_libreoffice(originals, tmp_path):
    stale = stale_workbook(tmp_path)
    formula = fill(originals[0], tmp_path / "formula.xlsx", {"t4.review.upheld": "=1+2"})
    saved = convert(originals + [stale, formula], tmp_path / "lo")  # one soffice run
    calculated = imp(saved.pop())  # a formula typed into an input: its result is read, and said
    assert calculated.report.to_json()["values"]["t4.review.upheld"] == 3
    assert ("VALUE_FORMULA", *at("t4.review.upheld")) in where(calculated)
    assert "=1+2" in [f for f in calculated.findings if f.code == "VALUE_FORMULA"][0].message()
    for original, resaved in zip(originals, saved):
        a, b = imp(original), imp(resaved)
        assert ("RULE_BALANCE", *at("t3.carried_forward.research")) in where(a)
        _same_report(a.report, b.report)
    # the stale file, recalculated: the same values, and no stale total any more
    before, after = imp(stale), imp(saved[-1])
    assert where(before, "TOTAL_CACHE_STALE") and not where(after, "TOTAL_CACHE_STALE")
    assert before.report.to_json()["values"] == after.report.to_json()["values"]


@pytest.mark.skipif(shutil.which("ssconvert") is None, reason="Gnumeric (ssconvert) is not installed")
def test_resaved_by_gnumeric(originals, tmp_path):
    for original in originals:
        out = tmp_path / ("gn-" + original.name)
        subprocess.run(["ssconvert", str(original), str(out)], check=True, capture_output=True, timeout=120)
        _same_report(imp(original).report, imp(out).report)
