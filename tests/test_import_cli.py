"""``nianbao import`` and ``nianbao check`` as a user runs them: output equals the library's,
exit codes 0/1/2, a batch goes on past bad files, no traceback ever."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from helpers.import_kit import QUIET_TEXTS, fill, template, validate, zeros
from nianbao.cli import app
from nianbao.importer import import_workbook
from nianbao.report import dumps

FILES = Path(__file__).resolve().parent / "files"
runner = CliRunner()


def run(*args):
    result = runner.invoke(app, [str(a) for a in args])
    assert "Traceback" not in (result.output or "")
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result


@pytest.fixture(scope="module")
def inbox(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("inbox")
    tpl = template(tmp, "tpl.xlsx")
    (tmp / "in" / "sub").mkdir(parents=True)
    clean = fill(tpl, tmp / "in" / "甲镇.xlsx", zeros(), QUIET_TEXTS)
    wrong = fill(tpl, tmp / "in" / "sub" / "乙镇.xlsx", {**zeros(), "t3.received.commercial": 2},
                 {**QUIET_TEXTS, "s5.problems_and_improvements": "乙镇的问题。"})  # R20: not last year's text
    shutil.copy(FILES / "encrypted.xlsx", tmp / "in" / "丙镇.xlsx")
    (tmp / "in" / "~$甲镇.xlsx").write_bytes(b"lock")  # an Office lock file: skipped
    (tmp / "in" / "说明.txt").write_text("不是填报表")  # not a workbook suffix: skipped in folders
    return {"dir": tmp / "in", "clean": clean, "wrong": wrong, "tmp": tmp}


def test_import_one_file_prints_the_library_json(inbox):
    result = run("import", inbox["clean"])
    assert result.exit_code == 0
    assert result.stdout == dumps(import_workbook(inbox["clean"]).report)
    validate(json.loads(result.stdout))
    assert run("import", "--json", inbox["clean"]).stdout == result.stdout


def test_import_exit_codes(inbox):
    assert run("import", inbox["wrong"]).exit_code == 1
    unreadable = run("import", FILES / "encrypted.xlsx")
    assert unreadable.exit_code == 2 and "请取消打开密码后重新提交" in unreadable.stderr
    assert unreadable.stdout == ""
    assert run("import", inbox["tmp"] / "nope.xlsx").exit_code == 2
    assert run("import", inbox["clean"], inbox["wrong"]).exit_code == 2  # many files need -o
    assert run("import", "--lang", "fr", inbox["clean"]).exit_code == 2
    assert run("import", "--format", "gb1999", inbox["clean"]).exit_code == 2


def test_import_folder_into_dir(inbox, tmp_path):
    out = tmp_path / "json"
    result = run("import", inbox["dir"], "-o", out, "-j", "2")
    assert result.exit_code == 1  # one file with errors, one unreadable
    assert sorted(p.name for p in out.iterdir()) == ["乙镇.json", "甲镇.json"]
    for p in out.iterdir():
        report = validate(json.loads(p.read_text(encoding="utf-8")))
        src = inbox["clean"] if p.stem == "甲镇" else inbox["wrong"]
        assert p.read_text(encoding="utf-8") == dumps(import_workbook(src).report)
        assert report["source"]["file"] == src.name
    assert "请取消打开密码后重新提交" in result.stderr
    assert "共 3 个文件：已读取 2 个（无错误 1 个，有错误 1 个），无法读取 1 个" in result.stderr


def test_import_all_unreadable_is_exit_2(tmp_path):
    shutil.copy(FILES / "legacy.xls", tmp_path / "a.xls")
    (tmp_path / "b.xlsx").write_bytes(b"PK\x03\x04broken")
    result = run("import", tmp_path, "-o", tmp_path / "out")
    assert result.exit_code == 2 and "请另存为 .xlsx" in result.stderr and "不完整" in result.stderr


def test_same_stem_twice_is_not_overwritten(inbox, tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    shutil.copy(inbox["clean"], tmp_path / "a" / "报表.xlsx")
    shutil.copy(inbox["wrong"], tmp_path / "b" / "报表.xlsx")
    run("import", tmp_path / "a", tmp_path / "b", "-o", tmp_path / "out")
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["报表.json", "报表~2.json"]


def test_check_table_and_summary(inbox):
    result = run("check", inbox["dir"])
    assert result.exit_code == 1
    out = result.stdout
    assert "乙镇.xlsx" in out and "错误" in out and "R1" in out and "R3" not in out
    assert "三、依申请公开 E31" in out  # the cell to look at
    assert "商业企业列：一+二（2+0=2）应等于三（七）总计+四（0+0=0），相差2" in out
    assert "请取消打开密码后重新提交" in out
    assert out.rstrip().endswith("共检查 3 个文件：无错误 1 个，有错误 1 个，无法读取 1 个")
    assert run("check", inbox["clean"]).exit_code == 0


def test_check_json_and_english(inbox):
    result = run("check", "--json", inbox["wrong"], inbox["clean"])
    listed = json.loads(result.stdout)
    expected = [f.to_dict() | {"file": str(inbox["wrong"])} for f in import_workbook(inbox["wrong"]).findings]
    assert listed == expected and result.exit_code == 1
    en = run("check", "--lang", "en", "--json", inbox["wrong"])
    assert json.loads(en.stdout)[0]["message"].startswith("商业企业列: 一+二 (2+0=2) must equal")
    assert [f["code"] for f in json.loads(en.stdout)] == [f["code"] for f in listed]


def test_previous_option(inbox, tmp_path):
    last = json.loads(run("import", inbox["wrong"]).stdout)
    last["year"] = 2021
    last["values"]["t3.carried_forward.natural_person"] = 3
    (tmp_path / "last.json").write_text(json.dumps(last, ensure_ascii=False), encoding="utf-8")
    result = run("check", "--json", "--previous", tmp_path / "last.json", inbox["clean"])
    assert [(f["code"], f["cell"]) for f in json.loads(result.stdout)] == [("RULE_CARRY", "D8")]
    same_year = run("check", "--json", "--previous", inbox["wrong"], inbox["clean"])
    assert [f["code"] for f in json.loads(same_year.stdout)] == ["PREVIOUS_MISMATCH"]
    bad = run("check", "--previous", FILES / "encrypted.xlsx", inbox["clean"])
    assert bad.exit_code == 2 and "上年报告" in bad.stderr


def test_internal_error_is_one_line_and_debug_shows_it(inbox, monkeypatch):
    import nianbao.importer

    def boom(*a, **k):
        raise RuntimeError("模拟的内部错误")
    monkeypatch.setattr(nianbao.importer, "import_workbook", boom)
    plain = run("import", inbox["clean"])
    assert plain.exit_code == 2 and "内部错误" in plain.stderr and "--debug" in plain.stderr
    debug = runner.invoke(app, ["import", "--debug", str(inbox["clean"])])
    assert debug.exit_code == 2 and "Traceback" in debug.stderr and "模拟的内部错误" in debug.stderr
    assert debug.stderr.rstrip().splitlines()[-1].startswith("错误：内部错误（RuntimeError")
