"""collect's pieces: matching by template code or cover, choosing among resubmissions."""

from __future__ import annotations

from nianbao.collect import SAME, SUPERSEDED, USED, Entry, choose, match

ROSTER = {"1": {"code": "1", "name": "甲镇人民政府", "kind": "乡镇"},
          "2": {"code": "2", "name": "乙局", "kind": "部门"}}


def rep(code="", name=""):
    return {"org": {"code": code, "name": name, "kind": ""}}


def test_match_by_template_code_ignores_the_cover():
    assert match(rep("9", "别的"), {"org_code": "1"}, ROSTER) == ("1", "", False)
    assert match(rep(), {"org_code": "7"}, ROSTER) == (None, "模板单位代码7不在名册中", False)


def test_match_blank_template_by_cover():
    assert match(rep("1", "甲镇人民政府"), {}, ROSTER) == ("1", "", True)
    assert match(rep("1", " 甲镇 人民政府 "), {"org_code": ""}, ROSTER) == ("1", "", True)
    assert match(rep("", "乙局"), {}, ROSTER) == ("2", "", True)
    assert match(rep("1", ""), {}, ROSTER) == ("1", "", True)
    code, note, _ = match(rep("1", "乙局"), {}, ROSTER)
    assert code is None and "不一致" in note
    code, note, _ = match(rep("5", "丙局"), {}, ROSTER)
    assert code is None and "不在名册中" in note
    code, note, _ = match(rep(), {}, ROSTER)
    assert code is None and "未填单位名称和代码" in note


def test_latest_by_saved_time_then_file_time_and_identical_files():
    old = Entry("a/first.xlsx", mtime=300, sha256="x", saved_at="2027-01-10T10:00:00Z")
    new = Entry("b/second.xlsx", mtime=100, sha256="y", saved_at="2027-01-20T10:00:00Z")
    copy = Entry("c/copy.xlsx", mtime=50, sha256="y", saved_at="2027-01-20T10:00:00Z")
    used, others = choose([old, copy, new])
    assert used is new and used.state == USED
    assert {e.rel: e.state for e in others} == {"a/first.xlsx": SUPERSEDED, "c/copy.xlsx": SAME}
    assert "同一份提交" in copy.note and "b/second.xlsx" in old.note
    # no saved time: the file time decides
    a = Entry("a.xlsx", mtime=10, sha256="p")
    b = Entry("b.xlsx", mtime=20, sha256="q")
    assert choose([b, a])[0] is b
