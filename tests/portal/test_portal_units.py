"""The portal's small parts on their own: access codes, the database address, the library
adapter's choice of what the export's inbox holds."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from nianbao.portal import codes
from nianbao.portal.config import BadDatabase, database


def test_access_codes_are_80_random_bits_in_an_unambiguous_alphabet():
    made = {codes.new_code() for _ in range(2000)}
    assert len(made) == 2000
    assert all(re.fullmatch(r"[2-9A-HJ-NP-Z]{4}(-[2-9A-HJ-NP-Z]{4}){3}", c) for c in made)
    assert codes.BITS == 80 and len(codes.ALPHABET) == 32 and not set("01IO") & set(codes.ALPHABET)
    used = {ch for c in made for ch in c.replace("-", "")}
    assert used == set(codes.ALPHABET)  # every symbol occurs: no skew towards a subset


def test_a_code_is_accepted_however_it_is_typed():
    c = "7QKM-3F9T-XW2H-N8CD"
    for typed in ("7qkm3f9txw2hn8cd", " 7QKM 3F9T XW2H N8CD ", "7qkm-3f9t-xw2h-n8cd"):
        assert codes.normalise(typed) == c


def test_codes_are_stored_as_salted_hashes():
    h = codes.AccessCodeHasher()
    a, b = h.encode("7QKM-3F9T-XW2H-N8CD", h.salt()), h.encode("7QKM-3F9T-XW2H-N8CD", h.salt())
    assert a != b and "7QKM" not in a and a.startswith("nianbao_pbkdf2_sha256$20000$")
    assert h.verify("7QKM-3F9T-XW2H-N8CD", a) and not h.verify("7QKM-3F9T-XW2H-N8CE", a)


def test_database_addresses(tmp_path):
    assert database("", tmp_path)["NAME"] == str(tmp_path / "portal.sqlite3")
    assert database("", tmp_path)["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
    pg = database("postgresql://nian%40bao:p%2Fss@db.local:5433/nianbao?sslmode=require", tmp_path)
    assert (pg["ENGINE"], pg["USER"], pg["PASSWORD"], pg["HOST"], pg["PORT"], pg["NAME"], pg["OPTIONS"]) == (
        "django.db.backends.postgresql", "nian@bao", "p/ss", "db.local", "5433", "nianbao", {"sslmode": "require"})
    with pytest.raises(BadDatabase, match="不支持"):
        database("mysql://x@y/z", tmp_path)
    with pytest.raises(BadDatabase, match="缺少库名"):
        database("postgresql://x@y:5432/", tmp_path)


def test_the_export_sets_aside_what_collect_would_choose_instead():
    """Uploads 1 (saved late) then 2 (saved early): 2 counts; 1 is set aside so that collect's
    own order (saved time) cannot choose it from the export."""
    from nianbao.portal import library

    org = {"code": "140521100", "name": "中村镇人民政府", "kind": "乡镇"}
    ROOT = Path(__file__).resolve().parents[2]
    result = library.import_file(str(ROOT / "samples" / "zhongcun-2022.xlsx"))
    result["report"]["year"] = 2026

    def upload(n, saved, received):
        return library.Upload(n, f"140521100_中村镇人民政府/第{n}次上传.xlsx", received, org["code"],
                              {**result, "saved_at": saved, "sha256": f"{n:064d}"})

    late, early = "2027-01-20T10:00:00Z", "2027-01-10T10:00:00Z"
    out = library.build(2026, [org], [upload(1, late, 1_800_000_000), upload(2, early, 1_800_000_100)])
    assert library.body_view(out, org["code"])["counted_rel"].endswith("第2次上传.xlsx")
    assert out.listed == {("140521100", 2)} and out.state[("140521100", 1)] == "已被替代" and not out.notes
    # in the usual order (each upload saved after the one before) everything stays listed
    out = library.build(2026, [org], [upload(1, early, 1_800_000_000), upload(2, late, 1_800_000_100)])
    assert out.listed == {("140521100", 1), ("140521100", 2)} and not out.notes


def test_the_folder_names_the_body_alone():
    from nianbao.portal import library

    a = {"code": "140521000", "name": "青山县人民政府", "kind": "县级政府"}
    b = {"code": "140521010", "name": "青山县人民政府办公室", "kind": "政府办公室"}
    odd = {"code": "140521010X", "name": "140521000", "kind": "部门"}  # a name that is another's code
    assert library.folder_for(a, [a, b]) == "140521000_青山县人民政府"
    assert library.folder_for(b, [a, b]) == "140521010_青山县人民政府办公室"
    assert library.folder_for(odd, [a, b, odd]) == "140521010X"


def test_the_portal_runs_on_windows_too():
    """No POSIX-only time formats (strftime's %-m fails on Windows, where the portal may run)."""
    ROOT = Path(__file__).resolve().parents[2]
    for path in [*(ROOT / "src" / "nianbao" / "portal").rglob("*.py"), ROOT / "src" / "nianbao" / "cli" / "serve_cmds.py"]:
        assert not re.search(r"%-[a-zA-Z]", path.read_text(encoding="utf-8")), path
