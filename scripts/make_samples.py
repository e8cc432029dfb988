#!/usr/bin/env python3
"""Regenerate ``samples/inbox/``: the filled workbooks the README's main command collects.

    python3 scripts/make_samples.py            # rewrites samples/inbox/ from samples/roster.csv

The inbox is what a county office has in January: most bodies sent a filled workbook (by mail or
chat, in nested folders, under whatever name), one has errors, one sent twice (an older wrong
version and a newer corrected one), one filled the blank template, one left the 信息处理费
statement out (a warning), one sent nothing, and a note file sits beside them. Everything is
derived from a seed, so the files are byte-identical on every run.

The functions here are also used by the collect tests and the benchmark.
"""

from __future__ import annotations

import io
import os
import random
import re
import sys
import zipfile
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from nianbao.rules import recompute_totals  # noqa: E402
from nianbao.spec import get_format  # noqa: E402

FMT = get_format("gb2021")
APPLICANTS = ("natural_person", "commercial", "research", "public_interest", "legal_services",
              "other_org")
FEE_TEXT = "本年度未收取信息处理费。"


def _leaves() -> list[str]:
    parts = FMT.computed["t3.total.natural_person"]
    return [p[len("t3."):-len(".natural_person")] for p in parts]


def body_values(seed: int) -> dict:
    """Typed values of a plausible, valid report (R1–R4 hold) derived from ``seed``."""
    rnd = random.Random(seed)
    vals = {i: 0 for i in FMT.inputs}
    vals["t2.normative_documents.issued"] = rnd.randint(0, 12)
    vals["t2.normative_documents.repealed"] = rnd.randint(0, 3)
    vals["t2.normative_documents.in_force"] = rnd.randint(5, 60)
    vals["t2.licensing.decisions"] = rnd.randint(0, 900)
    vals["t2.penalties.decisions"] = rnd.randint(0, 300)
    vals["t2.coercive_measures.decisions"] = rnd.randint(0, 20)
    vals["t2.fees.amount"] = rnd.choice(["0", "0", "12.5", "3.06", "251.2"])
    leaves = _leaves()
    for c in APPLICANTS:
        weight = 8 if c == "natural_person" else 2 if c == "commercial" else 0
        for leaf in rnd.sample(leaves, 4):
            vals[f"t3.{leaf}.{c}"] = rnd.randint(0, weight)
        done = sum(vals[f"t3.{leaf}.{c}"] for leaf in leaves)
        vals[f"t3.carried_forward.{c}"] = rnd.randint(0, 1) if weight else 0
        vals[f"t3.carried_over.{c}"] = rnd.randint(0, done + vals[f"t3.carried_forward.{c}"]) // 3
        vals[f"t3.received.{c}"] = done + vals[f"t3.carried_forward.{c}"] - vals[f"t3.carried_over.{c}"]
    for g in ("review", "suit_direct", "suit_after_review"):
        vals[f"t4.{g}.upheld"] = rnd.randint(0, 2)
    from decimal import Decimal

    vals["t2.fees.amount"] = Decimal(vals["t2.fees.amount"])
    vals.update(recompute_totals(FMT, vals))
    return vals


def body_texts(org: dict, year: int, fee_statement: bool = True) -> dict:
    name = org.get("name", "")
    return {
        "s1.intro": f"{year}年，{name}认真贯彻落实《中华人民共和国政府信息公开条例》，做好政府信息公开工作。",
        "s1.active_disclosure": f"{name}通过门户网站主动公开政府信息。",
        "s1.requests": "依法依规办理政府信息公开申请，按时答复。",
        "s1.information_management": "加强政府信息管理，落实保密审查。",
        "s1.platforms": "完善政府网站信息公开专栏。",
        "s1.oversight": "将政府信息公开工作纳入年度考核。",
        "s5.problems_and_improvements": "主动公开的深度还不够，下一步将加强解读。",
        "s6.processing_fees": FEE_TEXT if fee_statement else "",
        "s6.other_matters": "无其他需要报告的事项。",
        "contact.person": "张三",
        "contact.phone": "0356-1234567",
    }


