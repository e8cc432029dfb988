"""The LibreOffice helper really recalculates (otherwise every engine test would pass on stale caches)."""

from __future__ import annotations

import openpyxl
import xlsxwriter

from helpers.lo import needs_soffice, recalc


@needs_soffice
def test_recalc_replaces_stale_cached_results(tmp_path):
    src = tmp_path / "stale.xlsx"
    wb = xlsxwriter.Workbook(src)
    ws = wb.add_worksheet("S")
    ws.write("A1", 2)
    ws.write("A2", 3)
    ws.write_formula("A3", "=SUM(A1:A2)", None, 0)  # a wrong cached result on purpose
    wb.close()
    [out] = recalc([src], tmp_path / "out")
    assert openpyxl.load_workbook(out, data_only=True)["S"]["A3"].value == 5
