"""OUT is always one whole run's output (issue 8, items 23 and 24): collect builds the new OUT
beside the old and swaps it in at once, so a kill -9 at any moment leaves the old OUT or the
new one, never a mix; temp files and half-built folders of a killed run are cleaned up; a
second collect into the same OUT is refused while the first runs; and the pool's workers die
with a killed collect, so ``out=$(nianbao collect …)`` returns."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from helpers import ROOT

NIANBAO = str(Path(sys.executable).with_name("nianbao"))
ROSTER = ROOT / "samples" / "roster.csv"


def _cmd(inbox: Path, out: Path, *extra):
    return [NIANBAO, "collect", str(inbox), "--roster", str(ROSTER), "--year", "2026", "-o", str(out),
            "-q", *extra]


def _files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _beside(out: Path) -> list[str]:
    """What collect left next to OUT (temp folders, lock files): nothing, after a clean run."""
    return sorted(p.name for p in out.parent.iterdir() if p.name != out.name and out.name in p.name)


@pytest.fixture(scope="module")
def inboxes(tmp_path_factory):
    """The sample inbox (old) and the same with one more body's workbook (new), with the OUT
    each gives when collect runs undisturbed. Made once for the module (collect only reads an
    inbox, which the tests check): two collect runs fewer per test."""
    tmp_path = tmp_path_factory.mktemp("inboxes")
    old, new = tmp_path / "old", tmp_path / "new"
    shutil.copytree(ROOT / "samples" / "inbox", old)
    shutil.copytree(old, new)
    shutil.copy(ROOT / "samples" / "zhongcun-2022.xlsx", new / "旧年度的表.xlsx")
    shutil.copy(new / "2026_140521001_城关街道办事处.xlsx", new / "再发一次.xlsx")
    refs = {}
    for name, inbox in (("old", old), ("new", new)):
        ref = tmp_path / f"ref-{name}"
        subprocess.run(_cmd(inbox, ref), capture_output=True, check=False)
        refs[name] = _files(ref)
    assert refs["old"] != refs["new"]
    return old, new, refs


@pytest.mark.engine  # kills collect again and again, at moments across a run
@pytest.mark.parametrize("mode", ["whole", "entries"])
def test_a_kill_at_any_moment_leaves_the_old_out_or_the_new(tmp_path, inboxes, mode):
    """OUT swapped whole (its own folder): after a kill it is the old OUT or the new one. OUT
    holding other things too (entries swapped one by one): the same once the next run (here
    ``recover``) has completed what the kill cut short, and the other things are untouched."""
    from nianbao import outdir

    old, new, refs = inboxes
    out = tmp_path / "out"
    mine = {"我的笔记.txt": b"keep me", "模板/a.xlsx": b"also mine"} if mode == "entries" else {}

    def state():
        now = _files(out)
        assert all(now.pop(k) == v for k, v in mine.items()), "the user's files were touched"
        return "old" if now == refs["old"] else "new" if now == refs["new"] else None

    t = time.perf_counter()
    subprocess.run(_cmd(new, tmp_path / "timing"), capture_output=True)
    whole = time.perf_counter() - t
    seen = set()
    for k in range(7):
        shutil.rmtree(out, ignore_errors=True)
        for rel, data in mine.items():
            (out / rel).parent.mkdir(parents=True, exist_ok=True)
            (out / rel).write_bytes(data)
        subprocess.run(_cmd(old, out), capture_output=True)  # the old OUT, complete
        assert state() == "old"
        proc = subprocess.Popen(_cmd(new, out), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(whole * (0.3 + 0.13 * k))  # spread over the run and past its end
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        if mode == "entries":
            with outdir.locked(out):
                outdir.recover(out)
        now = state()
        assert now, (k, [n for n in _files(out) if n.startswith(".~")])
        seen.add(now)
    run = subprocess.run(_cmd(new, out), capture_output=True, text=True)  # cleans what the kills left
    assert run.returncode in (0, 1), run.stderr
    assert state() == "new" and _beside(out) == []
    print("states seen:", seen)


def test_temp_files_of_a_killed_run_are_cleaned(tmp_path, inboxes):
    old, _, refs = inboxes
    out = tmp_path / "out"
    subprocess.run(_cmd(old, out), capture_output=True)
    (out / ".~status.xlsxk3j2_1").write_bytes(b"half")
    (out / "反馈" / ".~x.xlsxq").write_bytes(b"half")
    (tmp_path / f".{out.name}.nianbao-new-999999").mkdir()
    (tmp_path / f".{out.name}.nianbao-new-999999" / "status.csv").write_text("half")
    subprocess.run(_cmd(old, out), capture_output=True)
    assert _files(out) == refs["old"] and _beside(out) == []


def test_a_second_collect_into_the_same_out_is_refused_while_the_first_runs(tmp_path):
    inbox = tmp_path / "inbox"
    shutil.copytree(ROOT / "samples" / "inbox", inbox)
    for i in range(200):  # a run long enough to start a second one during it
        shutil.copy(ROOT / "samples" / "zhongcun-2022.xlsx", inbox / f"副本{i:03d}.xlsx")
    out = tmp_path / "out"
    first = subprocess.Popen(_cmd(inbox, out, "-j", "1"), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             text=True)
    lock = tmp_path / f".{out.name}.nianbao-lock"
    deadline = time.time() + 30
    while not lock.exists() and first.poll() is None and time.time() < deadline:
        time.sleep(0.005)
    assert lock.exists(), "the first run never took the lock"
    second = subprocess.run(_cmd(inbox, out), capture_output=True, text=True)
    _, err = first.communicate(timeout=300)
    assert first.poll() is not None and second.returncode == 2, (second.stderr, err)
    assert "正在写入" in second.stderr and f"进程 {first.pid}" in second.stderr, second.stderr
    assert first.returncode in (0, 1), err
    assert (out / "status.csv").exists() and _beside(out) == []


def test_a_stale_lock_is_taken_over(tmp_path, inboxes):
    old, _, refs = inboxes
    out = tmp_path / "out"
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    lock = tmp_path / f".{out.name}.nianbao-lock"
    lock.write_text(f"{gone.pid}\n{os.uname().nodename}\n2026-01-20T10:00:00\n", encoding="utf-8")
    run = subprocess.run(_cmd(old, out), capture_output=True, text=True)
    assert run.returncode in (0, 1), run.stderr
    assert _files(out) == refs["old"] and not lock.exists()


def _children(pid: int) -> set[int]:
    out = set()
    for d in Path("/proc").iterdir():
        if d.name.isdigit():
            try:
                fields = (d / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                out.add(int(d.name))
    return out


@pytest.mark.engine  # kills collect and waits for its workers to go
@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc to find the workers")
@pytest.mark.parametrize("stage", ["import", "write"])
def test_workers_exit_when_collect_is_killed(tmp_path, stage):
    """SIGKILL of collect's main process while its pool works: the workers exit, so a caller
    reading collect's output ($(…)) sees it end."""
    import csv

    inbox = tmp_path / "inbox"
    inbox.mkdir()
    books = sorted((ROOT / "samples" / "inbox").rglob("*.xlsx"))
    n = 300 if stage == "import" else 60
    rows = [("code", "name", "kind")]
    for i in range(n):
        shutil.copy(books[i % len(books)], inbox / f"{i:04d}.xlsx")
        rows.append((f"9{i:08d}", f"单位{i}", "部门"))
    roster = tmp_path / "roster.csv"
    with open(roster, "w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows(rows)
    cmd = [NIANBAO, "collect", str(inbox), "--roster", str(roster), "--year", "2026", "-o", str(tmp_path / "out"),
           "-j", "2"]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    workers, deadline = set(), time.time() + 60
    while proc.poll() is None and time.time() < deadline:
        workers = _children(proc.pid)
        if len(workers) >= 2 and (stage == "import" or any(
                p.name.startswith(".out.nianbao-new") for p in tmp_path.iterdir())):
            break
        time.sleep(0.01)
    assert workers and proc.poll() is None, "collect ended before its pool was seen"
    proc.send_signal(signal.SIGKILL)
    try:
        proc.communicate(timeout=20)  # EOF on stdout: no worker holds it any more
    except subprocess.TimeoutExpired:
        for w in _children(1) | workers:
            if w in workers:
                os.kill(w, signal.SIGKILL)
        pytest.fail("the workers outlived collect and held its output open")
    deadline = time.time() + 10
    while time.time() < deadline and any(Path(f"/proc/{w}").exists() for w in workers):
        time.sleep(0.05)
    alive = [w for w in workers if Path(f"/proc/{w}").exists()
             and Path(f"/proc/{w}/stat").read_text().split()[2] != "Z"]
    assert not alive, alive


def test_out_given_as_a_link_to_a_folder_stays_a_link(tmp_path, inboxes):
    old, _, refs = inboxes
    target = tmp_path / "真正的文件夹"
    target.mkdir()
    link = tmp_path / "out"
    link.symlink_to(target, target_is_directory=True)
    for _ in range(2):
        run = subprocess.run(_cmd(old, link), capture_output=True, text=True)
        assert run.returncode in (0, 1), run.stderr
    assert link.is_symlink() and _files(target) == refs["old"] and _beside(link) == []
