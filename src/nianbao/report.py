"""A report (spec §9) as a typed value, and its JSON: building it, reading it back, its Schema.

:class:`Report` is what the library passes around: values typed (``int``, an exact ``Decimal``
for an amount, ``None`` when missing), the body an :class:`Org`, a summary's members
:class:`Member` s, findings :class:`~nianbao.findings.Finding` s. JSON is only at the edges:
:meth:`Report.to_json` / :meth:`Report.dumps` write it (keys in a fixed order so that files diff
cleanly: counts as ints, the fee amount as an exact decimal string, ``null`` when missing) and
:meth:`Report.from_json` / :func:`load` read it back, after :func:`problem` says it is usable.
"""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any, Iterable, Mapping

from . import GENERATOR
from .findings import Finding
from .identity import MEMBER_FIELDS, SUMMARY_KIND
from .spec import Format, get_format
from .values import from_json, json_value

YEAR_MIN, YEAR_MAX = 2000, 2100  # report years a report may carry (the schema's bounds)
Value = int | Decimal | None


def _text(v: Any) -> str:
    return "" if v is None else str(v)


@dataclass
class Org:
    """A reporting body (or a summary's own name): code, name and kind (one of the format's
    org kinds, or "" when unknown)."""

    code: str = ""
    name: str = ""
    kind: str = ""

    @classmethod
    def of(cls, d: Mapping[str, Any] | None) -> "Org":
        """An org from a mapping (a roster row, the JSON ``org``): missing keys are ""."""
        d = d or {}
        return cls(_text(d.get("code")), _text(d.get("name")), _text(d.get("kind")))

    def to_json(self) -> dict[str, str]:
        return {"code": self.code, "name": self.name, "kind": self.kind}

    @property
    def who(self) -> str:
        """How a body is named in messages: 名称（代码）."""
        name = self.name or "（未填单位名称）"
        return f"{name}（{self.code}）" if self.code else name


@dataclass
class Member(Org):
    """A body summed into a summary: its org and the sha256 of the file it came from."""

    sha256: str = ""

    @classmethod
    def of(cls, d: Mapping[str, Any] | None) -> "Member":
        d = d or {}
        return cls(*(_text(d.get(k)) for k in MEMBER_FIELDS))

    def to_json(self) -> dict[str, str]:
        return {k: getattr(self, k) for k in MEMBER_FIELDS}


@dataclass
class Report:
    format: str
    year: int | None
    org: Org
    values: dict[str, Value]  # every data point of the format, in its order
    texts: dict[str, str]  # every text id of the format
    source: dict[str, Any] = field(default_factory=dict)  # file, sha256, template, …
    findings: list[Finding] = field(default_factory=list)
    contact: dict[str, str] | None = None
    members: list[Member] | None = None  # a summary's (spec §9)
    lang: str = "zh"  # the language its findings' messages are written in

    @property
    def fmt(self) -> Format:
        return get_format(self.format)

    @property
    def is_summary(self) -> bool:
        return self.org.kind == SUMMARY_KIND and self.members is not None

    @property
    def errors(self) -> int:
        return sum(1 for f in self.findings if f.severity == "error")

    def counts(self) -> dict[str, int]:
        out = {"error": 0, "warning": 0, "info": 0}
        for f in self.findings:
            out[f.severity] = out.get(f.severity, 0) + 1
        return out

    def members_or_self(self) -> list[Member]:
        """The bodies a report stands for: its members if it is a summary, else itself."""
        if self.is_summary:
            return [replace(m) for m in self.members or ()]
        return [Member(self.org.code, self.org.name, self.org.kind, self.source.get("sha256") or "")]

    def to_json(self) -> dict[str, Any]:
        """The report JSON of spec §9."""
        fmt = self.fmt
        out: dict[str, Any] = {
            "format": self.format,
            "year": self.year,
            "org": self.org.to_json(),
            "values": {i: json_value(self.values.get(i), dp.value_kind) for i, dp in fmt.datapoints.items()},
            "texts": {i: self.texts.get(i) or "" for i in fmt.texts},
        }
        if self.contact:
            out["contact"] = dict(self.contact)
        out["source"] = copy.deepcopy(self.source)
        if self.members is not None:
            out["members"] = [m.to_json() for m in self.members]
        out["findings"] = [f.to_dict(self.lang) for f in self.findings]
        return out

    def dumps(self) -> str:
        return dumps(self.to_json())

    @classmethod
    def from_json(cls, d: Any) -> "Report":
        """A report from its JSON; a ValueError says in Chinese why it is not a usable one."""
        why = problem(d)
        if why:
            raise ValueError(why)
        fmt = get_format(d["format"])
        vals, texts = d.get("values") or {}, d.get("texts") or {}
        members = d.get("members")
        return cls(
            format=fmt.id, year=d.get("year"), org=Org.of(d.get("org")),
            values={i: from_json(vals.get(i), dp.value_kind) for i, dp in fmt.datapoints.items()},
            texts={i: _text(texts.get(i)) for i in fmt.texts},
            source=copy.deepcopy(d.get("source") or {}),
            findings=[Finding.from_dict(f) for f in d.get("findings") or ()],
            contact=dict(d["contact"]) if d.get("contact") else None,
            members=[Member.of(m) for m in members] if isinstance(members, list) else None)


