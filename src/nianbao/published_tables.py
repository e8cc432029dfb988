"""Reading the three tables of a published report from its lines, by the format's labels.

A row is recognised by its label: the label cells of the line (and of label-only lines just
before it, for labels broken over lines or put on their own line) joined and normalised must
end with the row's label or one of its ``aliases``. Its value cells are placed on the block's
columns in order. Whatever cannot be placed without guessing — a row whose number of values
does not fit, numbers under no known label, a row or a table not there — is a finding and the
data points stay missing (``None``), never 0.
"""

from __future__ import annotations

from dataclasses import dataclass

from .findings import code
from .published_lines import Line, norm, pick_values, row_parts
from .spec import Block, Format, Leaf, Table, dp_id
from .values import read_value

TABLE_MISSING = code("PUBLISHED_TABLE_MISSING", "error", "未找到表格“{title}”，其中{n}项数据缺失",
                     "table “{title}” not found; its {n} data points are missing",
                     "检查原文是否含有该表格；表格为图片时需手工录入。")
ROW_MISSING = code("PUBLISHED_ROW_MISSING", "error", "{table}中未找到“{label}”一行，该行{n}项数据缺失",
                   "{table}: row “{label}” not found; its {n} data points are missing",
                   "检查原文该行的标签是否与格式一致。")
ROW_CELLS = code("PUBLISHED_ROW_CELLS", "error", "{table}“{label}”一行有{found}个数字，应为{n}个，无法确定各数字所在的列，未读入：{line}",
                 "{table} row “{label}” has {found} numbers where {n} belong; not read: {line}",
                 "核对原文该行，补齐空白的单元格（没有的填0）。")
