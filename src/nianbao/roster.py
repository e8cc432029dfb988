"""The roster: the reporting bodies a county office makes templates for.

A roster is a CSV (UTF-8 with or without BOM, or GBK/GB18030 as Excel in China saves it), a
tab-separated text (Excel's "Unicode 文本": UTF-16 with BOM; or UTF-8/GBK) or an .xlsx workbook
(first sheet) with the columns ``单位代码,单位名称,单位类型`` (or ``code,name,kind``). :func:`read_roster` returns the usable rows and findings; a bad
row is left out and named by its row number (the header is row 1), the other rows stay usable.
Only a roster with no usable header or no rows at all is unusable (an error with no rows).
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

from .files import read_bytes
from .findings import Finding, code
from .spec import Format

UNREADABLE = code("ROSTER_UNREADABLE", "error", "名册“{file}”无法读取：{reason}",
                  "the roster “{file}” cannot be read: {reason}",
                  "把名册另存为 .csv（UTF-8 或 GBK）或 .xlsx 后重试。")
NO_COLUMNS = code("ROSTER_NO_COLUMNS", "error", "名册“{file}”缺少“{missing}”列（第1行应为表头：单位代码,单位名称,单位类型）",
                  "the roster “{file}” has no “{missing}” column (row 1 must be the header: code,name,kind)",
                  "在第1行写表头 code,name,kind 或 单位代码,单位名称,单位类型。")
EMPTY = code("ROSTER_EMPTY", "error", "名册“{file}”中没有任何单位", "the roster “{file}” lists no bodies",
             "在表头下面每行填写一个单位。")
EMPTY_FIELD = code("ROSTER_EMPTY_FIELD", "error", "{where}{field}为空",
                   "{where_en}{field_en} is empty; the row was skipped", "补填该行。")
DUPLICATE = code("ROSTER_DUPLICATE_CODE", "error", "{where}单位代码“{code}”与第{first}行重复，这两行都已跳过",
                 "{where_en}code “{code}” repeats row {first}; both rows were skipped",
                 "每个单位的代码应唯一，改正名册后重新运行。")
BAD_CHARS = code("ROSTER_BAD_NAME", "error", "{where}{field}“{value}”含有文件名不能使用的字符（{chars}）",
                 "{where_en}{field_en} “{value}” has characters a file name cannot hold ({chars}); the row was skipped",
                 "删去 \\ / : * ? \" < > | 等字符后重新运行。")
TOO_LONG = code("ROSTER_NAME_TOO_LONG", "error", "{where}{field}过长（{n}字）",
                "{where_en}{field_en} is too long ({n} characters); the row was skipped",
                "使用单位的规范简称，不超过{limit}字。")
UNKNOWN_KIND = code("ROSTER_UNKNOWN_KIND", "error", "{where}单位类型“{kind}”不是{allowed}之一",
                    "{where_en}kind “{kind}” is not one of {allowed}; the row was skipped",
                    "单位类型填写其中之一。")
NO_KIND = code("ROSTER_NO_KIND", "warning", "{where}未填单位类型（该单位的模板和报告中单位类型为空）",
               "{where_en}no kind given; the body's template and report have no kind",
               "填写单位类型，以便校验规则（如R17）适用。")

HEADERS = {
    "code": ("code", "单位代码", "代码", "统一社会信用代码", "机构代码"),
    "name": ("name", "单位名称", "名称", "单位"),
    "kind": ("kind", "单位类型", "类型"),
}
FIELD_ZH = {"code": "单位代码", "name": "单位名称", "kind": "单位类型"}
BAD = set('\\/:*?"<>|') | {chr(i) for i in range(32)} | {"\x7f"}
MAX_CHARS = 60  # <year>_<code>_<name>.xlsx must stay well inside 255 bytes of UTF-8


def skipped(f: Finding) -> str:
    """The row's fate to add after a roster finding's message: an error row was left out (a
    duplicate's message already says both rows were)."""
    return "" if f.severity != "error" or f.code == DUPLICATE.code or "row" not in f.params \
        else "，该行已跳过"


GOVERNMENT_KIND = "县级政府"  # the county government itself: the county's summary goes by its name


def summary_name(orgs) -> tuple[str, dict] | None:
    """The name of a county's summary from its bodies: the name of its one 县级政府 without
    人民政府 (青山县人民政府 → 青山县), and that body; None when there is none or several."""
    govs = [o for o in orgs if o.get("kind") == GOVERNMENT_KIND and o.get("name")]
    if len(govs) != 1:
        return None
    name = govs[0]["name"]
    short = name[:-len("人民政府")] if name.endswith("人民政府") and len(name) > len("人民政府") else name
    return short, govs[0]


def check_org(org: dict, row: int | None, fmt: Format) -> list[Finding]:
    """Findings for one body's code, name and kind (empty when it can name a template file)."""
    out = []
    at: dict[str, Any] = {"row": row, "where": f"第{row}行：" if row else "",
                          "where_en": f"row {row}: " if row else ""}
    for key in ("code", "name"):
        value = org.get(key, "")
        if not value:
            out.append(EMPTY_FIELD(**at, field=FIELD_ZH[key], field_en=key))
            continue
        bad = sorted({ch for ch in value if ch in BAD})
        if bad or value.strip(". ") != value:
            chars = "、".join(repr(c)[1:-1] for c in bad) or "开头或结尾的点、空格"
            out.append(BAD_CHARS(**at, field=FIELD_ZH[key], field_en=key, value=value, chars=chars))
        elif len(value) > MAX_CHARS:
            out.append(TOO_LONG(**at, field=FIELD_ZH[key], field_en=key, n=len(value),
                                limit=MAX_CHARS))
    kind = org.get("kind", "")
    kinds = fmt.body_kinds
    if not kind:
        out.append(NO_KIND(**at))
    elif kind not in kinds:
        out.append(UNKNOWN_KIND(**at, kind=kind, allowed="、".join(kinds)))
    return out


def _cell(v) -> str:
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer():
        v = int(v)  # a code typed as a number in Excel
    return str(v).strip()


def _table(path: Path) -> list[list[str]]:
    """The raw rows of a CSV or .xlsx roster (raises ValueError with a Chinese reason)."""
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        import openpyxl

        try:
            wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
        except Exception as exc:  # a corrupt or non-xlsx file
            raise ValueError(f"不是有效的 .xlsx 文件（{type(exc).__name__}）") from None
        try:
            return [[_cell(v) for v in row] for row in wb.worksheets[0].iter_rows(values_only=True)]
        finally:
            wb.close()
    if suffix == ".xls":
        raise ValueError("不支持旧版 .xls 格式，请另存为 .xlsx 或 .csv")
    text = _decode(read_bytes(path))
    lines = [line for line in text.splitlines() if line.strip()]
    head = lines[0] if lines else ""
    tab = head.count("\t") > head.count(",")  # Excel's "Unicode 文本" and other TSV
    return [[_cell(v) for v in row]
            for row in csv.reader(io.StringIO(text, newline=""), delimiter="\t" if tab else ",")]


def _decode(data: bytes) -> str:
    """The text of a CSV or TSV roster: UTF-16 with its BOM (Excel's "Unicode 文本"), else UTF-8
    (with or without BOM), else GBK/GB18030 (raises ValueError with a Chinese reason)."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError:
            raise ValueError("以 UTF-16 开头，但内容不是有效的 UTF-16 文本") from None
    else:
        for enc in ("utf-8-sig", "gb18030"):
            try:
                text = data.decode(enc)
                break
            except UnicodeDecodeError:
                continue
        else:
            raise ValueError("编码既不是 UTF-8 也不是 GBK")
    if "\x00" in text:  # a binary file, or UTF-16 without its BOM
        raise ValueError("不是文本文件（含有空字符）")
    return text


def _columns(header: list[str]) -> dict[str, int]:
    cols = {}
    for i, h in enumerate(header):
        h = h.strip().lower()
        for key, names in HEADERS.items():
            if h in names and key not in cols:
                cols[key] = i
    return cols


def read_roster(path, fmt: Format) -> tuple[list[dict], list[Finding]]:
    """Usable rows ``{"row", "code", "name", "kind"}`` and findings (bad rows named by number)."""
    path = Path(path)
    try:
        table = _table(path)
    except (OSError, ValueError, csv.Error) as exc:
        from .files import os_reason

        reason = os_reason(exc, "读取") if isinstance(exc, OSError) else str(exc) if isinstance(exc, ValueError) \
            else f"{type(exc).__name__}: {exc}"
        return [], [UNREADABLE(file=path.name, reason=reason)]
    numbered = [(n, r) for n, r in enumerate(table, 1) if any(r)]
    if not numbered:
        return [], [EMPTY(file=path.name)]
    (_, header), body = numbered[0], numbered[1:]
    cols = _columns(header)
    missing = [FIELD_ZH[k] for k in ("code", "name") if k not in cols]
    if missing:
        return [], [NO_COLUMNS(file=path.name, missing="、".join(missing))]
    if not body:
        return [], [EMPTY(file=path.name)]
    rows, findings = [], []
    for n, r in body:
        def get(key: str, r: list[str] = r) -> str:
            i = cols.get(key)
            return r[i] if i is not None and i < len(r) else ""
        org: dict[str, Any] = {"row": n, "code": get("code"), "name": get("name"), "kind": get("kind")}
        found = check_org(org, n, fmt)
        findings += found
        if not any(f.severity == "error" for f in found):
            rows.append(org)
    first: dict[str, int] = {}
    dup: set[str] = set()
    for org in rows:
        if org["code"] in first:
            n = org["row"]
            findings.append(DUPLICATE(row=n, where=f"第{n}行：", where_en=f"row {n}: ",
                                      code=org["code"], first=first[org["code"]]))
            dup.add(org["code"])
        else:
            first[org["code"]] = org["row"]
    rows = [o for o in rows if o["code"] not in dup]
    findings.sort(key=lambda f: f.params.get("row") or 0)
    for f in findings:
        f.file = path.name
    return rows, findings
