"""collect's pieces: matching by template code or cover, choosing among resubmissions."""

from __future__ import annotations

from nianbao.collection import SAME, SUPERSEDED, USED, Entry, choose, match
from nianbao.report import Org, Report

ROSTER = {"1": Org("1", "甲镇人民政府", "乡镇"), "2": Org("2", "乙局", "部门")}


def rep(code="", name=""):
    return Report("gb2021", 2026, Org(code, name, ""), {}, {})


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


def test_other_year_and_unknown_body_are_listed_not_merged(tmp_path):
    import csv
    import io
    import json

    from typer.testing import CliRunner

    from helpers.county import ORGS, YEAR, ms
    from nianbao.cli import app

    a, stranger = ORGS[0], {"code": "999999999", "name": "外县某局", "kind": "部门"}
    inbox = tmp_path / "inbox"
    for name, org, year in (("a.xlsx", a, YEAR), ("a_last_year.xlsx", a, YEAR - 1),
                            ("stranger.xlsx", stranger, YEAR)):
        ms.write(inbox / name, ms.filled_workbook(year=year, org=org, values=ms.body_values(7),
                                                  texts=ms.body_texts(org, year)))
    (inbox / "~$a.xlsx").write_bytes(b"lock")
    roster = tmp_path / "roster.csv"
    roster.write_text(f"code,name,kind\n{a['code']},{a['name']},{a['kind']}\n", encoding="utf-8")
    res = CliRunner().invoke(app, ["collect", str(inbox), "--roster", str(roster), "--year", str(YEAR),
                                   "-o", str(tmp_path / "out")])
    assert res.exit_code == 0, res.output
    rows = list(csv.DictReader(io.StringIO((tmp_path / "out" / "status.csv").read_text(encoding="utf-8-sig"))))
    assert [(r["状态"], r["文件"]) for r in rows] == [
        ("已通过", "a.xlsx"), ("其他年度", "a_last_year.xlsx"), ("未对应名册", "stranger.xlsx"),
        ("已忽略", "~$a.xlsx")]
    assert rows[1]["说明"] == f"{a['name']}（{a['code']}）的{YEAR - 1}年度报告，不是{YEAR}年度"
    assert "模板单位代码999999999不在名册中" == rows[2]["说明"]
    assert rows[3]["说明"] == "Office 临时文件"
    summary = json.loads((tmp_path / "out" / "summary.json").read_text(encoding="utf-8"))
    assert [m["code"] for m in summary["members"]] == [a["code"]]


def test_cannot_run_without_inbox_or_roster(tmp_path):
    from typer.testing import CliRunner

    from nianbao.cli import app

    run = CliRunner().invoke
    (tmp_path / "inbox").mkdir()
    res = run(app, ["collect", str(tmp_path / "nope"), "--roster", str(tmp_path / "r.csv"), "--year", "2026",
                    "-o", str(tmp_path / "out")])
    assert res.exit_code == 2 and "收件文件夹" in res.output and "Traceback" not in res.output
    res = run(app, ["collect", str(tmp_path / "inbox"), "--roster", str(tmp_path / "r.csv"), "--year", "2026",
                    "-o", str(tmp_path / "out")])
    assert res.exit_code == 2 and "找不到名册文件" in res.output
    (tmp_path / "r.csv").write_text("code,name,kind\n1,甲,乡镇\n1,乙,乡镇\n", encoding="utf-8")
    res = run(app, ["collect", str(tmp_path / "inbox"), "--roster", str(tmp_path / "r.csv"), "--year", "2026",
                    "-o", str(tmp_path / "out")])
    assert res.exit_code == 2 and "名册" in res.output
    assert not (tmp_path / "out").exists()