UNPLACED = code("PUBLISHED_UNPLACED", "error", "{table}中有一行数字无法对应到格式中的任何一行，未读入：{line}",
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


@dataclass
class Reading:
    values: dict  # id -> typed value (only what was read)
    findings: list
    rows_found: int


def _labels(leaf: Leaf) -> list[str]:
    node = leaf.node
    return [norm(x) for x in (node.label,) + node.aliases if x]


def _match(joined: str, candidates: list[tuple[int, Leaf]]):
    """The candidate row whose label ends the joined label text (longest label wins)."""
    best = None
    for b_i, leaf in candidates:
        for i, lab in enumerate(_labels(leaf)):
            if lab and joined.endswith(lab) and (best is None or len(lab) > best[2]):
                best = (b_i, leaf, len(lab), i > 0)
    return best


def _block_of_title(table: Table, text: str) -> int | None:
    t = norm(text)
    return next((i for i, b in enumerate(table.blocks) if b.title and norm(b.title) == t), None)


class _TableReader:
    def __init__(self, fmt: Format, table: Table):
        self.fmt, self.table = fmt, table
        self.name = table.title
        self.values: dict = {}
        self.findings: list = []
        self.block: int | None = 0 if len(table.blocks) == 1 else None
        self.buffer: list[str] = []
        self.seen: set[str] = set()

    def candidates(self):
        blocks = range(len(self.table.blocks)) if self.block is None else [self.block]
        return [(b, leaf) for b in blocks for leaf in self.table.blocks[b].row_leaves]

    def line(self, line: Line) -> None:
        parts = row_parts(line)
        if parts is None:  # prose beside the table
            self.findings.append(TEXT_IN_TABLE(table=self.name, text=line.text[:120]))
            return
        if not any(parts.values):
            title = _block_of_title(self.table, "".join(parts.labels))
            if title is not None:
                self.block, self.buffer = title, []
                return
            block = self.table.blocks[self.block] if self.block is not None else None
            if block and block.corner and parts.labels and norm(parts.labels[0]) == norm(block.corner):
                if all(not c.children for c in block.columns):  # one header row: check it
                    self._header(block, parts.labels[1:])
                self.buffer = []
                return
            if not (line.exact and parts.values):  # labels only: the row's values may follow
                self.buffer += parts.labels
                return
        self._row(line, parts)

    def _anonymous(self) -> bool:
        return all(leaf.label is None for b in self.table.blocks for leaf in b.row_leaves)

    def _row(self, line: Line, parts) -> None:
        joined = norm("".join(self.buffer + parts.labels))
        self.buffer = []
        if self._anonymous():
            b_i, leaf, variant = 0, self.table.blocks[0].row_leaves[0], False
        else:
            hit = _match(joined, self.candidates())
            if hit is None and not any(parts.values):  # a header row with empty cells
                self.buffer += parts.labels
                return
            if hit is None:
                self.findings.append(UNPLACED(table=self.name, line=line.text[:120]))
                return
            b_i, leaf, _, variant = hit
            if variant:
                self.findings.append(LABEL_VARIANT(found=" ".join(parts.labels) or joined,
                                                   label=leaf.label))
        block = self.table.blocks[b_i]
        label = leaf.label or self.name
        if leaf.key in self.seen:
            self.findings.append(ROW_TWICE(table=self.name, label=label, line=line.text[:120]))
            return
        self.seen.add(leaf.key)
        cols = block.column_leaves
        raw = pick_values(parts, len(cols))
        if raw is None:
            found = sum(1 for v in parts.values if v)
            self.findings.append(ROW_CELLS(table=self.name, label=label, found=found, n=len(cols),
                                           line=line.text[:120],
                                           datapoints=[dp_id(self.table.id, leaf.key, c.key) for c in cols]))
            return
        for c, text in zip(cols, raw):
            i = dp_id(self.table.id, leaf.key, c.key)
            dp = self.fmt.datapoints[i]
            value, finding = read_value(text, dp.kind, dp.label)
            if finding is not None:
                finding.datapoints = [i]
                self.findings.append(finding)
            self.values[i] = value

    def _header(self, block: Block, found: list[str]) -> None:
        for f, col in zip([x for x in found if x], block.column_leaves):
            node = col.node
            names = [norm(node.label)] + [norm(a) for a in node.aliases]
            if norm(f) == names[0]:
                continue
            ids = [dp_id(self.table.id, r.key, col.key) for r in block.row_leaves]
            if norm(f) in names:
                self.findings.append(LABEL_VARIANT(found=f, label=node.label, datapoints=ids))
            else:
                self.findings.append(HEADER_UNKNOWN(table=self.name, block=block.title or "",
                                                    found=f, expected=node.label, datapoints=ids))

    def finish(self) -> Reading:
        ids = [i for i, dp in self.fmt.datapoints.items() if dp.table == self.table.id]
        if not self.seen:
            return Reading({}, [TABLE_MISSING(title=self.name, n=len(ids), datapoints=ids)], 0)
        for b_i, block in enumerate(self.table.blocks):
            for leaf in block.row_leaves:
                if leaf.key in self.seen:
                    continue
                dps = [dp_id(self.table.id, leaf.key, c.key) for c in block.column_leaves]
                label = "·".join(n.label for n in leaf.path if n.label) or self.name
                self.findings.append(ROW_MISSING(table=self.name, label=label, n=len(dps),
                                                 datapoints=dps))
        return Reading(self.values, self.findings, len(self.seen))


def read_table(fmt: Format, table_id: str, lines: list[Line] | None) -> Reading:
    """The values of one table from the lines of its section (None: the section is missing)."""
    reader = _TableReader(fmt, fmt.table(table_id))
    for line in lines or ():
        reader.line(line)
    return reader.finish()


def result_rows_found(fmt: Format, lines: list[Line]) -> int:
    """How many of the format's table 三 result rows appear (by label) among the lines."""
    leaves = [leaf for leaf in fmt.table("t3").blocks[0].row_leaves if "result" in leaf.tags]
    text = "".join(norm(line.text) for line in lines)
    return sum(1 for leaf in leaves if any(lab in text for lab in _labels(leaf)))


def t2_headers_found(fmt: Format, lines: list[Line]) -> bool:
    wanted = [norm(h) for h in fmt.detect.get("t2_headers", ())]
    text = "".join(norm(line.text) for line in lines)
    return bool(wanted) and all(w in text for w in wanted)
