"""Findings as data, and the catalogue of finding codes.

A :class:`Finding` is what every check in nianbao returns: a stable ASCII ``code``, a severity,
the rule id of spec §6 where one applies, the sheet and A1 cell to look at, the data points
involved, the values compared, and a message in Chinese (English with ``lang="en"``).

Each module declares its codes with :func:`code` at import time, so the catalogue
(``nianbao codes`` / ``docs/finding-codes.md``) is generated from the code that raises them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping

SEVERITIES = ("error", "warning", "info")
SEVERITY_ZH = {"error": "错误", "warning": "警告", "info": "提示"}


@dataclass(frozen=True)
class Code:
    code: str
    severity: str
    zh: str  # message template, str.format fields from the finding's params
    en: str
    hint: str = ""  # what to do, in Chinese (for the catalogue)
    rule: str | None = None

    def __call__(self, *, severity: str | None = None, rule: str | None = None,
                 sheet: str | None = None, cell: str | None = None,
                 datapoints: Iterable[str] = (), values: Mapping[str, Any] | None = None,
                 **params: Any) -> "Finding":
        """Make a finding of this code; ``params`` fill the message templates."""
        return Finding(code=self.code, severity=severity or self.severity,
                       rule=rule or self.rule, sheet=sheet, cell=cell,
                       datapoints=list(datapoints), values=dict(values or {}),
                       params=params)


_CATALOGUE: dict[str, Code] = {}  # every code known in this process (its messages)
_MODULE: set[str] = set()  # the codes declared in code (with code())
_DATA_RULES: dict[str, list[str]] = {}  # code -> rule ids, for the codes of the formats' rules


def code(name: str, severity: str, zh: str, en: str, hint: str = "", rule: str | None = None) -> Code:
    if severity not in SEVERITIES:
        raise ValueError(severity)
    c = Code(name, severity, zh, en, hint, rule)
    if name in _CATALOGUE and _CATALOGUE[name] != c:
        raise ValueError(f"finding code {name} declared twice")
    _CATALOGUE[name] = c
    _MODULE.add(name)
    return c


def register_code(c: Code) -> Code:
    """Register a code whose wording comes from data (a format's rule): the same code may serve
    several rules, but only with the same wording (one code, one message)."""
    old = _CATALOGUE.setdefault(c.code, c)
    if (old.zh, old.en, old.hint) != (c.zh, c.en, c.hint):
        raise ValueError(f"finding code {c.code} has two wordings; give each rule its own code")
    return old


def module_codes() -> set[str]:
    """The codes declared in nianbao's code (not those of the formats' rules)."""
    catalogue()
    return set(_MODULE)


def rules_of(name: str) -> list[str]:
    """The rules (of the formats nianbao has) whose findings carry a code."""
    return list(_DATA_RULES.get(name, ()))


def catalogue() -> dict[str, Code]:
    """Every finding code: those declared by the modules that raise them, and those of the rules
    of every format nianbao has (a module's ``declare_codes()`` returns them: code -> rule ids)."""
    import importlib

    data: dict[str, list[str]] = {}
    for mod in CODE_MODULES:
        try:
            module = importlib.import_module(mod)
        except ImportError:  # a module not built yet in this checkout
            continue
        if hasattr(module, "declare_codes"):
            for name, rules in module.declare_codes().items():
                data.setdefault(name, []).extend(r for r in rules if r not in data.get(name, ()))
    _DATA_RULES.clear()
    _DATA_RULES.update(data)
    return dict(sorted((n, c) for n, c in _CATALOGUE.items() if n in _MODULE or n in data))


# Modules that declare codes; the catalogue imports them all.
CODE_MODULES = (
    "nianbao.values", "nianbao.rules", "nianbao.reader", "nianbao.importer",
    "nianbao.published.detect", "nianbao.published.tables", "nianbao.published.digits",
    "nianbao.published.texts", "nianbao.collection", "nianbao.summing", "nianbao.roster",
    "nianbao.previous",
)


class _Safe(dict[str, Any]):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


@dataclass
class Finding:
    """One finding: what the JSON of a report, a board or ``check --json`` carries (:meth:`to_dict`
    is that JSON, :meth:`from_dict` reads it back). A finding read back keeps the words it was
    written with (``text``), whatever the catalogue says today."""

    code: str
    severity: str
    rule: str | None = None
    sheet: str | None = None
    cell: str | None = None
    datapoints: list[str] = field(default_factory=list)
    values: dict[str, Any] = field(default_factory=dict)
    params: dict[str, Any] = field(default_factory=dict)
    file: str | None = None  # set when findings of many files are listed together
    text: str | None = None  # the message as read from JSON (None: rendered from the catalogue)

    def message(self, lang: str = "zh") -> str:
        if self.text is not None:
            return self.text
        c = _CATALOGUE.get(self.code)
        if c is None:  # a code from data (a format's rule) not met in this process yet
            c = catalogue().get(self.code)
        if c is None:
            return self.code
        return (c.en if lang == "en" else c.zh).format_map(_Safe(self.params))

    def to_dict(self, lang: str = "zh") -> dict[str, Any]:
        d = {"code": self.code, "severity": self.severity, "rule": self.rule,
             "sheet": self.sheet, "cell": self.cell, "datapoints": list(self.datapoints),
             "values": _jsonable(self.values), "message": self.message(lang)}
        if self.params:
            d["params"] = _jsonable(self.params)
        if self.file:
            d["file"] = self.file
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "Finding":
        return cls(code=d["code"], severity=d["severity"], rule=d.get("rule"),
                   sheet=d.get("sheet"), cell=d.get("cell"),
                   datapoints=list(d.get("datapoints", ())), values=dict(d.get("values") or {}),
                   params=dict(d.get("params") or {}), file=d.get("file"),
                   text=d.get("message") if isinstance(d.get("message"), str) else None)


def _jsonable(v: Any) -> Any:
    from decimal import Decimal

    if isinstance(v, dict):
        return {k: _jsonable(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [_jsonable(x) for x in v]
    if isinstance(v, Decimal):
        return format(v, "f")
    return v


def count(findings: Iterable[Finding], severity: str) -> int:
    return sum(1 for f in findings if f.severity == severity)


def has_errors(findings: Iterable[Finding]) -> bool:
    return any(f.severity == "error" for f in findings)


def catalogue_markdown() -> str:
    """The finding-code catalogue as Markdown (written to docs/finding-codes.md)."""
    lines = ["# Finding codes", "",
             "Generated by `nianbao codes --markdown` from the code that raises them; "
             "a test fails when this file is stale.", "",
             "| code | severity | rule | message (中文) | what to do | message (English) |",
             "|---|---|---|---|---|---|"]
    for c in catalogue().values():
        rule = c.rule or "、".join(sorted(rules_of(c.code), key=lambda r: (len(r), r)))
        cells = [f"`{c.code}`", c.severity, rule, c.zh, c.hint, c.en]
        lines.append("| " + " | ".join(x.replace("|", "\\|").replace("\n", " ") for x in cells) + " |")
    return "\n".join(lines) + "\n"
