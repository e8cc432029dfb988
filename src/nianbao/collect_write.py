"""Everything ``nianbao collect`` writes into OUT, as bytes first, then written atomically.

OUT/status.xlsx, OUT/status.csv, OUT/summary.json, OUT/summary.xlsx, OUT/反馈/<code>_<name>.xlsx
and OUT/reports/<code>.json (each body's used report, which ``nianbao template --previous OUT/``
reads next year). Files in 反馈/ and reports/ that this run did not produce (a body whose file
left the inbox) are removed, so OUT always describes the inbox as it is now.
"""

from __future__ import annotations

from pathlib import Path

from .collect import Collection
from .feedback import feedback_xlsx, file_name
from .report import dumps
from .status import status_csv, status_xlsx
from .summary_workbook import summary_xlsx

FEEDBACK_DIR, REPORTS_DIR = "反馈", "reports"


def summed_reports(col: Collection) -> list[dict]:
    members = {m["code"] for m in col.summary.get("members", ())}
    return [r for r in col.used_reports() if r["org"]["code"] in members]


def outputs(col: Collection) -> dict[str, bytes]:
    """Relative path -> bytes of every output file."""
    files = {"status.csv": status_csv(col), "status.xlsx": status_xlsx(col)}
    for b in col.bodies:
        if b.used is None:
            continue
        files[f"{REPORTS_DIR}/{b.org['code']}.json"] = dumps(b.used.report).encode("utf-8")
        files[f"{FEEDBACK_DIR}/{file_name(b.org)}"] = feedback_xlsx(b, col.year)
    files["summary.json"] = dumps(col.summary).encode("utf-8")
    files["summary.xlsx"] = summary_xlsx(col.summary, summed_reports(col))
    return files


def write_outputs(col: Collection, out: Path) -> dict[str, bytes]:
    from .cli.common import atomic_write_bytes

    out = Path(out)
    files = outputs(col)
    for rel, data in files.items():
        path = out / rel
        if not path.exists() or path.read_bytes() != data:
            atomic_write_bytes(path, data)
    for folder, pattern in ((FEEDBACK_DIR, "*.xlsx"), (REPORTS_DIR, "*.json")):
        for stale in (out / folder).glob(pattern):
            if f"{folder}/{stale.name}" not in files:
                stale.unlink()
    return files
