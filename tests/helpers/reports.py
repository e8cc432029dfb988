"""Reports made in memory for the tests: a body's report of given values (merge, export, the
summary workbook) and a clean report with every text (render, parse)."""

from __future__ import annotations

import random
from decimal import Decimal

from helpers import ROOT
from nianbao.findings import Finding
from nianbao.report import Report, build_report
from nianbao.rules import recompute_totals
from nianbao.spec import get_format

FMT = get_format("gb2021")
YEAR = 2026
COLUMNS = [k for k in ("natural_person", "commercial", "research", "public_interest",
                       "legal_services", "other_org")]
LEAVES = [i.split(".", 1)[1].rsplit(".", 1)[0] for i in FMT.computed["t3.total.natural_person"]]


def valid_values(draw_int, amount: Decimal) -> dict:
    """Inputs that satisfy R1 in every column (totals recomputed, so R2–R4 hold)."""
    vals = {i: draw_int() for i in FMT.inputs}
    vals["t2.fees.amount"] = amount
    for c in COLUMNS:
        total = sum(vals[f"t3.{r}.{c}"] for r in LEAVES)
        carried_over = vals[f"t3.carried_over.{c}"] % (total + vals[f"t3.carried_forward.{c}"] + 1)
        vals[f"t3.carried_over.{c}"] = carried_over
        vals[f"t3.received.{c}"] = total + vals[f"t3.carried_forward.{c}"] - carried_over
    vals.update(recompute_totals(FMT, vals))
    return vals


def make_report(code: str, values: dict, *, year=YEAR, findings=(), sha=None) -> Report:
    """A body's report (code ``code``, a 部门) of these values (merge tests)."""
    return build_report(FMT, year=year, org={"code": code, "name": f"单位{code}", "kind": "部门"},
                        values=values, texts={"s1.intro": f"{code}的总体情况"},
                        source={"file": f"{code}.xlsx", "sha256": sha or f"sha-{code}"},
                        findings=[Finding.from_dict(f) for f in findings])


def counter_values(seed: int) -> dict:
    n = iter(range(seed, seed + 10_000))
    return valid_values(lambda: next(n) % 7, Decimal(seed) / 100)


FILES = ROOT / "tests" / "files" / "published"
SAMPLE_JSON = ROOT / "samples" / "zhongcun-2022-published.json"

TEXTS = {
    "s1.intro": "2022年，本镇认真贯彻落实《条例》。",
    "s1.active_disclosure": "主动公开信息共45条。",
    "s1.requests": "本年度新收到政府信息公开申请{received}件。",
    "s1.information_management": "加强信息管理。",
    "s1.platforms": "用好政府网站。",
    "s1.oversight": "开展培训2次。",
    "s5.problems_and_improvements": "一是队伍不够专业。\n二是更新不够及时。",
    "s6.processing_fees": "本年度未收取信息处理费。",
    "s6.other_matters": "无其他需要报告的事项。",
}


def consistent_values(fmt, seed: int = 1) -> dict:
    """Distinct-looking values that satisfy R1–R4 (so a clean report has no rule findings)."""
    rnd = random.Random(seed)
    values = {}
    for i, dp in fmt.datapoints.items():
        if dp.kind == "amount":
            values[i] = Decimal(f"{rnd.randint(0, 999)}.{rnd.randint(0, 99):02d}")
        elif dp.kind == "signed":
            values[i] = rnd.randint(-9, 9)
        else:
            values[i] = rnd.randint(0, 9)
    cols = [c.key for c in fmt.table("t3").blocks[0].column_leaves if "applicant" in c.tags]
    for c in cols:
        values[f"t3.received.{c}"] = rnd.randint(190, 260)  # above any sum of 21 results
    values.update(recompute_totals(fmt, values))
    for c in cols:
        values[f"t3.carried_forward.{c}"] = (values[f"t3.received.{c}"] + values[f"t3.carried_over.{c}"]
                                             - values[f"t3.total.{c}"])
    values.update(recompute_totals(fmt, values))
    return values


def clean_report(format_id: str = "gb2021", seed: int = 1, year: int = 2022,
                name: str = "中村镇人民政府", kind: str = "乡镇") -> Report:
    """A report with no rule finding: consistent values and every text (render and parse
    tests)."""
    fmt = get_format(format_id)
    values = consistent_values(fmt, seed)
    if kind in ("乡镇", "街道", "县级政府", "政府办公室", "部门"):  # no 规章 (R17)
        values.update({i: 0 for i in fmt.datapoints if i.startswith("t2.regulations.")})
    texts = {k: v.format(received=values["t3.received.total"]) for k, v in TEXTS.items()}
    return build_report(fmt, year=year, org={"name": name, "code": "140521100", "kind": kind},
                        values=values, texts=texts)
