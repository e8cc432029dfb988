"""The report format as an object model, built from the data in ``nianbao.formats``.

``get_format("gb2021")`` (or ``format_for_year(2026)``) returns a :class:`Format`: the sections, tables, data points (in their
canonical order), text fields and the rules expanded into concrete :class:`Check` objects. It is
the single source that the template writer, the reader, the rules, the merge and the renderer
use. A new format version is a new module in ``nianbao.formats``; nothing here names a label.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Iterable, Iterator


@dataclass(frozen=True)
class Node:
    """A header cell of a table: a row or column label, possibly grouping others."""

    label: str | None
    key: str | None
    children: tuple["Node", ...] = ()
    tags: frozenset[str] = frozenset()
    aliases: tuple[str, ...] = ()
    kind: str | None = None  # a column whose kind differs from its block's (2019: 本年增/减)

    @property
    def is_leaf(self) -> bool:
        return not self.children


@dataclass(frozen=True)
class Leaf:
    """A leaf of a header tree with its full path from the root."""

    path: tuple[Node, ...]
    key: str  # dotted key path, "" for an anonymous row
    tags: frozenset[str]

    @property
    def node(self) -> Node:
        return self.path[-1]

    @property
    def label(self) -> str | None:
        return self.node.label


@dataclass(frozen=True)
class Block:
    title: str | None
    corner: str | None
    kind: str
    columns: tuple[Node, ...]
    rows: tuple[Node, ...]

    @property
    def column_leaves(self) -> tuple[Leaf, ...]:
        return tuple(_leaves(self.columns))

    @property
    def row_leaves(self) -> tuple[Leaf, ...]:
        return tuple(_leaves(self.rows))


@dataclass(frozen=True)
class Table:
    id: str
    number: str
    title: str
    sheet: str
    blocks: tuple[Block, ...]


@dataclass(frozen=True)
class DataPoint:
    id: str
    table: str
    block: int
    kind: str  # "count" | "amount" | "signed" (a count that may be negative)
    row: Leaf
    column: Leaf
    value_kind: ValueKind  # the format's kind of value named by ``kind``
    computed: bool = False  # a total: a formula in the workbook, recomputed on import

    name: str = ""  # a readable Chinese name: row labels·column labels (see _name)

    @property
    def unit(self) -> str:
        """From the format's kinds: 件, 万元, 项."""
        return self.value_kind.unit

    @property
    def label(self) -> str:
        return self.name



@dataclass(frozen=True)
class ValueKind:
    """A kind of value of the format's data (``kinds`` in the data): how it is typed, read,
    bounded and explained. ``count`` (件), ``amount`` (万元, exact decimals), ``signed`` (a change
    that may be negative)."""

    name: str
    unit: str
    label: str  # what a message calls such a value: 件数, 金额
    decimal: bool = False  # exact decimals (JSON strings); else whole numbers
    signed: bool = False  # may be negative
    below: int = 10**10  # every value is less than this (and, if signed, more than its negative)
    below_text: str = "100亿"  # ``below`` as a message says it
    max_decimals: int | None = None
    suffixes: tuple[str, ...] = ()  # units typed after a number and read away (12件, 25.1万元)
    wrong_units: tuple[str, ...] = ()  # units refused with a hint (元 where 万元 belongs)
    validation: dict[str, str] = field(default_factory=dict, hash=False, compare=False)  # the workbook's


@dataclass(frozen=True)
class TextField:
    id: str
    section: str  # "一" … "六"
    heading: str | None  # sub-heading as printed in a report, None for none
    label: str  # what the workbook shows above the input
    sheet: str
    optional: bool = False
    required: bool = False


@dataclass(frozen=True)
class Section:
    number: str
    heading: str
    table: str | None
    sheet: str | None
    fields: tuple[TextField, ...]
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class Rule:
    id: str
    severity: str
    kind: str
    title: str
    params: dict[str, Any] = field(hash=False, compare=False)


@dataclass(frozen=True)
class Check:
    """One concrete instance of a rule, e.g. R1 for the 自然人 column."""

    rule: Rule
    label: str  # "自然人列"
    ids: dict[str, Any] = field(hash=False, compare=False)  # role -> id, or a tuple of ids
    anchor: str | None = None  # the data point whose cell a finding points at


