"""The report JSON of spec §9: building it, reading it back, its JSON Schema.

A report is a plain dict (what ``json.load`` gives), with keys in a fixed order so that files
diff cleanly. ``values`` holds every data point of the format (counts as ints, the fee amount as
an exact decimal string, ``None`` when missing); ``texts`` every text id.
"""

from __future__ import annotations

import json
from decimal import Decimal

from . import GENERATOR
from .findings import Finding
from .identity import SUMMARY_KIND
from .spec import Format, get_format
from .values import from_json, json_value

YEAR_MIN, YEAR_MAX = 2000, 2100  # report years a report may carry (the schema's bounds)


def build_report(fmt: Format, *, year: int | None, org: dict, values: dict, texts: dict,
                 source: dict | None = None, findings=(), contact: dict | None = None,
                 members: list | None = None, lang: str = "zh") -> dict:
    """A report dict from typed values (int / Decimal / None) and texts."""
    report = {
        "format": fmt.id,
        "year": year,
        "org": {"code": org.get("code") or "", "name": org.get("name") or "",
                "kind": org.get("kind") or ""},
        "values": {i: json_value(values.get(i), dp.value_kind) for i, dp in fmt.datapoints.items()},
        "texts": {i: texts.get(i) or "" for i in fmt.texts},
    }
    if contact:
        report["contact"] = dict(contact)
    report["source"] = dict(source or {})
    if members is not None:
        report["members"] = list(members)
    report["findings"] = [f.to_dict(lang) if isinstance(f, Finding) else dict(f) for f in findings]
    return report


def typed_values(report: dict) -> dict:
    """A report's values as int / Decimal / None (the rules' and the merge's input)."""
    fmt = get_format(report["format"])
    vals = report.get("values") or {}
    return {i: from_json(vals.get(i), dp.value_kind) for i, dp in fmt.datapoints.items()}


def problem(report) -> str | None:
    """Why a loaded JSON is not a usable report (a Chinese phrase), or None when it is: every
    loader checks this first, so a hand-edited file is named instead of failing later."""
    from .spec import available_formats

    if not isinstance(report, dict) or not isinstance(report.get("values"), dict):
        return "不是报告 JSON（缺少 values）"
    if report.get("format") not in available_formats():
        return f"格式“{report.get('format')}”不认识"
    if not isinstance(report.get("org"), dict):
        return "缺少单位信息（org）"
    if report.get("year") is not None and not isinstance(report.get("year"), int):
        return f"年度“{report.get('year')}”不是整数"
    fmt = get_format(report["format"])
    for i, dp in fmt.datapoints.items():
        v = report["values"].get(i)
        try:
            kind = dp.value_kind
            ok = v is None or (isinstance(v, str) if kind.decimal else
                               isinstance(v, int) and not isinstance(v, bool)
                               and (v >= 0 or kind.signed))
            if ok:
                from_json(v, kind)
        except ArithmeticError:
            ok = False
        if not ok:
            return f"数据项 {i} 的值“{v}”不是{'金额字符串' if dp.value_kind.decimal else '不小于0的整数'}"
    return None


def findings_of(report: dict) -> list[Finding]:
    return [Finding.from_dict(d) for d in report.get("findings", ())]


def dumps(report: dict) -> str:
    return json.dumps(report, ensure_ascii=False, indent=2, default=_default) + "\n"


def _default(o):
    if isinstance(o, Decimal):
        return format(o, "f")
    raise TypeError(type(o))


def load(path) -> dict:
    from .files import read_text  # never blocks on a named pipe given as a file

    return json.loads(read_text(path, "utf-8-sig"))


def source_info(file_name: str, sha256: str, template: dict | None = None) -> dict:
    out = {"file": file_name, "sha256": sha256}
    if template is not None:
        out["template"] = template
    return out


def schema(fmt: Format | None = None) -> dict:
    """JSON Schema (draft 2020-12) of the report JSON for a format (all known formats if None)."""
    from .spec import available_formats

    fmts = [fmt] if fmt else [get_format(f) for f in available_formats()]
    variants = [_schema_of(f) for f in fmts]
    base = {"$schema": "https://json-schema.org/draft/2020-12/schema",
            "$id": "https://nianbao.invalid/schema/report.json",
            "title": "nianbao report (政府信息公开工作年度报告)"}
    if len(variants) == 1:
        return {**base, **variants[0]}
    return {**base, "oneOf": variants}


_COUNT = {"type": ["integer", "null"], "minimum": 0}
_AMOUNT = {"type": ["string", "null"], "pattern": r"^\d+(\.\d+)?$"}
_SIGNED = {"type": ["integer", "null"]}
_FINDING = {
    "type": "object",
    "required": ["code", "severity", "message"],
    "properties": {
        "code": {"type": "string", "pattern": "^[A-Z][A-Z0-9_]*$"},
        "severity": {"enum": ["error", "warning", "info"]},
        "rule": {"type": ["string", "null"], "pattern": r"^R\d+$"},
        "sheet": {"type": ["string", "null"]},
        "cell": {"type": ["string", "null"], "pattern": r"^[A-Z]{1,3}[1-9]\d*$"},
        "datapoints": {"type": "array", "items": {"type": "string"}},
        "values": {"type": "object"},
        "params": {"type": "object"},
        "message": {"type": "string"},
        "file": {"type": "string"},
    },
}
def _org(fmt: Format) -> dict:
    return {"type": "object", "required": ["code", "name", "kind"],
            "properties": {"code": {"type": "string"}, "name": {"type": "string"},
                           "kind": {"enum": [*fmt.org_kinds, ""]}}}


def _schema_of(fmt: Format) -> dict:
    values = {i: _AMOUNT if dp.value_kind.decimal else _SIGNED if dp.value_kind.signed else _COUNT
              for i, dp in fmt.datapoints.items()}
    texts = {i: {"type": "string"} for i in fmt.texts}
    return {
        "type": "object",
        "required": ["format", "year", "org", "values", "texts", "source", "findings"],
        "properties": {
            "format": {"const": fmt.id},
            "year": {"type": ["integer", "null"], "minimum": YEAR_MIN, "maximum": YEAR_MAX},
            "org": _org(fmt),
            "values": {"type": "object", "properties": values, "required": list(values),
                       "additionalProperties": False},
            "texts": {"type": "object", "properties": texts, "required": list(texts),
                      "additionalProperties": False},
            "contact": {"type": "object", "additionalProperties": {"type": "string"}},
            "source": {"type": "object", "properties": {
                "file": {"type": "string"}, "sha256": {"type": "string"},
                "template": {"type": ["object", "null"]}}},
            "members": {"type": "array", "items": {**_org(fmt), "properties": {
                **_org(fmt)["properties"], "sha256": {"type": "string"}}}},
            "findings": {"type": "array", "items": _FINDING},
        },
        "additionalProperties": False,
    }


__all__ = ["build_report", "typed_values", "findings_of", "dumps", "load", "schema",
           "source_info", "GENERATOR"]

