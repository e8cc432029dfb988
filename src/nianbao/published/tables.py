"""Reading the three tables of a published report from its lines, by the format's labels.

A row is recognised by its label (:mod:`.labels`): the label cells of the line, joined with
label-only lines just before it (labels broken over lines, a label on its own line, group
labels on the row's line), must end with a row's label. Its value cells are placed on the
block's columns in order; numbers run together are cut by :mod:`.digits` once the whole table
is read (the identities need the other rows). A block title (``第二十条第（五）项``) anywhere in
the label text chooses the block and the header after it is checked against the format.

Whatever cannot be placed without guessing — a row whose numbers do not fit, numbers under no
known label, a row or a table not there — is a finding and the data points stay missing
(``None``), never 0. A row label printed with no numbers after it is a blank row (R16 on each
cell). An old layout's single row for a group (2019's ``（六）其他处理`` in a 2021 table) is
reported, its numbers kept in the finding and used by the identities, its sub-rows missing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..findings import code
from ..spec import Block, Format, Table, dp_id
from ..values import read_value
from . import digits
from .cuts import as_number
from .labels import match_end, near_label
from .lines import Line, RowParts, is_blank, norm, odd_digits, pick_values, place_text, row_parts

TABLE_MISSING = code("PUBLISHED_TABLE_MISSING", "error", "未找到表格“{title}”，其中{n}项数据缺失",
                     "table “{title}” not found; its {n} data points are missing",
                     "检查原文是否含有该表格；表格为图片时需手工录入。")
ROW_MISSING = code("PUBLISHED_ROW_MISSING", "error", "{table}中未找到“{label}”一行，该行{n}项数据缺失",
                   "{table}: row “{label}” not found; its {n} data points are missing",
                   "检查原文该行的标签是否与格式一致。")
ROW_CELLS = code("PUBLISHED_ROW_CELLS", "error", "{table}“{label}”一行有{found}个数字，应为{n}个，无法确定各数字所在的列，未读入：{line}",
                 "{table} row “{label}” has {found} numbers where {n} belong; not read: {line}",
                 "核对原文该行，补齐空白的单元格（没有的填0）。")
UNPLACED = code("PUBLISHED_UNPLACED", "warning", "{table}中有一行数字无法对应到格式中的任何一行，未读入：{line}",
                "{table}: a row of numbers matches no row of the format; not read: {line}",
                "核对原文该行的标签。")
ROW_TWICE = code("PUBLISHED_ROW_TWICE", "error", "{table}中“{label}”一行出现了两次，只读入了第一次的数字，第二次未读入：{line}",
                 "{table}: row “{label}” appears twice; only the first was read; not read: {line}",
                 "删去重复的行。")
LABEL_VARIANT = code("PUBLISHED_LABEL_VARIANT", "info", "已将“{found}”读作“{label}”",
                     "read “{found}” as “{label}”", "无需处理；发布时请使用规范的标签。")
HEADER_UNKNOWN = code("PUBLISHED_HEADER_UNKNOWN", "warning", "{table}“{block}”的表头“{found}”与格式的“{expected}”不符，数字按列的顺序读入",
                      "{table} “{block}”: header “{found}” is not the format's “{expected}”; values read in column order",
                      "核对表头和各列数字。")
TEXT_IN_TABLE = code("PUBLISHED_TABLE_TEXT", "info", "{table}中有一段文字不是表格的行，未读入：{text}",
                     "{table}: a line of prose beside the table was not read: {text}",
                     "如是表格的行，请核对原文的单元格。")
ODD_DIGITS = code("PUBLISHED_ODD_DIGITS", "error",
                  "{table}“{label}”：“{raw}”中的“{odd}”是上标、圈码或其他文字的数字（如脚注标记），无法确定表中的数是多少，未读入",
                  "{table} “{label}”: “{odd}” in “{raw}” is a superscript, circled or other script's digit "
                  "(a footnote mark?); the number cannot be told; not read",
                  "核对原表：数字只用阿拉伯数字，脚注标记移到表格外。")
COLUMNS_UNSURE = code("PUBLISHED_COLUMNS_UNSURE", "error",
                      "{table}“{label}”一行：{why}，无法确定各数字所在的列，未读入：{line}",
                      "{table} row “{label}”: {why_en}; which column each number is in cannot be told; not read: {line}",
                      "核对原文该行各数字所在的列。")
OUT_OF_STEP = code("PUBLISHED_ROWS_OUT_OF_STEP", "error",
                   "{table}中“{labels}”的标签下没有数字，下一行的数字之后又有无法对应到任何一行的数字：数字与行标签错开了，无法确定这些数字属于哪一行，未读入",
                   "{table}: “{labels}”: a label without numbers, then numbers that belong to no row: the numbers and the "
                   "row labels are out of step (text copied from a PDF); which row the numbers belong to cannot be told; not read",
                   "核对原文这几行的数字。")
GROUP_ROW = code("PUBLISHED_GROUP_ROW", "info", "{table}“{label}”只有一行（旧格式的写法，2021年格式分为{n}行），数字为 {numbers}；其下各行的数据缺失",
                 "{table}: “{label}” is one row (the old layout; the 2021 format has {n} rows under it), "
                 "numbers {numbers}; the rows under it are missing",
                 "按现行格式把该行拆分填报。")


@dataclass
class Reading:
    values: dict  # id -> typed value (only what was read)
    findings: list
    rows_found: int
    places: dict = field(default_factory=dict)  # id -> {"where": {...}, "raw": "…"}


@dataclass
class _Target:
    """What a row of numbers belongs to: a leaf row, or a group standing in for its rows."""

    block: int
    key: str
    label: str
    group: tuple[str, ...] | None = None  # the leaf keys under a group row


def _title_pattern(title: str) -> re.Pattern:
    """A block title, brackets optional (``第二十条第（一）项`` = ``第二十条第一项``)."""
    t = norm(title)
    return re.compile("".join(r"\(?" if ch == "(" else r"\)?" if ch == ")" else re.escape(ch) for ch in t))


def _groups(block: Block):
    """(key path, node, leaf keys under it) of every keyed group row of a block."""
    out = []

    def walk(nodes, path):
        for n in nodes:
            keys = path + ([n.key] if n.key else [])
            if n.children:
                if n.key and n.label:
                    leaves = [leaf.key for leaf in block.row_leaves
                              if leaf.key.startswith(".".join(keys) + ".")]
                    out.append((".".join(keys), n, tuple(leaves)))
                walk(n.children, keys)
    walk(block.rows, [])
    return out


class _TableReader:
    def __init__(self, fmt: Format, table: Table):
        self.fmt, self.table = fmt, table
        self.name = table.title
        self.values: dict = {}
        self.findings: list = []
        self.places: dict = {}
        self.block: int | None = 0 if len(table.blocks) == 1 else None
        self.buffer: list[str] = []
        self.seen: set[str] = set()
        self.order = [(b, leaf.key) for b, blk in enumerate(table.blocks) for leaf in blk.row_leaves]
        self.open: tuple | None = None  # a short text row that value-only lines may complete
        self.pending: list[tuple[digits.Row, _Target]] = []
        self.known: dict = {}  # values read directly, virtual group ids too (for the identities)
        self.group_rows: dict[str, tuple[_Target, list[str]]] = {}
        self.titles = [(_title_pattern(b.title), i) for i, b in enumerate(table.blocks) if b.title]
        self.waiting: tuple | None = None  # unplaced numbers whose label may continue below
        self.blanks = False  # a row of the table has blank cells beside numbers: see digits.solve
        self.suspect: tuple | None = None  # (rows read as blank, the row read after them): _out_of_step

    # ---- lines ---------------------------------------------------------------------------

    def line(self, line: Line) -> None:
        parts = row_parts(line)
        if self.waiting is not None:
            if parts is not None and parts.labels and not any(parts.values) and (not line.exact or line.wraps):
                if self._continued(parts):
                    return
            else:
                self._unplaced()
        if parts is not None and not parts.labels and any(parts.values) and self.open and not line.exact:
            self._extend(parts)
            return
        self._close()
        if parts is None:  # prose beside the table
            self.findings.append(TEXT_IN_TABLE(table=self.name, text=line.text[:120]))
            return
        if not any(parts.values) and not (line.exact and parts.values):
            self._labels_only(parts)
            return
        self._row(line, parts)

    def _labels_only(self, parts: RowParts) -> None:
        joined = self._after_title(norm("".join(self.buffer + parts.labels)))
        if joined is None:
            self.buffer = []
            return
        block = self.table.blocks[self.block] if self.block is not None else None
        if block and block.corner and parts.labels and norm(parts.labels[0]) == norm(block.corner):
            if all(not c.children for c in block.columns):  # one header row: check it
                self._header(block, parts.labels[1:])
            self.buffer = []
            return
        self.buffer = [joined]

    def _after_title(self, joined: str) -> str | None:
        """Set the block when a block title is in the text; the text after it (None: only a
        title). A header right after the title (run-together text) is checked."""
        hits = [(m.end(), i, m.start()) for pat, i in self.titles for m in pat.finditer(joined)]
        if not hits:
            return joined
        end, i, _ = max(hits)
        self.block = i
        rest = joined[end:]
        return rest or None

    def _row(self, line: Line, parts: RowParts) -> None:
        joined = norm("".join(self.buffer + parts.labels))
        self.buffer = []
        joined = self._after_title(joined) or ""
        target, found_len = self._target(joined, line, parts)
        if target is None:
            return
        blank = self._blank_rows_in(joined[:len(joined) - found_len], target)
        # a label without numbers just before a row read from text: if numbers that fit no
        # row follow, the numbers ran a row behind their labels (see _out_of_step)
        self.suspect = (blank, target) if blank and not line.exact else None
        block = self.table.blocks[target.block]
        n = len(block.column_leaves)
        if self.block is not None and block.corner:
            self._header_text(block, joined[:len(joined) - found_len])
        filled = len([v for v in parts.values if v])
        one_a_line = not parts.labels and filled == 1  # a cell a line, its label on the lines before
        if not line.exact and filled < n and (parts.runs or one_a_line):
            self.open = (line, parts, target)
            return
        self._values(line, parts, target)

    def _target(self, joined: str, line: Line, parts: RowParts):
        """The row (or group row) a line's numbers belong to, and how much text its label took."""
        if all(leaf.label is None for b in self.table.blocks for leaf in b.row_leaves):
            leaf = self.table.blocks[0].row_leaves[0]
            return self._claim(_Target(0, leaf.key, self.name), line), 0
        blocks = range(len(self.table.blocks)) if self.block is None else [self.block]
        leaves = {id(leaf.node): (b, leaf) for b in blocks for leaf in self.table.blocks[b].row_leaves}
        hit = match_end(joined, [leaves[k][1].node for k in leaves],
                        fuzzy_ok=lambda node: leaves[id(node)][1].key not in self.seen)
        if hit is not None:
            b, leaf = leaves[id(hit[0])]
            if not hit[1].exact:
                self._variant(hit[1].found, leaf.label, b, leaf.key)
            return self._claim(_Target(b, leaf.key, leaf.label), line), hit[1].length
        groups = {id(g): (b, key, g, under) for b in blocks for key, g, under in _groups(self.table.blocks[b])}
        hit = match_end(joined, [groups[k][2] for k in groups])
        if hit is not None:
            b, key, g, under = groups[id(hit[0])]
            return _Target(b, key, g.label, under), hit[1].length
        if not any(parts.values):  # a header row with empty cells
            self.buffer = [joined]
            return None, 0
        if (not line.exact or line.wraps) and self.waiting is None:  # its label may go on below the numbers
            self.waiting = (line, parts, joined, 0)
            return None, 0
        self.findings.append(UNPLACED(table=self.name, line=line.text[:120]))
        self._out_of_step()
        return None, 0

    def _continued(self, parts: RowParts) -> bool:
        """A label that goes on below its numbers (a PDF cell whose text wraps around the
        vertically centred numbers): the label-only line after unplaced numbers completes it."""
        line, waiting, joined, tries = self.waiting
        joined += norm("".join(parts.labels))
        blocks = range(len(self.table.blocks)) if self.block is None else [self.block]
        nodes = [leaf.node for b in blocks for leaf in self.table.blocks[b].row_leaves
                 if leaf.key not in self.seen]
        hit = match_end(joined, nodes)
        before = len(joined) - len(norm("".join(parts.labels)))
        # the label must begin in the text before the numbers: "foo" + a blank row's label
        # "6.属于…" is a row of its own after numbers that belong to no row
        if hit is not None and hit[1].exact and (before == 0 or len(joined) - hit[1].length < before):
            self.waiting = None
            self.buffer = [joined]
            self._row(line, RowParts([], waiting.values, waiting.positional, waiting.places, waiting.runs))
            return True
        self.waiting = (line, waiting, joined, tries + 1) if tries < 2 else None
        if self.waiting is None:
            self.findings.append(UNPLACED(table=self.name, line=line.text[:120]))
            self._out_of_step()
        return False

    def _unplaced(self) -> None:
        if self.waiting is not None:
            self.findings.append(UNPLACED(table=self.name, line=self.waiting[0].text[:120]))
            self.waiting = None
            self._out_of_step()

    def _out_of_step(self) -> None:
        """Numbers that fit no row, right after a row read from text that came after a label
        without numbers: text copied out of a PDF (``pdftotext``) puts a row's numbers on the
        line of the next row's label when the label cells wrap, so the "blank" row may own the
        numbers read for the row after it, and the numbers left over are that row's. Neither
        row is kept."""
        if self.suspect is None:
            return
        self._close()
        blank, target = self.suspect
        self.suspect = None
        block = self.table.blocks[target.block]
        keys = blank + [target.key]
        ids = [dp_id(self.table.id, k, c.key) for k in keys for c in block.column_leaves]
        for i in ids:
            self.values.pop(i, None)
            self.known.pop(i, None)
            self.places.pop(i, None)
        self.pending = [(r, t) for r, t in self.pending if t.key != target.key]
        labels = "”“".join(leaf.label for leaf in block.row_leaves if leaf.key in keys)
        self.findings.append(OUT_OF_STEP(table=self.name, labels=labels, datapoints=ids))

    def _claim(self, target: _Target, line: Line) -> _Target | None:
        if target.key in self.seen:
            self.findings.append(ROW_TWICE(table=self.name, label=target.label, line=line.text[:120]))
            return None
        self.seen.add(target.key)
        return target

    def _variant(self, found: str, label: str, b: int, key: str) -> None:
        cols = self.table.blocks[b].column_leaves
        self.findings.append(LABEL_VARIANT(found=found, label=label,
                                           datapoints=[dp_id(self.table.id, key, c.key) for c in cols]))

    def _blank_rows_in(self, text: str, target: _Target | None) -> list[str]:
        """Rows whose label is printed in ``text`` (the label text before the row read, or left
        over at the table's end) with no numbers: blank rows, read as blank cells (R16)."""
        if not text:
            return []
        if target is not None and target.group is None:
            stop = self.order.index((target.block, target.key))
        else:
            stop = len(self.order)
        found: list[str] = []
        for b, key in self.order[:stop]:
            if key in self.seen or (self.block is not None and b != self.block):
                continue
            leaf = next(x for x in self.table.blocks[b].row_leaves if x.key == key)
            if leaf.label and norm(leaf.label) in text:
                self.seen.add(key)
                self._place_blank(b, leaf)
                found.append(key)
        return found

    def _place_blank(self, b: int, leaf) -> None:
        for c in self.table.blocks[b].column_leaves:
            self._store(dp_id(self.table.id, leaf.key, c.key), "", {})

    # ---- values ----------------------------------------------------------------------------

    def _extend(self, parts: RowParts) -> None:
        line, have, target = self.open
        have.values += parts.values
        have.places += parts.places
        n = len(self.table.blocks[target.block].column_leaves)
        if len([v for v in have.values if v]) >= n:
            self._close()

    def _close(self) -> None:
        if self.open:
            line, parts, target = self.open
            self.open = None
            self._values(line, parts, target)

    def _ids(self, target: _Target) -> list[str]:
        return [dp_id(self.table.id, target.key, c.key) for c in self.table.blocks[target.block].column_leaves]

    def _values(self, line: Line, parts: RowParts, target: _Target) -> None:
        ids = self._ids(target)
        if target.group is not None:
            self.group_rows[target.key] = (target, ids)
        if line.doubt:
            self.findings.append(COLUMNS_UNSURE(table=self.name, label=target.label, why=line.doubt,
                                                why_en="the numbers' columns cannot be told", line=line.text[:120],
                                                datapoints=self._real(ids, target)))
            return
        picked = pick_values(parts, len(ids))
        if picked is not None:
            empty = [is_blank(t) for t in picked[0]]
            if any(empty) and not all(empty):  # the table leaves cells blank (a whole blank row does not tell)
                self.blanks = True
            for i, text, place in zip(ids, *picked):
                self._store(i, text, place)
            return
        tokens = [v for v in parts.values if v]
        places = [p for v, p in zip(parts.values, parts.places) if v]
        odd = next((t for t in tokens if odd_digits(t)), None)
        if parts.runs and len(tokens) < len(ids) and odd is not None:
            # which cells the mark's token holds cannot be told, so the row is not cut
            self.findings.append(ODD_DIGITS(table=self.name, label=target.label, raw=odd, odd=odd_digits(odd),
                                            datapoints=self._real(ids, target)))
            return
        if parts.runs and len(tokens) < len(ids):
            self.pending.append((digits.Row(self.name, target.label, ids, tokens, places), target))
            return
        self.findings.append(ROW_CELLS(table=self.name, label=target.label, found=len(tokens), n=len(ids),
                                       line=line.text[:120], datapoints=self._real(ids, target)))

    def _real(self, ids: list[str], target: _Target) -> list[str]:
        if target.group is None:
            return ids
        cols = self.table.blocks[target.block].column_leaves
        return [dp_id(self.table.id, k, c.key) for k in target.group for c in cols]

    def _store(self, i: str, text: str, place: dict, token: str | None = None) -> None:
        dp = self.fmt.datapoints.get(i)
        if dp is None:  # a group row's virtual id: for the identities and its finding only
            self.known[i] = as_number(text) if text else None
            self.places[i] = {"where": place, "raw": text}
            return
        if odd_digits(text):
            value, finding = None, ODD_DIGITS(table=self.name, label=dp.label, raw=text.strip(),
                                              odd=odd_digits(text))
        else:
            value, finding = read_value(text, self.fmt.value_kinds[dp.kind], dp.label)
        if finding is not None:
            finding.datapoints = [i]
            self.findings.append(finding)
        self.values[i] = value
        self.known[i] = value
        self.places[i] = {"where": place, "raw": text if token is None else token}

    def _header(self, block: Block, found: list[str]) -> None:
        for f, col in zip([x for x in found if x], block.column_leaves):
            self._header_cell(block, f, col)

    def _header_cell(self, block: Block, f: str, col) -> None:
        how = near_label(f, col.node)
        if how == "exact":
            return
        ids = [dp_id(self.table.id, r.key, col.key) for r in block.row_leaves]
        if how in ("alias", "variant"):
            self.findings.append(LABEL_VARIANT(found=f, label=col.node.label, datapoints=ids))
        else:
            self.findings.append(HEADER_UNKNOWN(table=self.name, block=block.title or "",
                                                found=f, expected=col.node.label, datapoints=ids))

    def _header_text(self, block: Block, text: str) -> None:
        """The header of run-together text: ``信息内容本年制发件数本年废止件数先行有效件数``."""
        corner = norm(block.corner)
        at = text.find(corner)
        if at < 0 or any(c.children for c in block.columns):
            return
        rest = text[at + len(corner):]
        cols = block.column_leaves
        if rest == "".join(norm(c.node.label) for c in cols) or not rest:
            return
        for c in cols:  # the same number of characters as each label, in order
            k = len(norm(c.node.label))
            self._header_cell(block, rest[:k], c)
            rest = rest[k:]

    # ---- the end -------------------------------------------------------------------------

    def blank_cells(self) -> bool:
        """Whether the table is seen to leave cells blank beside numbers: a row read directly
        with blank cells and numbers, or a run with fewer digits than its row has cells."""
        self._unplaced()
        self._close()
        return self.blanks or any(digits.estimate(r.tokens, len(r.ids)) == 0 for r, _ in self.pending)

    def finish(self, blanks: bool | None = None) -> Reading:
        self._unplaced()
        self._close()
        if blanks is not None:
            self.blanks = blanks
        if self.buffer and self.seen:
            self._blank_rows_in(self.buffer[-1], None)
        ids = [i for i, dp in self.fmt.datapoints.items() if dp.table == self.table.id]
        if not self.seen and not self.group_rows and not self.pending:
            return Reading({}, [TABLE_MISSING(title=self.name, n=len(ids), datapoints=ids)], 0)
        self._solve()
        covered = self._group_findings()
        for block in self.table.blocks:
            for leaf in block.row_leaves:
                if leaf.key in self.seen or leaf.key in covered:
                    continue
                dps = [dp_id(self.table.id, leaf.key, c.key) for c in block.column_leaves]
                label = "·".join(n.label for n in leaf.path if n.label) or self.name
                self.findings.append(ROW_MISSING(table=self.name, label=label, n=len(dps), datapoints=dps))
        return Reading(self.values, self.findings, len(self.seen), self.places)

    def _solve(self) -> None:
        if not self.pending:
            return
        groups = {}
        for target, ids in self.group_rows.values():
            cols = self.table.blocks[target.block].column_leaves
            for gid, c in zip(ids, cols):
                groups[gid] = tuple(dp_id(self.table.id, k, c.key) for k in target.group)
        eqs = digits.equations(self.fmt, self.table.id, groups)
        rows = [r for r, _ in self.pending]
        digits.solve(rows, self.known, eqs, as_number, self.blanks)
        for row, target in self.pending:
            real = self._real(row.ids, target)
            finding = digits.findings_of(row, real)
            if finding is not None:
                finding.params["where"] = place_text(row.places[0]) if row.places else ""
                self.findings.append(finding)
            if row.chosen is None:
                continue
            tokens = _token_of_cells(row.tokens, row.chosen, row.places)
            for i, text, (token, place) in zip(row.ids, row.chosen, tokens):
                self._store(i, text, place, token)

    def _group_findings(self) -> set[str]:
        covered: set[str] = set()
        for target, ids in self.group_rows.values():
            if any(k in self.seen for k in target.group):
                self.findings.append(UNPLACED(table=self.name, line=target.label))
                continue
            covered |= set(target.group)
            numbers = " ".join("—" if self.known.get(i) is None else str(self.known[i]) for i in ids)
            self.findings.append(GROUP_ROW(table=self.name, label=target.label, n=len(target.group),
                                           numbers=numbers, datapoints=self._real(ids, target),
                                           values={i.rsplit(".", 1)[-1]: self.known.get(i) for i in ids}))
        return covered


