"""A fictional county of 30 bodies and its inbox (tests of collect, merge and the board), and the
demo samples' generator (``scripts/make_samples.py``, loaded as ``ms``)."""

from __future__ import annotations

import importlib.util
from datetime import datetime, timezone
from pathlib import Path

from nianbao.layout import layout_for
from nianbao.rules import recompute_totals
from nianbao.spec import get_format

ROOT = Path(__file__).resolve().parents[2]
spec = importlib.util.spec_from_file_location("make_samples", ROOT / "scripts" / "make_samples.py")
ms = importlib.util.module_from_spec(spec)
spec.loader.exec_module(ms)

FMT = get_format("gb2021")
LAYOUT = layout_for("gb2021")
YEAR = 2026

KINDS = ("乡镇", "街道", "部门")
ORGS = [{"code": f"3301{n:05d}", "name": f"测试县第{n}{'镇人民政府' if n % 3 == 0 else '街道办事处' if n % 3 == 1 else '局'}",
         "kind": KINDS[n % 3]} for n in range(1, 31)]
VALID = [o["code"] for o in ORGS[:22]]
ERR_R1, ERR_BLANK, ERR_TEXT = (o["code"] for o in ORGS[22:25])
TWICE, BLANK = ORGS[25]["code"], ORGS[26]["code"]
MISSING = [o["code"] for o in ORGS[27:]]
USED = VALID + [TWICE, BLANK]  # what the summary sums (24 bodies)


def at(day, hour=9):
    return datetime(YEAR + 1, 1, day, hour, tzinfo=timezone.utc)


def build_inbox(inbox: Path) -> dict[str, dict]:
    """Write the inbox; returns code -> the typed values the used workbook was filled with."""
    filled = {}
    for n, org in enumerate(ORGS):
        code = org["code"]
        if code in MISSING:
            continue
        vals, texts = ms.body_values(n), ms.body_texts(org, YEAR)
        sub = inbox / ("邮件" if n % 2 else "微信/第二批") / f"{org['name']}.xlsx"
        when = at(5 + n % 20)
        if code == ERR_R1:
            vals["t3.received.commercial"] += 1
            vals.update(recompute_totals(FMT, vals))
        elif code == ERR_BLANK:
            vals["t4.review.corrected"] = None
        elif code == ERR_TEXT:
            vals["t2.penalties.decisions"] = "约12"
        elif code == TWICE:
            wrong = dict(vals, **{"t3.received.natural_person": vals["t3.received.natural_person"] + 4})
            wrong.update(recompute_totals(FMT, wrong))
            ms.write(inbox / "邮件" / "第一次报送.xlsx",
                     ms.filled_workbook(year=YEAR, org=org, values=wrong, texts=texts, saved_at=at(3)), at(3))
            sub = inbox / "邮件" / "更正后.xlsx"
        ms.write(sub, ms.filled_workbook(year=YEAR, org=org, values=vals, texts=texts, saved_at=when,
                                         blank=code == BLANK), when)
        filled[code] = vals
    ms.write(inbox / "随便.xlsx", bytes(range(256)) * 20, at(2))
    ms.write(inbox / "通知.txt", "请按时报送\n".encode("utf-8"), at(1))
    return filled


def write_roster(path: Path) -> Path:
    lines = ["code,name,kind"] + [f"{o['code']},{o['name']},{o['kind']}" for o in ORGS]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def snapshot(folder: Path) -> dict:
    return {p.relative_to(folder).as_posix(): (p.read_bytes(), p.stat().st_mtime_ns)
            for p in sorted(folder.rglob("*")) if p.is_file()}


def outputs(folder: Path) -> dict:
    return {k: v[0] for k, v in snapshot(folder).items()}
