"""The content-addressed file store under the data folder: ``files/ab/cd/<sha256>``.

Every uploaded file is kept exactly as received, named by its sha256, written whole or not at
all (a temporary file in ``tmp/``, flushed to disk, renamed into place, the folder flushed) before
the upload is recorded and answered. The same file uploaded twice is stored once. Nothing is
ever deleted or changed here; ``tmp/`` holds only files being written (emptied at start).
"""

from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path

CHUNK = 1 << 20


class Store:
    def __init__(self, data: Path):
        self.root = Path(data) / "files"
        self.tmp = Path(data) / "tmp"
        self.work = Path(data) / "work"  # named links for the importer (see named())

    def setup(self, clean: bool = False) -> None:
        """Make the folders; ``clean`` (only the server that holds the data folder's lock):
        empty the scratch folders of what a stopped server left."""
        for d in (self.root, self.tmp, self.work):
            d.mkdir(parents=True, exist_ok=True)
        if clean:
            for stale in list(self.tmp.iterdir()) + list(self.work.iterdir()):
                shutil.rmtree(stale) if stale.is_dir() else stale.unlink()

    def path(self, sha256: str) -> Path:
        if len(sha256) != 64 or any(c not in "0123456789abcdef" for c in sha256):
            raise ValueError("not a sha256")
        return self.root / sha256[:2] / sha256[2:4] / sha256

    def put_stream(self, chunks) -> tuple[str, int]:
        """Store the bytes of ``chunks`` (an iterable of bytes); returns (sha256, size)."""
        h, size = hashlib.sha256(), 0
        self.tmp.mkdir(parents=True, exist_ok=True)
        fd, tmp = _mkstemp(self.tmp)
        try:
            with os.fdopen(fd, "wb") as fh:
                for chunk in chunks:
                    h.update(chunk)
                    size += len(chunk)
                    fh.write(chunk)
                fh.flush()
                os.fsync(fh.fileno())
            sha = h.hexdigest()
            final = self.path(sha)
            if final.exists():
                os.unlink(tmp)
            else:
                final.parent.mkdir(parents=True, exist_ok=True)
                os.replace(tmp, final)
                _fsync_dir(final.parent)
            return sha, size
        except BaseException:
            if os.path.exists(tmp):
                os.unlink(tmp)
            raise

    def put(self, data: bytes) -> str:
        return self.put_stream([data])[0]

    def read(self, sha256: str) -> bytes:
        return self.path(sha256).read_bytes()

    def named(self, sha256: str, name: str) -> Path:
        """The stored file under ``name`` in a fresh folder of ``work/`` (a hard link, or a copy
        where links are not possible): the importer takes a report's source file name from
        the path, and it must be the name the export gives the file."""
        folder = Path(_mkdtemp(self.work))
        target = folder / name
        try:
            os.link(self.path(sha256), target)
        except OSError:
            shutil.copyfile(self.path(sha256), target)
        return target

    @staticmethod
    def release(named: Path) -> None:
        shutil.rmtree(named.parent, ignore_errors=True)


def _mkstemp(folder: Path):
    import tempfile

    return tempfile.mkstemp(prefix="upload-", dir=folder)


def _mkdtemp(folder: Path) -> str:
    import tempfile

    folder.mkdir(parents=True, exist_ok=True)
    return tempfile.mkdtemp(dir=folder)


def _fsync_dir(folder: Path) -> None:
    if os.name != "posix":  # Windows cannot open a folder; its rename is already durable
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