def build_report(fmt: Format, *, year: int | None, org: Org | Mapping[str, Any],
                 values: Mapping[str, Value], texts: Mapping[str, str],
                 source: Mapping[str, Any] | None = None, findings: Iterable[Finding] = (),
                 contact: Mapping[str, str] | None = None, members: Iterable[Member] | None = None,
                 lang: str = "zh") -> Report:
    """A report of a format from typed values and texts: every data point and text id of the
    format, in its order (missing ones ``None`` and ""). The findings are copied: a caller may
    go on changing its own (``check`` sets their ``file``)."""
    org = org if isinstance(org, Org) else Org.of(org)
    return Report(format=fmt.id, year=year, org=Org(org.code, org.name, org.kind),
                  values={i: values.get(i) for i in fmt.datapoints},
                  texts={i: texts.get(i) or "" for i in fmt.texts},
                  source=dict(source or {}), findings=[replace(f) for f in findings],
                  contact=dict(contact) if contact else None,
                  members=None if members is None else [replace(m) for m in members], lang=lang)


def problem(report: Any) -> str | None:
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


def dumps(report: Report | Mapping[str, Any]) -> str:
    """A report (or any JSON) as the files nianbao writes hold it: indented, UTF-8 as is."""
    data = report.to_json() if isinstance(report, Report) else report
    return json.dumps(data, ensure_ascii=False, indent=2, default=_default) + "\n"


def _default(o: Any) -> str:
    if isinstance(o, Decimal):
        return format(o, "f")
    raise TypeError(type(o))


def load_json(path: Any) -> Any:
    """A JSON file as ``json.load`` gives it (UTF-8, with or without BOM); never blocks on a
    named pipe given as a file."""
    from .files import read_text

    return json.loads(read_text(path, "utf-8-sig"))


def load(path: Any) -> Report:
    """A report JSON file as a :class:`Report` (ValueError, in Chinese, when it is not one)."""
    return Report.from_json(load_json(path))


def source_info(file_name: str, sha256: str, template: dict[str, str] | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {"file": file_name, "sha256": sha256}
    if template is not None:
        out["template"] = template
    return out


def schema(fmt: Format | None = None) -> dict[str, Any]:
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
def _org(fmt: Format) -> dict[str, Any]:
    return {"type": "object", "required": ["code", "name", "kind"],
            "properties": {"code": {"type": "string"}, "name": {"type": "string"},
                           "kind": {"enum": [*fmt.org_kinds, ""]}}}


def _schema_of(fmt: Format) -> dict[str, Any]:
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


__all__ = ["Org", "Member", "Report", "Value", "build_report", "problem", "dumps", "load",
           "load_json", "schema", "source_info", "GENERATOR"]