def filled_workbook(*, year: int, org: dict, values: dict, texts: dict,
                    saved_at: datetime | None = None, blank: bool = False) -> bytes:
    """A workbook as a body returns it: the template for ``org`` (or the blank template with the
    identity typed on the cover when ``blank``) with ``values`` and ``texts`` typed in, saved at
    ``saved_at`` (the docProps modified time the importer reads)."""
    from nianbao.template_workbook import workbook_bytes

    if blank:
        texts = {**texts, "org.name": org["name"], "org.code": org["code"], "org.kind": org["kind"]}
    data = workbook_bytes(year=year, org=None if blank else org, values=values, texts=texts)
    return set_saved_at(data, saved_at) if saved_at else data


def set_saved_at(data: bytes, when: datetime) -> bytes:
    """Rewrite docProps/core.xml's modified time (as Excel does on save), keeping the rest."""
    stamp = when.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    src = zipfile.ZipFile(io.BytesIO(data))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                body = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*(<)", rb"\g<1>" + stamp.encode() + rb"\g<2>", body)
            dst.writestr(info, body)
    return buf.getvalue()


def write(path: Path, data: bytes, when: datetime | None = None) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    if when is not None:
        t = when.timestamp()
        os.utime(path, (t, t))


def sample_inbox(orgs: list[dict], year: int, inbox: Path) -> dict[str, str]:
    """Write the demo inbox for ``orgs`` (the roster); returns code -> what was sent."""
    day = lambda d, h=10: datetime(year + 1, 1, d, h, 0, tzinfo=timezone.utc)  # noqa: E731
    plan: dict[str, str] = {}
    folders = ("邮件", "微信/1月", "")
    for n, org in enumerate(orgs):
        code = org["code"]
        vals, texts = body_values(int(code) % 100_000 + n), body_texts(org, year)
        folder = inbox / folders[n % len(folders)]
        name = f"{year}_{code}_{org['name']}.xlsx" if n % 2 else f"{org['name']}{year}年报（定稿）.xlsx"
        if n == len(orgs) - 1:
            plan[code] = "missing"
            continue
        if n == 1:  # an error: the 自然人 column does not balance (R1)
            vals["t3.received.natural_person"] += 2
            vals.update(recompute_totals(FMT, vals))
            plan[code] = "errors"
        elif n == 2:  # sent twice: older wrong, newer corrected
            wrong = dict(vals, **{"t3.granted.natural_person": vals["t3.granted.natural_person"] + 3})
            wrong.update(recompute_totals(FMT, wrong))
            write(inbox / "邮件" / f"{org['name']}年报.xlsx",
                  filled_workbook(year=year, org=org, values=wrong, texts=texts, saved_at=day(10)), day(10))
            name, plan[code] = f"{org['name']}年报（更正）.xlsx", "resubmitted"
        elif n == 3:  # no 信息处理费 statement: a warning only
            texts = body_texts(org, year, fee_statement=False)
            plan[code] = "warning"
        elif n == 4:  # the blank template, identity typed on the cover
            name, plan[code] = "年报填报表.xlsx", "blank"
        else:
            plan[code] = "valid"
        data = filled_workbook(year=year, org=org, values=vals, texts=texts, saved_at=day(20 + n % 9),
                               blank=plan[code] == "blank")
        write(folder / name, data, day(20 + n % 9))
    write(inbox / "请各单位1月31日前报送.txt", "各单位：请于1月31日前报送年报填报表。\n".encode("utf-8"))
    return plan


def main() -> None:
    import shutil

    from nianbao.roster import read_roster

    rows, findings = read_roster(ROOT / "samples" / "roster.csv", get_format("gb2021"))
    if findings:
        raise SystemExit(f"roster problems: {findings}")
    from nianbao.collection import org_of

    inbox = ROOT / "samples" / "inbox"
    if inbox.exists():
        shutil.rmtree(inbox)
    plan = sample_inbox([org_of(r).to_json() for r in rows], 2026, inbox)
    for code, what in plan.items():
        print(code, what)


if __name__ == "__main__":
    main()
