"""The seed: the published report of 中村镇 (2022) typed into its template imports cleanly, with
only the R14 warning (its 六 has no 信息处理费 statement). ``samples/zhongcun-2022.xlsx`` and
``.json`` are this workbook and its import; regenerate them with
``python3 tests/test_import_seed.py``."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from helpers import SEED_TXT  # noqa: E402
from helpers.import_kit import FMT, ZC, imp, zeros  # noqa: E402
from nianbao.report import dumps  # noqa: E402
from nianbao.template_workbook import template_bytes  # noqa: E402

SAMPLES = HERE.parent / "samples"
XLSX, JSON = SAMPLES / "zhongcun-2022.xlsx", SAMPLES / "zhongcun-2022.json"
_STOPS = ("二、主动公开政府信息情况", "五、存在的主要问题及改进情况", "六、其他需要报告的事项")


def seed_texts(text: str) -> dict:
    """Sections 一, 五, 六 of the published text: paragraphs joined by line breaks."""
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    out, current = {}, None
    headings = {f.heading: f.id for f in FMT.texts.values() if f.heading}
    for ln in lines:
        head = next((h for h in headings if ln.startswith(h)), None)
        if ln == "一、总体情况":
            current = "s1.intro"
        elif head and len(ln) <= len(head) + 3:
            current = headings[head]
        elif ln.startswith(_STOPS[0]):
            current = None
        elif ln.startswith(_STOPS[1]):
            current = "s5.problems_and_improvements"
        elif ln.startswith(_STOPS[2]):
            current = "s6.other_matters"
        elif current:
            out[current] = out[current] + "\n" + ln if current in out else ln
    return out


def seed_numbers(text: str) -> list[str]:
    """Every number cell of the three tables (sections 二 to 四) as printed (tab-separated)."""
    body = text[text.index(_STOPS[0]):text.index(_STOPS[1])]
    return [c.strip() for line in body.splitlines() for c in line.split("\t")
            if re.fullmatch(r"\d+(\.\d+)?", c.strip())]


def build(out: Path) -> Path:
    text = SEED_TXT.read_text(encoding="utf-8")
    numbers = seed_numbers(text)
    assert len(numbers) == len(FMT.datapoints) and set(numbers) == {"0"}  # the seed: 200 zeros
    texts = seed_texts(text)
    assert set(texts) == {f.id for f in FMT.texts.values()} - {"s6.processing_fees"}
    out.write_bytes(template_bytes(year=2022, org=ZC, prefill={**zeros(), **texts}))
    return out


def test_seed_imports_cleanly_with_r14(tmp_path):
    result = imp(build(tmp_path / XLSX.name))
    assert [(f.code, f.rule, f.severity) for f in result.findings] == \
        [("RULE_FEE_STATEMENT", "R14", "warning")]
    report = result.report.to_json()
    assert report["org"] == ZC and report["year"] == 2022
    assert set(report["values"].values()) == {0, "0"} and len(report["values"]) == 200
    assert report["texts"]["s6.other_matters"] == "无其他需要报告的事项。"
    assert report["texts"]["s6.processing_fees"] == ""
    assert report["texts"]["s1.active_disclosure"].endswith("2022年我镇主动公开信息共45条。")
    assert report["texts"]["s5.problems_and_improvements"].count("\n") == 5
    committed = json.loads(JSON.read_text(encoding="utf-8"))
    fresh = json.loads(dumps(report))
    committed["source"].pop("sha256")  # the only thing that varies: the template writer's bytes
    fresh["source"].pop("sha256")
    assert fresh == committed


def test_committed_sample_imports_to_committed_json():
    assert dumps(imp(XLSX).report) == JSON.read_text(encoding="utf-8")


if __name__ == "__main__":
    build(XLSX)
    JSON.write_text(dumps(imp(XLSX).report), encoding="utf-8")
    print(XLSX, JSON)
