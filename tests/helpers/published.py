"""The parser's results as the JSON ``nianbao parse`` writes: what the parse tests look at."""

from __future__ import annotations

from typing import Any

from nianbao import published


def parse_json(data: bytes, name: str = "report.txt", **kw: Any) -> dict[str, Any]:
    return published.parse_published(data, name, **kw).to_json()


def parse_file_json(path: Any, **kw: Any) -> dict[str, Any]:
    return published.parse_file(path, **kw).to_json()
