"""LibreOffice headless as a real spreadsheet engine for tests.

``recalc(files, outdir)`` opens each workbook in LibreOffice with a throwaway profile that
forces a full recalculation on load (LibreOffice keeps the writer's cached formula results
otherwise), and saves it as .xlsx in ``outdir``. Conversions run in batches, because one soffice
call silently stops after about 250 files, and the count of results is checked.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
BATCH = 100
_RECALC = (
    '<item oor:path="/org.openoffice.Office.Calc/Formula/Load">'
    '<prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>\n'
    '<item oor:path="/org.openoffice.Office.Calc/Formula/Load">'
    '<prop oor:name="ODFRecalcMode" oor:op="fuse"><value>0</value></prop></item>\n'
)
_profile: Path | None = None

needs_soffice = pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed")


def _run(args, profile: Path, timeout=300):
    cmd = [SOFFICE, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore", *args]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)


def profile() -> Path:
    """A LibreOffice user profile that recalculates every file on load (made once per run)."""
    global _profile
    if _profile is None:
        path = Path(tempfile.mkdtemp(prefix="nianbao-lo-"))
        _run(["--terminate_after_init"], path)  # LibreOffice rewrites a fresh profile: init first
        xcu = path / "user" / "registrymodifications.xcu"
        text = xcu.read_text(encoding="utf-8")
        xcu.write_text(text.replace("</oor:items>", _RECALC + "</oor:items>"), encoding="utf-8")
        _profile = path
    return _profile


def convert(files, outdir: Path, to: str = "xlsx") -> list[Path]:
    """Open each file in LibreOffice (recalculating) and save it as ``to`` into ``outdir``."""
    files = [Path(f) for f in files]
    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    prof = profile()
    for i in range(0, len(files), BATCH):
        batch = files[i:i + BATCH]
        res = _run(["--convert-to", to, "--outdir", str(outdir), *map(str, batch)], prof)
        if res.returncode != 0:
            raise RuntimeError(f"soffice failed: {res.stderr}")
    out = [outdir / (f.stem + "." + to.split(":")[0]) for f in files]
    missing = [p for p in out if not p.exists()]
    if missing:
        raise RuntimeError(f"soffice did not write {len(missing)} of {len(out)} files: {missing[:3]}")
    return out


def recalc(files, outdir: Path) -> list[Path]:
    """Recalculate workbooks in LibreOffice and save them again as .xlsx."""
    return convert(files, outdir, "xlsx")
