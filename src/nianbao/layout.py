"""Where everything sits in the workbook, derived from the format.

The template writer places cells from this layout, the reader finds and verifies them from it,
and findings name cells through it. Nothing here is written by hand per label: tables are laid
out from their header trees (a node spans the columns of its leaves; a leaf spans down to the
last header row / across to the last label column), so the official merged-cell structure
follows from the data.

Defined names: a data point, text or cover field with id ``t3.received.natural_person`` is the
workbook-scoped name ``nb.t3.received.natural_person`` (:func:`defined_name`).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import cached_property, lru_cache

from .cellref import a1
from .identity import META_KEYS, META_SHEET, PROPERTY_PREFIX  # noqa: F401  (re-exported)
from .rules import checks_with
from .spec import Block, Format, Node, dp_id, get_format

INSTRUCTIONS_SHEET = "填报说明"
COVER_SHEET = "封面"
NAME_PREFIX = "nb."
TABLE_TOP = 4  # tables start below a title row, a status row and a spacer
TEXT_TOP = 3

COVER_TITLE = "政府信息公开工作年度报告数据填报表"
# Cover fields: (id, label, kind). Identity fields are locked when the template is made for a
# named body and are inputs in the blank template.
COVER_FIELDS = (
    ("report.year", "报告年度", "year"),
    ("org.name", "单位名称", "org"),
    ("org.code", "单位代码", "org"),
    ("org.kind", "单位类型", "org"),
    ("contact.person", "填报人", "contact"),
    ("contact.phone", "联系电话", "contact"),
    ("contact.date", "填报日期", "contact"),
)
COVER_STATUS = "status.overall"
STATUS_MIN_WIDTH = 40  # characters: a table's status spans its label columns if they are this wide

# The identity every workbook carries (META_KEYS, on META_SHEET and as document properties
# named PROPERTY_PREFIX + key) is described in nianbao.identity.


def defined_name(item_id: str) -> str:
    return NAME_PREFIX + item_id


def item_of_name(name: str) -> str | None:
    return name[len(NAME_PREFIX):] if name.startswith(NAME_PREFIX) else None


@dataclass(frozen=True)
class Place:
    """One placed cell (or merged range) of the layout."""

    sheet: str
    row: int  # 0-based top-left
    col: int
    role: str  # title | heading | label | header | corner | input | total | check | status | text
    text: str | None = None  # the fixed label text (labels, headers, titles)
    id: str | None = None  # data point / text / cover field / check id
    kind: str | None = None  # count | amount | text | cover field kind
    rows: int = 1
    cols: int = 1

    @property
    def ref(self) -> str:
        return a1(self.row, self.col)

    @property
    def range(self) -> str:
        if self.rows == 1 and self.cols == 1:
            return self.ref
        return f"{self.ref}:{a1(self.row + self.rows - 1, self.col + self.cols - 1)}"

    @property
    def merged(self) -> bool:
        return self.rows > 1 or self.cols > 1


@dataclass(frozen=True)
class SheetLayout:
    name: str
    places: tuple[Place, ...]
    widths: tuple[float, ...]  # column widths (characters)
    table: str | None = None


@dataclass(frozen=True)
class Layout:
    format: Format
    sheets: tuple[SheetLayout, ...]

    @property
    def places(self):
        for s in self.sheets:
            yield from s.places

    def sheet(self, name: str) -> SheetLayout:
        return next(s for s in self.sheets if s.name == name)

    @cached_property  # computed once per layout: hashing the frozen Layout per call is slow
    def by_id(self) -> dict[str, Place]:
        return _index(self)

    def where(self, item_id: str) -> tuple[str, str] | None:
        p = self.by_id.get(item_id)
        return (p.sheet, p.ref) if p else None

    def total_formula(self, item_id: str) -> str:
        """The formula of a computed data point, e.g. ``SUM(D9:D29)``."""
        parts = [self.by_id[i] for i in self.format.computed[item_id]]
        return "SUM(" + ",".join(_ranges(parts)) + ")"

    @cached_property
    def fingerprint(self) -> str:
        return _fingerprint(self)


def _index(layout: Layout) -> dict[str, Place]:
    return {p.id: p for p in layout.places if p.id}


def _fingerprint(layout: Layout) -> str:
    h = hashlib.sha256(layout.format.id.encode())
    for s in layout.sheets:
        for p in s.places:
            h.update(repr((s.name, p.range, p.role, p.text, p.id, p.kind)).encode())
    return h.hexdigest()[:16]


def _ranges(places: list[Place]) -> list[str]:
    """Compress cells to contiguous vertical/horizontal runs: D9,D10,D11 -> D9:D11."""
    out: list[str] = []
    run: list[Place] = []
    for p in places:
        if run and (p.col == run[-1].col and p.row == run[-1].row + 1 and
                    all(q.col == p.col for q in run) or
                    p.row == run[-1].row and p.col == run[-1].col + run[-1].cols and
                    all(q.row == p.row for q in run)):
            run.append(p)
            continue
        if run:
            out.append(run[0].ref if len(run) == 1 else f"{run[0].ref}:{run[-1].ref}")
        run = [p]
    if run:
        out.append(run[0].ref if len(run) == 1 else f"{run[0].ref}:{run[-1].ref}")
    return out


# ---- tables ------------------------------------------------------------------------------

def _depth(nodes) -> int:
    return max((1 + _depth(n.children) for n in nodes), default=0)


def _count(node: Node) -> int:
    return sum(_count(c) for c in node.children) if node.children else 1


def _table_places(fmt: Format, table) -> tuple[list[Place], int, int]:
    sheet = table.sheet
    n_label = max(_depth(b.rows) if any(r.label for r in b.rows) else 0 for b in table.blocks)
    width = max(len(b.column_leaves) for b in table.blocks)
    places = [Place(sheet, 0, 0, "title", table.title, cols=n_label + width)]
    row = TABLE_TOP - 1
    for block in table.blocks:
        places_b, row = _block_places(table, block, row, n_label, width)
        places += places_b
    return places, n_label, width


def _block_places(table, block: Block, top: int, n_label: int, width: int):
    sheet, out = table.sheet, []
    if block.title:
        out.append(Place(sheet, top, 0, "header", block.title, cols=n_label + width))
        top += 1
    n_head = _depth(block.columns)
    span = width // len(block.column_leaves)
    if n_label and n_head:
        out.append(Place(sheet, top, 0, "corner", block.corner, rows=n_head, cols=n_label))

    def head(nodes, depth, col):
        for n in nodes:
            cols = _count(n) * span
            rows = 1 if n.children else n_head - depth
            out.append(Place(sheet, top + depth, n_label + col, "header", n.label, rows=rows, cols=cols))
            head(n.children, depth + 1, col)
            col += cols
    head(block.columns, 0, 0)
    first = top + n_head

    def label(nodes, depth, row):
        for n in nodes:
            rows = _count(n)
            if n.label:
                cols = 1 if n.children else n_label - depth
                out.append(Place(sheet, row, depth, "label", n.label, rows=rows, cols=cols))
            label(n.children, depth + 1, row)
            row += rows
    label(block.rows, 0, first)
    for r_i, r in enumerate(block.row_leaves):
        for c_i, c in enumerate(block.column_leaves):
            i = dp_id(table.id, r.key, c.key)
            out.append(Place(sheet, first + r_i, n_label + c_i * span, "input", None, i,
                             c.node.kind or block.kind, cols=span))
    return out, first + len(block.row_leaves)


def _mark_totals(fmt: Format, places: list[Place]) -> list[Place]:
    computed = fmt.computed
    return [Place(**{**p.__dict__, "role": "total"}) if p.role == "input" and p.id in computed
            else p for p in places]


def _check_places(fmt: Format, table, places: list[Place], n_label: int) -> list[Place]:
    """A row of live pass/fail marks for the checks shown live as marks (R1) anchored in this
    table."""
    by_id = {p.id: p for p in places if p.id}
    checks = [c for c in checks_with(fmt, "live", "mark") if c.anchor in by_id]
    if not checks:
        return []
    row = max(p.row + p.rows for p in places)
    rule = checks[0].rule
    out = [Place(table.sheet, row, 0, "label", f"{rule.id} {rule.title}", cols=max(n_label, 1))]
    for c in checks:
        anchor = by_id[c.anchor or ""]
        out.append(Place(table.sheet, row, anchor.col, "check", None,
                         f"check.{rule.id}.{c.anchor}", "check", cols=anchor.cols))
    return out


def _table_sheet(fmt: Format, table) -> SheetLayout:
    places, n_label, width = _table_places(fmt, table)
    places = _mark_totals(fmt, places)
    places += _check_places(fmt, table, places, n_label)
    # table 三's third label column holds its longest row label on one line (“（二）部分公开（区分
    # 处理的，…）” across B:C), and its last rows' labels on two
    label_w = {0: (), 1: (16,), 3: (14, 16, 48)}.get(n_label, (16,) * n_label)
    # The status spans the label columns when they are wide enough for its sentence: the
    # writer freezes panes at the first input column, and a merged cell across that line is
    # repainted on one side only (LibreOffice). Otherwise it spans the table.
    status_cols = n_label if sum(label_w) >= STATUS_MIN_WIDTH else n_label + width
    places.append(Place(table.sheet, 1, 0, "status", None, f"status.{table.id}", "status",
                        cols=status_cols))
    data_w = 10 if width > 7 else 12
    if width <= 3:
        data_w = 16
    return SheetLayout(table.sheet, tuple(places), tuple(label_w) + (data_w,) * width, table.id)


# ---- text and cover ------------------------------------------------------------------------

def _text_sheets(fmt: Format) -> dict[str, list[Place]]:
    sheets: dict[str, list[Place]] = {}
    for s in fmt.sections:
        if not s.fields or s.sheet is None:
            continue
        sheet = s.sheet
        places = sheets.setdefault(sheet, [])
        row = max((p.row + 1 for p in places), default=TEXT_TOP - 1)
        if not places:
            places.append(Place(sheet, 0, 0, "title", s.heading))
        else:
            places.append(Place(sheet, row, 0, "heading", s.heading))
            row += 1
        for f in s.fields:
            places.append(Place(sheet, row, 0, "label", f.label))
            places.append(Place(sheet, row + 1, 0, "text", None, f.id, "text"))
            row += 2
    return sheets


def _cover_sheet() -> SheetLayout:
    places = [Place(COVER_SHEET, 0, 0, "title", COVER_TITLE, cols=2)]
    for i, (fid, label, kind) in enumerate(COVER_FIELDS):
        places.append(Place(COVER_SHEET, 2 + i, 0, "label", label))
        places.append(Place(COVER_SHEET, 2 + i, 1, "cover", None, fid, kind))
    row = 3 + len(COVER_FIELDS)
    places.append(Place(COVER_SHEET, row, 0, "label", "校验状态"))
    places.append(Place(COVER_SHEET, row, 1, "status", None, COVER_STATUS, "status"))
    return SheetLayout(COVER_SHEET, tuple(places), (16, 60))


@lru_cache(maxsize=None)
def layout_for(format_id: str) -> Layout:
    fmt = get_format(format_id)
    sheets = [_cover_sheet()]
    texts = _text_sheets(fmt)
    seen = set()
    for s in fmt.sections:
        if s.table:
            sheets.append(_table_sheet(fmt, fmt.table(s.table)))
        elif s.sheet is not None and s.sheet not in seen:
            seen.add(s.sheet)
            sheets.append(SheetLayout(s.sheet, tuple(texts[s.sheet]), (100,)))
    return Layout(fmt, tuple(sheets))