@dataclass(frozen=True)
class Format:
    id: str
    name: str
    notice: str
    first_year: int
    last_year: int | None
    org_kinds: tuple[str, ...]
    kinds: dict[str, Any] = field(hash=False, compare=False)  # the data's ``kinds``, as written
    value_kinds: dict[str, ValueKind] = field(hash=False, compare=False)  # all kinds but text
    detect: dict[str, Any] = field(hash=False, compare=False)
    sections: tuple[Section, ...] = ()
    tables: tuple[Table, ...] = ()
    rules: tuple[Rule, ...] = ()
    datapoints: dict[str, DataPoint] = field(default_factory=dict, hash=False, compare=False)
    texts: dict[str, TextField] = field(default_factory=dict, hash=False, compare=False)
    checks: tuple[Check, ...] = ()
    instructions: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)  # 填报说明

    @property
    def body_kinds(self) -> tuple[str, ...]:
        """The kinds a reporting body can have: the org kinds but a summary's."""
        from .identity import SUMMARY_KIND

        return tuple(k for k in self.org_kinds if k != SUMMARY_KIND)

    def table(self, table_id: str) -> Table:
        return next(t for t in self.tables if t.id == table_id)

    def rule(self, rule_id: str) -> Rule | None:
        return next((r for r in self.rules if r.id == rule_id), None)

    @cached_property
    def computed(self) -> dict[str, tuple[str, ...]]:
        """Totals: data point -> the parts it sums (from the first rule naming it whose kind
        defines totals, the ``sum`` kind). The rule kinds are asked here, when a format is
        built, not when this module is imported: they are implemented against this model."""
        from .rules.registry import checks_with

        out: dict[str, tuple[str, ...]] = {}
        for check in checks_with(self, "totals"):
            out.setdefault(check.ids["total"], check.ids["parts"])
        return out

    @property
    def inputs(self) -> tuple[str, ...]:
        """Data points a person types (everything that is not a total)."""
        return tuple(i for i, dp in self.datapoints.items() if not dp.computed)

    def covers_year(self, year: int) -> bool:
        return year >= self.first_year and (self.last_year is None or year <= self.last_year)


def _value_kind(name: str, d: dict[str, Any]) -> ValueKind:
    fields = ("unit", "label", "decimal", "signed", "below", "below_text", "max_decimals")
    return ValueKind(name, **{k: d[k] for k in fields if k in d},
                     suffixes=tuple(d.get("suffixes", ())), wrong_units=tuple(d.get("wrong_units", ())),
                     validation=dict(d.get("validation", {})))


def _node(d: dict[str, Any]) -> Node:
    return Node(label=d.get("label"), key=d.get("key"),
                children=tuple(_node(c) for c in d.get("children", ())),
                tags=frozenset(d.get("tags", ())), aliases=tuple(d.get("aliases", ())),
                kind=d.get("kind"))


def _leaves(nodes: Iterable[Node], path: tuple[Node, ...] = (),
            tags: frozenset[str] = frozenset()) -> Iterator[Leaf]:
    for n in nodes:
        p, t = path + (n,), tags | n.tags
        if n.children:
            yield from _leaves(n.children, p, t)
        else:
            yield Leaf(path=p, key=".".join(x.key for x in p if x.key), tags=t)


def dp_id(table: str, row_key: str, col_key: str) -> str:
    return ".".join(k for k in (table, row_key, col_key) if k)


def _build_datapoints(tables: Iterable[Table], kinds: dict[str, ValueKind]) -> dict[str, DataPoint]:
    out: dict[str, DataPoint] = {}
    for t in tables:
        for b_i, b in enumerate(t.blocks):
            for r in b.row_leaves:
                for c in b.column_leaves:
                    i = dp_id(t.id, r.key, c.key)
                    if i in out:
                        raise ValueError(f"data point {i} placed twice")
                    kind = c.node.kind or b.kind
                    out[i] = DataPoint(i, t.id, b_i, kind, r, c, kinds[kind], name=_name(b, r, c))
    return out


def _name(block: Block, row: Leaf, col: Leaf) -> str:
    """Row labels then column labels, joined by "·". A header over a whole axis (table 三's
    申请人情况 over all seven columns) tells nothing about one cell, so it is left out."""
    def labels(leaf: Leaf, roots: tuple[Node, ...]) -> list[str]:
        whole = len(roots) == 1 and roots[0].children
        return [n.label for n in leaf.path if n.label and not (whole and n is roots[0])]
    return "·".join(labels(row, block.rows) + labels(col, block.columns))


# ---- rule expansion ----------------------------------------------------------------------

_AXIS = re.compile(r"^@(?P<table>\w+)\.(?P<axis>rows|columns)(?:\.(?P<seg>\d+))?(?:\[(?P<tag>\w+)\])?$")


Binding = list[tuple[str, str]]  # (key, label) of each item an axis reference names


def _axis(tables: tuple[Table, ...], ref: str) -> Binding:
    """Resolve ``@t3.columns[applicant]`` / ``@t4.columns.0`` to [(key, label), …]."""
    m = _AXIS.match(ref)
    if not m:
        raise ValueError(f"bad axis reference {ref!r}")
    table = next(t for t in tables if t.id == m["table"])
    out: Binding = []
    for b in table.blocks:
        leaves = b.row_leaves if m["axis"] == "rows" else b.column_leaves
        for leaf in leaves:
            if m["tag"] and m["tag"] not in leaf.tags:
                continue
            keyed = [n for n in leaf.path if n.key]
            if m["seg"] is None:
                item = (leaf.key, "".join(n.label for n in keyed if n.label) or leaf.key)
            else:
                n = keyed[int(m["seg"])]
                item = (n.key or "", n.label or "")
            if item not in out:
                out.append(item)
    return out


def _binding(tables: tuple[Table, ...], value: str | list[str]) -> Binding:
    if isinstance(value, str):
        return _axis(tables, value)
    return [(k, _label_of(tables, k)) for k in value]


