"""Cell styles of the workbooks nianbao writes, by layout role.

One table of style properties, turned into xlsxwriter formats once per workbook. Inputs are
unlocked and light yellow, totals grey, labels and headers locked; the pass/fail colours of
check and status cells come from conditional formats (:data:`MARKS`), so they follow the
live formula result.
"""

from __future__ import annotations

import math
from functools import lru_cache

FONT = "宋体"
INPUT_FILL = "#FFF2CC"  # light yellow: "type here"
TOTAL_FILL = "#E7E6E6"  # grey: computed, locked
HEADER_FILL = "#DDEBF7"
PREFILL_FILL = "#E4DFEC"  # light purple: pre-filled from last year's report, still editable
PREFILL_WORD = "浅紫色"  # how the 填报说明 names that fill

_BASE = {"font_name": FONT, "font_size": 11, "valign": "vcenter", "text_wrap": True}
_BOX = {"border": 1}

STYLES: dict[str, dict] = {
    "title": {"bold": True, "font_size": 16, "align": "center"},
    "heading": {"bold": True, "font_size": 13},
    "header": {**_BOX, "bold": True, "align": "center", "bg_color": HEADER_FILL},
    "corner": {**_BOX, "font_size": 10, "align": "center", "bg_color": HEADER_FILL},
    "label": {**_BOX},
    "text_label": {"bold": True, "valign": "bottom"},
    # Count inputs and totals in General, not "0": a fraction pasted past the validation shows
    # as typed (2.5, and a total of 3.5) instead of rounded to look valid.
    "count": {**_BOX, "locked": False, "bg_color": INPUT_FILL, "align": "center"},
    "signed": {**_BOX, "locked": False, "bg_color": INPUT_FILL, "align": "center"},
    "signed_value": {**_BOX, "align": "center", "num_format": "0"},
    "amount": {**_BOX, "locked": False, "bg_color": INPUT_FILL, "align": "center",
               "num_format": "0.00####"},
    "count_value": {**_BOX, "align": "center", "num_format": "0"},
    "amount_value": {**_BOX, "align": "center", "num_format": "0.00####"},
    "total": {**_BOX, "bold": True, "align": "center", "bg_color": TOTAL_FILL},
    "check": {**_BOX, "align": "center", "font_size": 10},
    "status": {**_BOX, "bold": True, "align": "left"},
    "text": {**_BOX, "locked": False, "bg_color": INPUT_FILL, "valign": "top"},
    "text_value": {**_BOX, "valign": "top"},
    "cover_label": {**_BOX, "bold": True, "align": "center", "bg_color": HEADER_FILL},
    # an input pre-filled from last year's report (a carried-over count, R7): other fill, editable
    # (the key is template.PREFILLED after the kind)
    "count_prefilled": {**_BOX, "locked": False, "bg_color": PREFILL_FILL, "align": "center"},
    "cover_fixed": {**_BOX, "align": "left"},
    "cover_input": {**_BOX, "locked": False, "bg_color": INPUT_FILL, "num_format": "@"},  # as typed
    "note": {"font_size": 10, "font_color": "#595959"},
    "para": {"valign": "top"},
    "org_line": {"valign": "top"},  # its height does not depend on the name (see template._patched)
    "para_bold": {"bold": True, "font_size": 12},
}

# Conditional formats of check/status cells, by the first character of the formula result.
MARK_PASS, MARK_FAIL, MARK_WARN, MARK_PENDING = "√", "×", "△", "待"
MARKS = {
    MARK_PASS: {"bg_color": "#C6EFCE", "font_color": "#006100"},
    MARK_FAIL: {"bg_color": "#FFC7CE", "font_color": "#9C0006"},
    MARK_WARN: {"bg_color": "#FFEB9C", "font_color": "#9C5700"},
    # grey as well, but dark on mid-grey: mid-grey on light grey all but vanished on paper
    MARK_PENDING: {"bg_color": "#D9D9D9", "font_color": "#262626"},
}


def value_style(kind) -> str:
    """The style of an input of a kind of value (a ``spec.ValueKind``): decimals keep their
    places, a signed kind its minus; the locked look of a summary is this + ``_value``."""
    return "amount" if kind.decimal else "signed" if kind.signed else "count"


def make_styles(workbook) -> dict:
    """The xlsxwriter formats of one workbook: role -> Format, and "mark:<c>" for the marks."""
    out = {name: workbook.add_format({**_BASE, **props}) for name, props in STYLES.items()}
    for ch, props in MARKS.items():
        out["mark:" + ch] = workbook.add_format(props)
    return out


@lru_cache(maxsize=4096)  # the same labels and sentences recur in every workbook
def wrapped_lines(text, width: float, fill: float = 0.9) -> int:
    """Lines a wrapped cell of ``width`` characters needs for ``text`` (a CJK glyph counts 2,
    each line break starts a line; ``fill``: how much of the width a line really uses in the
    writer's font), for row heights that show every line."""
    total = 0
    for part in str(text).split("\n"):
        w = sum(2 if ord(ch) > 0x2E80 else 1 for ch in part)
        total += max(1, math.ceil(w / max(width * fill, 1)))
    return total
