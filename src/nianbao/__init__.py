"""nianbao (年报): templates, checks, merges and publishes 政府信息公开工作年度报告 tables.

The library's public face is :mod:`nianbao.api`, whose names are importable from here::

    import nianbao

    xlsx = nianbao.template(2026, nianbao.Org("1101", "青山镇人民政府", "乡镇"))
    checked = nianbao.check(xlsx, name="青山镇.xlsx", year=2026)
    html = nianbao.render(checked.report, "html")

They are loaded on first use, so that ``import nianbao`` (and ``nianbao --help``) stays quick.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"
GENERATOR = f"nianbao {__version__}"

if TYPE_CHECKING:
    from .api import (  # noqa: F401
        Finding,
        Member,
        Org,
        Report,
        Roster,
        Submission,
        Unreadable,
        check,
        check_many,
        collect,
        collect_submissions,
        collection_files,
        export_csv,
        export_sqlite,
        last_year,
        load,
        load_previous,
        merge,
        parse,
        preload,
        read,
        read_previous,
        read_reports,
        read_roster,
        render,
        summary_xlsx,
        template,
        template_name,
        write_collection,
        write_templates,
    )

_API = frozenset({
    "Finding", "Member", "Org", "Report", "Roster", "Submission", "Unreadable",
    "template", "template_name", "write_templates",
    "check", "check_many", "read", "read_roster", "last_year", "load_previous", "read_previous",
    "collect", "collect_submissions", "collection_files", "write_collection",
    "read_reports", "merge", "summary_xlsx",
    "render", "parse", "export_sqlite", "export_csv", "load", "preload",
})


def __getattr__(name: str) -> Any:
    if name in _API:
        from . import api

        return getattr(api, name)
    raise AttributeError(f"module 'nianbao' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | _API)
