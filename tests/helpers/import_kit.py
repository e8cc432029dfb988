"""Helpers the import tests share: templates filled the way people fill them (here with openpyxl,
which also drops every cached formula result, as a never-recalculated file has), consistent
random values, and zip surgery for files no spreadsheet program would write."""

from __future__ import annotations

import hashlib
import io
import pickle
import re
import zipfile
from decimal import Decimal
from pathlib import Path

import openpyxl

from nianbao.layout import layout_for
from nianbao.spec import get_format
from nianbao.template_workbook import template_bytes

ZC = {"code": "140521100", "name": "中村镇人民政府", "kind": "乡镇"}
FMT = get_format("gb2021")
LAYOUT = layout_for("gb2021")
WHERE = {p.id: p for p in LAYOUT.places if p.id}
FEES = "本年度未收取信息处理费。"


def template(tmp_path: Path, name: str = "template.xlsx", org=ZC, year: int = 2022, **kw) -> Path:
    path = tmp_path / name
    path.write_bytes(template_bytes(year=year, org=org, **kw))
    return path


def fill(src: Path, out: Path, values: dict | None = None, texts: dict | None = None,
         cells: dict | None = None) -> Path:
    """Type values (by data point id), texts/cover fields (by id) and raw cells ((sheet, ref) ->
    value) into a copy of ``src`` with openpyxl, and save it as ``out``."""
    wb = _loaded(Path(src))
    for item, v in {**(values or {}), **(texts or {})}.items():
        p = WHERE[item]
        wb[p.sheet][p.ref] = v
    for (sheet, ref), v in (cells or {}).items():
        wb[sheet][ref] = v
    wb.save(out)
    return out


_LOADED: dict[bytes, bytes] = {}


def _loaded(src: Path) -> openpyxl.Workbook:
    """``openpyxl.load_workbook(src)``, loaded once per file's content and copied after (a load
    is ~70 ms, a copy ~5 ms; the property tests fill the same template hundreds of times)."""
    data = src.read_bytes()
    key = hashlib.sha256(data).digest()
    if key not in _LOADED:
        _LOADED[key] = pickle.dumps(openpyxl.load_workbook(io.BytesIO(data)))
    return pickle.loads(_LOADED[key])


def zeros() -> dict:
    return {i: (Decimal(0) if FMT.datapoints[i].kind == "amount" else 0) for i in FMT.inputs}


def consistent(draw_int) -> dict:
    """Inputs satisfying R1 in every column (R2–R4 hold by the totals): ``draw_int(lo, hi)``."""
    vals = {}
    for i in FMT.inputs:
        if i.startswith(("t2.", "t4.")):
            vals[i] = draw_int(0, 500)
    vals["t2.fees.amount"] = Decimal(draw_int(0, 10**8)) / (10 ** draw_int(0, 6))
    for col in ("natural_person", "commercial", "research", "public_interest", "legal_services",
                "other_org"):
        results = [i for i in FMT.computed[f"t3.total.{col}"]]
        total = 0
        for r in results:
            vals[r] = draw_int(0, 30)
            total += vals[r]
        forward = draw_int(0, 20)
        over = draw_int(0, total + forward)
        vals[f"t3.carried_forward.{col}"] = forward
        vals[f"t3.carried_over.{col}"] = over
        vals[f"t3.received.{col}"] = total + forward - over
    assert set(vals) == set(FMT.inputs)
    return vals


def patch_zip(src: Path, out: Path, edits: dict) -> Path:
    """Copy a package replacing members: name -> bytes, or a callable old bytes -> new bytes."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info)
            edit = edits.get(info.filename)
            if edit is not None:
                data = edit(data) if callable(edit) else edit
            zout.writestr(info.filename, data)
        for name, data in edits.items():
            if name not in zin.namelist() and not callable(data):
                zout.writestr(name, data)
    return out


def sheet_part(path: Path, sheet: str) -> str:
    """The zip member of a sheet (through workbook.xml and its rels)."""
    with zipfile.ZipFile(path) as z:
        wb = z.read("xl/workbook.xml").decode()
        rels = z.read("xl/_rels/workbook.xml.rels").decode()
    rid = re.search(r'<sheet [^>]*name="%s"[^>]*r:id="(rId\d+)"' % re.escape(sheet), wb).group(1)
    target = re.search(r'<Relationship [^>]*Id="%s"[^>]*Target="([^"]+)"' % rid, rels) or \
        re.search(r'<Relationship [^>]*Target="([^"]+)"[^>]*Id="%s"' % rid, rels)
    t = target.group(1)
    return t.lstrip("/") if t.startswith("/") else "xl/" + t


_VALIDATOR = None


def validate(report: dict) -> dict:
    """Validate a report against ``report.schema()`` (every JSON the importer writes in tests)."""
    global _VALIDATOR
    import jsonschema

    from nianbao.report import schema

    if _VALIDATOR is None:
        _VALIDATOR = jsonschema.Draft202012Validator(schema())
    _VALIDATOR.validate(report)
    for f in report["findings"]:
        assert "{" not in f["message"], f  # every message placeholder filled
    return report


def imp(path, **kw):
    """import_workbook, with the report (when there is one) checked against the schema."""
    from nianbao.importer import import_workbook

    result = import_workbook(path, **kw)
    if result.report is not None:
        validate(result.report.to_json())
    from nianbao.findings import catalogue

    for f in result.findings:
        assert "{" not in f.message() and "{" not in f.message("en"), f
        assert f.code in catalogue(), f.code  # every code raised is catalogued (and documented)
    return result


def where(result, *codes) -> set:
    """{(code, sheet, cell)} of a result's findings (of the given codes, or all)."""
    return {(f.code, f.sheet, f.cell) for f in result.findings if not codes or f.code in codes}


def at(item_id: str) -> tuple[str, str]:
    p = WHERE[item_id]
    return p.sheet, p.ref


def quiet() -> dict:
    """Consistent values that raise no finding at all (no 规章 for a 乡镇, no 其他处理)."""
    v = zeros()
    v.update({"t3.received.natural_person": 5, "t3.granted.natural_person": 3,
              "t3.partially_granted.natural_person": 1, "t3.carried_forward.natural_person": 1,
              "t2.normative_documents.issued": 4, "t2.normative_documents.in_force": 9,
              "t4.review.upheld": 2, "t2.fees.amount": Decimal("9116.36")})
    return v


# one field of each text section filled: every section of 一…六 is there (R13), 六 states the fee (R14)
QUIET_TEXTS = {"s1.active_disclosure": "通过门户网站主动公开政府信息。", "s1.requests": "按时答复。",
               "s5.problems_and_improvements": "解读还不够深入。", "s6.processing_fees": FEES}


def stale_workbook(tmp_path: Path) -> Path:
    """A template written with true caches for the quiet values, then one input changed in the
    XML (3 → 7) without recalculating: every total over that input shows a stale result."""
    src = template(tmp_path, "prefilled.xlsx", prefill={**quiet(), **QUIET_TEXTS})
    sheet, ref = at("t3.granted.natural_person")
    part = sheet_part(src, sheet)
    return patch_zip(src, tmp_path / "stale.xlsx", {part: lambda b: re.sub(
        rb'(<c r="%s"[^>]*>)<v>3</v>' % ref.encode(), rb"\g<1><v>7</v>", b)})