def _token_of_cells(tokens: list[str], cells: tuple, places: list[dict]) -> list[tuple[str, dict]]:
    """For each cut cell, the token it came from and that token's place."""
    out, t, used = [], 0, ""
    for cell in cells:
        while t < len(tokens) and len(used) >= len(tokens[t]):
            t, used = t + 1, ""
        token = tokens[min(t, len(tokens) - 1)]
        out.append((token, places[min(t, len(places) - 1)] if places else {}))
        used += cell
    return out


def read_table(fmt: Format, table_id: str, lines: list[Line] | None) -> Reading:
    """The values of one table from the lines of its section (None: the section is missing)."""
    return read_tables(fmt, {table_id: lines})[table_id]


def read_tables(fmt: Format, sections: dict[str, list[Line] | None]) -> dict[str, Reading]:
    """The values of the tables (table id → the lines of its section, None when missing).

    A body that leaves cells blank does so in every table it fills: blank cells seen in one
    table mean that a run of numbers in another may hide some too, so no run of the report is
    cut (:func:`.digits.solve`)."""
    readers = {}
    for table_id, lines in sections.items():
        readers[table_id] = _TableReader(fmt, fmt.table(table_id))
        for line in lines or ():
            readers[table_id].line(line)
    blanks = any(r.blank_cells() for r in readers.values())
    return {table_id: r.finish(blanks) for table_id, r in readers.items()}


def table_labels(table: Table) -> list[str]:
    """Every label of a table (titles, corners, headers, rows, groups, aliases)."""
    out: list[str] = []

    def walk(nodes):
        for n in nodes:
            out.extend(x for x in (n.label,) + tuple(n.aliases) if x)
            walk(n.children)
    for b in table.blocks:
        out.extend(x for x in (b.title, b.corner) if x)
        walk(b.columns)
        walk(b.rows)
    return out
