"""The report formats, as data: one module per format, each holding a ``FORMAT`` dict.

Every module of this package (``gb2021``, ``gb2019``, …) is found by itself: a new format is a
new module, and nothing else changes. :func:`register` adds a format at run time (a trial format,
a format under test). The format model of :mod:`nianbao.spec` is built from what
:func:`data_of` returns.

A format derived from another says ``"extends": "<id>"`` and only what differs (see
:func:`resolve`):

* ``id``, ``name``, ``notice``, ``first_year``, ``last_year``, ``detect``, ``org_kinds`` replace
  the base's;
* ``kinds``: each kind named is merged over the base's kind of that name (a new name adds one);
* ``instructions``: each key replaces the base's;
* ``tables``: whole tables, replacing the base's table of the same id (a new id adds a table);
* ``nodes``: ``{"<table>.<rows|columns>.<key path>": node}`` replaces one header node (with its
  children) — the key path names keyed nodes only, e.g. ``t3.rows.other``;
* ``insert``: ``{"<table>.<rows|columns>.<key path>": [node, …]}`` puts nodes after that one;
* ``fields``: ``{"<text id>": {...}}`` merged over a text field of a section;
* ``rules``: ``{"<rule id>": {...}}`` merged over the base's rule of that id, ``None`` removes it,
  and an id the base does not have adds the rule (a whole entry). Rules are kept in the order of
  their ids (R2 before R10).
"""

from __future__ import annotations

import copy
import importlib
import pkgutil
import re
from typing import Any

# What a derived format may say (everything else is an error: a typo must not pass silently).
_REPLACED = ("id", "name", "notice", "first_year", "last_year", "detect", "org_kinds")
_CHANGES = ("extends", "kinds", "instructions", "tables", "nodes", "insert", "fields", "rules")

_REGISTERED: dict[str, dict[str, Any]] = {}


def _modules() -> dict[str, dict[str, Any]]:
    """The ``FORMAT`` of every module of this package, by format id."""
    out = {}
    for info in pkgutil.iter_modules(__path__):
        if info.name.startswith("_"):
            continue
        data = getattr(importlib.import_module(f"{__name__}.{info.name}"), "FORMAT", None)
        if isinstance(data, dict):
            out[data["id"]] = data
    return out


_FOUND: dict[str, dict[str, Any]] | None = None


def _declared() -> dict[str, dict[str, Any]]:
    global _FOUND
    if _FOUND is None:
        _FOUND = _modules()
    return {**_FOUND, **_REGISTERED}


def format_ids() -> tuple[str, ...]:
    """Every format's id, the newest first (by ``first_year``)."""
    declared = _declared()
    return tuple(sorted(declared, key=lambda i: (-_raw(declared, i)["first_year"], i)))


def _raw(declared: dict[str, dict[str, Any]], format_id: str) -> dict[str, Any]:
    data = declared[format_id]
    return data if "first_year" in data else resolve(data)


def data_of(format_id: str) -> dict[str, Any]:
    """The complete data of a format (a derived one resolved against its base)."""
    declared = _declared()
    if format_id not in declared:
        raise KeyError(f"unknown format {format_id!r}")
    return resolve(declared[format_id])


def register(data: dict[str, Any]) -> str:
    """Add a format at run time (its data, complete or ``extends``); returns its id."""
    format_id = str(data["id"])
    if format_id in _declared():
        raise ValueError(f"format {format_id} exists already")
    resolve(data)  # a bad derivation fails here, not at first use
    _REGISTERED[format_id] = data
    return format_id


def unregister(format_id: str) -> None:
    """Remove a format added with :func:`register`."""
    _REGISTERED.pop(format_id)
    from ..spec import forget

    forget(format_id)


# ---- "extends" ------------------------------------------------------------------------------

def resolve(data: dict[str, Any]) -> dict[str, Any]:
    """The complete data of a format: ``data`` itself, or its base with its changes applied."""
    if "extends" not in data:
        return data
    unknown = set(data) - set(_REPLACED) - set(_CHANGES)
    if unknown:
        raise ValueError(f"format {data.get('id')}: cannot derive {sorted(unknown)} "
                         f"(a derived format may say {', '.join(_REPLACED + _CHANGES)})")
    out = copy.deepcopy(data_of(data["extends"]))
    out.pop("extends", None)
    out.update({k: copy.deepcopy(data[k]) for k in _REPLACED if k in data})
    for name, kind in data.get("kinds", {}).items():
        out["kinds"][name] = {**out["kinds"].get(name, {}), **copy.deepcopy(kind)}
    out["instructions"] = {**out.get("instructions", {}), **copy.deepcopy(data.get("instructions", {}))}
    for table in data.get("tables", ()):
        ids = [t["id"] for t in out["tables"]]
        if table["id"] in ids:
            out["tables"][ids.index(table["id"])] = copy.deepcopy(table)
        else:
            out["tables"].append(copy.deepcopy(table))
    for where, node in data.get("nodes", {}).items():
        siblings, i = _find(out, where)
        siblings[i] = copy.deepcopy(node)
    for where, nodes in data.get("insert", {}).items():
        siblings, i = _find(out, where)
        siblings[i + 1:i + 1] = copy.deepcopy(list(nodes))
    for text_id, change in data.get("fields", {}).items():
        _field(out, text_id).update(copy.deepcopy(change))
    out["rules"] = _rules(out["rules"], data.get("rules", {}))
    return out


def _find(data: dict[str, Any], where: str) -> tuple[list[dict[str, Any]], int]:
    """The list of sibling nodes holding the node ``<table>.<rows|columns>.<key path>``, and its
    index there."""
    table_id, axis, *path = where.split(".")
    if axis not in ("rows", "columns") or not path:
        raise ValueError(f"bad node path {where!r}: <table>.<rows|columns>.<key path>")
    table = next((t for t in data["tables"] if t["id"] == table_id), None)
    if table is None:
        raise ValueError(f"bad node path {where!r}: no table {table_id}")
    for block in table["blocks"]:
        found = _walk(block[axis], path)
        if found is not None:
            return found[0], found[1]
    raise ValueError(f"bad node path {where!r}: no such node")


def _walk(nodes: list[dict[str, Any]], path: list[str]) -> tuple[list[dict[str, Any]], int] | None:
    for i, n in enumerate(nodes):
        if n.get("key") is None:  # a group without key: look inside
            found = _walk(n.get("children", []), path)
            if found is not None:
                return found
        elif n["key"] == path[0]:
            return (nodes, i) if len(path) == 1 else _walk(n.get("children", []), path[1:])
    return None


def _field(data: dict[str, Any], text_id: str) -> dict[str, Any]:
    for s in data["sections"]:
        for f in s.get("fields", ()):
            if f["id"] == text_id:
                field: dict[str, Any] = f
                return field
    raise ValueError(f"no text field {text_id!r} to change")


def _rules(base: list[dict[str, Any]], changes: dict[str, Any]) -> list[dict[str, Any]]:
    by_id = {r["id"]: r for r in base}
    for rule_id, change in changes.items():
        if change is None:
            by_id.pop(rule_id)
        elif rule_id in by_id:
            by_id[rule_id] = {**by_id[rule_id], **copy.deepcopy(change)}
        else:
            by_id[rule_id] = {"id": rule_id, **copy.deepcopy(change)}
    return sorted(by_id.values(), key=lambda r: [int(x) if x.isdigit() else x
                                                   for x in re.split(r"(\d+)", r["id"])])
