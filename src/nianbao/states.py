"""The words of a collection: what became of each file, and each body's status on the board.

Collect decides them (:mod:`nianbao.collection`); the board, the feedback files and the portal
say them (:mod:`nianbao.status`, :mod:`nianbao.feedback`), importing them from here rather
than from collect.
"""

from __future__ import annotations

from datetime import datetime

# What happened to each file, in the order the status board lists them.
USED, SUPERSEDED, SAME, UNMATCHED, OTHER_YEAR, UNREADABLE, IGNORED, SUMMARY = (
    "used", "superseded", "same", "unmatched", "other_year", "unreadable", "ignored", "summary")
STATE_ZH = {USED: "已采用", SUPERSEDED: "已被替代", SAME: "重复文件", UNMATCHED: "未对应名册",
            OTHER_YEAR: "其他年度", UNREADABLE: "无法读取", IGNORED: "已忽略", SUMMARY: "汇总表"}
# A body's status on the board.
PASSED, ERRORS, WARNINGS, MISSING = "已通过", "有错误", "仅有警告", "未提交"
# The document time of every workbook collect writes, so that re-runs give identical bytes.
FIXED_TIME = datetime(2000, 1, 1)
