"""What identifies a workbook nianbao wrote, and what identifies a summary.

Every workbook carries its identity (:data:`META_KEYS`) twice: as custom document properties
named ``nianbao.<key>`` and as rows ``key | value`` (from A1 down) on the very hidden sheet
:data:`META_SHEET`. A summary (spec §9) is a report whose ``org.kind`` is :data:`SUMMARY_KIND`
and which lists its ``members``; a summary workbook carries the member list too, below the
identity rows, with its digest as a document property, so that an edited list is noticed.

Nothing here imports the rest of nianbao: the template writer, the importer, the merge and the
rules all read these names.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any, Iterable, Mapping

META_SHEET = "_nianbao"
PROPERTY_PREFIX = "nianbao."
META_KEYS = (
    "kind",         # "template" (a body fills it) or "summary" (a merge result)
    "format",       # "gb2021"
    "year",         # report year, e.g. "2026"
    "org_code",     # empty in the blank template
    "org_name",
    "org_kind",
    "template_id",  # stable id of this body's template: sha256 of format/year/org, 16 hex
    "generator",    # "nianbao 0.1.0"
    "fingerprint",  # Layout.fingerprint: identifies the cell layout the workbook was made with
)

SUMMARY_KIND = "汇总"  # the org kind of a merged report (spec §9); one of every format's org kinds
# A member of a summary, as listed in summary JSON ``members`` and on the summary workbook's
# identity sheet: below the identity rows and a blank row, a header row (MEMBERS_HEADER and these
# fields), then one row per member (MEMBER_ROW and the fields); their digest is the document
# property MEMBERS_PROPERTY.
MEMBER_FIELDS = ("code", "name", "kind", "sha256")
MEMBERS_HEADER, MEMBER_ROW = "members", "member"
MEMBERS_PROPERTY = PROPERTY_PREFIX + "members_sha256"


def members_digest(members: Iterable[Mapping[str, Any]]) -> str:
    """sha256 of a member list (order and every field count): stored beside the list in a
    summary workbook, so that an edited or truncated list is noticed."""
    rows = [[str(m.get(k) or "") for k in MEMBER_FIELDS] for m in members]
    return hashlib.sha256(json.dumps(rows, ensure_ascii=False, separators=(",", ":"))
                          .encode("utf-8")).hexdigest()
