"""Every OS error a user can meet is said in Chinese, with what to do (issue 8, items 6 and 19):
an output folder that is a file, no permission, a read-only disk, a full disk, a name too long.
The disks are real: a tmpfs mounted in a private mount namespace (``unshare``), which a test
skips where the kernel does not allow it."""

from __future__ import annotations

import errno
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from nianbao.files import CannotWrite, atomic_write_bytes, os_reason

ROOT = Path(__file__).resolve().parents[1]  # (tests/portal has a conftest of its own)

NIANBAO = str(Path(sys.executable).with_name("nianbao"))
INBOX, ROSTER = ROOT / "samples" / "inbox", ROOT / "samples" / "roster.csv"
ENGLISH = re.compile(r"Errno|File exists|Permission denied|No space|Read-only|too long|Is a directory|"
                     r"Not a directory|No such file|Error")


def _collect(out, *prefix, **kw):
    return subprocess.run([*prefix, NIANBAO, "collect", str(INBOX), "--roster", str(ROSTER), "--year", "2026",
                           "-o", str(out), "-q"], capture_output=True, text=True, timeout=300, **kw)


def _chinese_only(run, *words):
    assert run.returncode == 2, (run.returncode, run.stdout[-500:], run.stderr[-1500:])
    assert "内部错误" not in run.stderr and "Traceback" not in run.stderr, run.stderr
    assert not ENGLISH.search(run.stderr), run.stderr
    for w in words:
        assert w in run.stderr, run.stderr


@pytest.mark.parametrize("number", sorted({errno.EACCES, errno.EPERM, errno.EROFS, errno.ENOSPC,
                                           errno.EDQUOT, errno.ENAMETOOLONG, errno.ENOTDIR, errno.EISDIR,
                                           errno.EEXIST, errno.ENOENT, errno.EIO, errno.EMFILE,
                                           errno.ELOOP, errno.EBUSY, errno.EINVAL, errno.EXDEV, 9999}))
def test_every_errno_has_a_chinese_reason(number):
    exc = OSError(number, "English text the user must not see")
    reason = os_reason(exc)
    assert re.search(r"[\u4e00-\u9fff]", reason) and "English" not in reason, reason


def test_output_folder_that_is_a_file(tmp_path):
    target = tmp_path / "是文件.txt"
    target.write_text("x")
    _chinese_only(_collect(target), "是文件.txt 是文件，不是文件夹")
    run = subprocess.run([NIANBAO, "import", str(ROOT / "samples" / "zhongcun-2022.xlsx"), "-o", str(target)],
                         capture_output=True, text=True)
    _chinese_only(run, "是文件，不是文件夹")
    assert target.read_text() == "x"


def test_a_folder_on_the_way_that_is_a_file(tmp_path):
    (tmp_path / "a").write_text("x")
    with pytest.raises(CannotWrite, match="是文件，不是文件夹"):
        atomic_write_bytes(tmp_path / "a" / "b" / "c.json", b"{}")


def test_name_too_long(tmp_path):
    _chinese_only(_collect(tmp_path / ("长" * 120)), "太长")


def _unshare(*flags) -> bool:
    if shutil.which("unshare") is None:
        return False
    return subprocess.run(["unshare", *flags, "true"], capture_output=True).returncode == 0


@pytest.mark.skipif(not _unshare("-U"), reason="needs unprivileged user namespaces")
def test_no_permission(tmp_path):
    """As an unprivileged user (a user namespace without a mapping) in a folder without write
    permission."""
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        _chinese_only(_collect(locked / "out", "unshare", "-U"), "没有", "权限")
    finally:
        locked.chmod(0o700)


def _on_tmpfs(tmp_path, options: str, out_rel: str = "out"):
    disk = tmp_path / "disk"
    disk.mkdir()
    script = (f'mount -t tmpfs -o {options} tmpfs "{disk}" && exec "{NIANBAO}" collect "{INBOX}" '
              f'--roster "{ROSTER}" --year 2026 -o "{disk / out_rel}" -q')
    return subprocess.run(["unshare", "-rm", "sh", "-c", script], capture_output=True, text=True, timeout=300)


@pytest.mark.skipif(not _unshare("-rm"), reason="needs mount namespaces (unshare -rm)")
def test_read_only_disk(tmp_path):
    _chinese_only(_on_tmpfs(tmp_path, "ro,size=1m"), "只读")


@pytest.mark.skipif(not _unshare("-rm"), reason="needs mount namespaces (unshare -rm)")
def test_full_disk_is_one_chinese_message_and_leaves_no_temp_file(tmp_path):
    run = _on_tmpfs(tmp_path, "size=96k")
    _chinese_only(run, "磁盘已满")
    assert run.stderr.count("磁盘已满") == 1, run.stderr