def _label_of(tables: tuple[Table, ...], key: str) -> str:
    for t in tables:
        for b in t.blocks:
            for leaf in b.row_leaves + b.column_leaves:
                for n in leaf.path:
                    if n.key == key and n.label:
                        return n.label
    return key


def _roles(rule: Rule) -> list[str]:
    """The parameters of the rule's kind that name data points by pattern (``role``/``roles``):
    each check has them expanded in its ``ids``."""
    from .rules.registry import KINDS

    kind = KINDS.get(rule.kind)
    return [n for n, prm in kind.params.items() if prm.type in ("role", "roles")] if kind else []


def _expand(rule: Rule, tables: tuple[Table, ...]) -> list[Check]:
    p = rule.params
    roles = _roles(rule)
    names = list(p.get("each", {}))
    axes = [_binding(tables, p["each"][n]) for n in names]
    checks = []
    for combo in itertools.product(*axes):
        env = {n: k for n, (k, _) in zip(names, combo)}
        labels = {n: lab for n, (_, lab) in zip(names, combo)}
        ids: dict[str, Any] = {}
        for role in roles:
            if role in p:
                v = p[role]
                ids[role] = tuple(s.format(**env) for s in v) if isinstance(v, list) else v.format(**env)
        if "parts" in p:
            ids["parts"] = _expand_parts(tables, p["parts"], p.get("over", {}), env)
        anchor = p["anchor"].format(**env) if "anchor" in p else ids.get("total") or ids.get("this") or ids.get("value")
        checks.append(Check(rule, p.get("label", "").format(**labels), ids, anchor))
    return checks


def _expand_parts(tables: tuple[Table, ...], pattern: str, over: dict[str, Any],
                  env: dict[str, str]) -> tuple[str, ...]:
    names = list(over)
    axes = [_binding(tables, over[n]) for n in names]
    return tuple(pattern.format(**env, **{n: k for n, (k, _) in zip(names, combo)})
                 for combo in itertools.product(*axes))


# ---- loading -----------------------------------------------------------------------------

def build_format(data: dict[str, Any]) -> Format:
    tables = tuple(
        Table(t["id"], t["number"], t["title"], t["sheet"], tuple(
            Block(b.get("title"), b.get("corner"), b["kind"],
                  tuple(_node(c) for c in b["columns"]), tuple(_node(r) for r in b["rows"]))
            for b in t["blocks"]))
        for t in data["tables"])
    sections = tuple(
        Section(s["number"], s["heading"], s.get("table"), s.get("sheet"),
                tuple(TextField(f["id"], s["number"], f.get("heading"), f["label"], s["sheet"],
                                f.get("optional", False), f.get("required", False))
                      for f in s.get("fields", ())),
                tuple(s.get("aliases", ())))
        for s in data["sections"])
    rules = tuple(Rule(r["id"], r["severity"], r["kind"], r["title"],
                       {k: v for k, v in r.items() if k not in ("id", "severity", "kind", "title")})
                  for r in data["rules"])
    checks = tuple(c for r in rules for c in _expand(r, tables))
    value_kinds = {name: _value_kind(name, d) for name, d in data["kinds"].items() if name != "text"}
    dps = _build_datapoints(tables, value_kinds)
    fmt = Format(data["id"], data["name"], data["notice"], data["first_year"], data["last_year"],
                 tuple(data["org_kinds"]), data["kinds"], value_kinds, data["detect"], sections, tables, rules,
                 dps, {f.id: f for s in sections for f in s.fields}, checks,
                 dict(data.get("instructions", {})))
    for i in fmt.computed:
        if i in dps:
            dps[i] = DataPoint(**{**dps[i].__dict__, "computed": True})
    _declare_codes(fmt)
    return fmt


def _declare_codes(fmt: Format) -> None:
    """The finding code of each rule in the catalogue as soon as its format is built (a finding
    made in a worker process is worded in the parent); a code worded two ways is left for
    ``nianbao spec-lint`` to name."""
    from .rules.registry import KINDS, code_of

    for rule in fmt.rules:
        if rule.kind in KINDS and KINDS[rule.kind].wording is not None:
            try:
                code_of(rule)
            except ValueError:
                pass


_BUILT: dict[str, Format] = {}


def get_format(format_id: str) -> Format:
    """The format of that id (built once per process)."""
    if format_id not in _BUILT:
        from .formats import data_of

        _BUILT[format_id] = build_format(data_of(format_id))
    return _BUILT[format_id]


def forget(format_id: str) -> None:
    """Drop a built format (one removed with ``nianbao.formats.unregister``)."""
    _BUILT.pop(format_id, None)


def available_formats() -> list[str]:
    """Every format's id, the newest first."""
    from .formats import format_ids

    return list(format_ids())


def format_for_year(year: int) -> Format:
    """The format in force for a report year: the newest format whose years cover it."""
    for f in available_formats():
        fmt = get_format(f)
        if fmt.covers_year(year):
            return fmt
    raise KeyError(f"no format covers report year {year}")
