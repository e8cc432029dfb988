"""Writing output files: whole or not at all, readable like any other file the user makes, and
every OS error said in Chinese (a county office reads these messages, not ``strerror``)."""

from __future__ import annotations

import errno
import os
import tempfile
from pathlib import Path


class CannotWrite(Exception):
    """An output file could not be written; the message (Chinese) says why and what to do."""


_REASONS = {
    errno.EACCES: "没有{action}权限", errno.EPERM: "没有{action}权限",
    errno.EROFS: "所在的磁盘是只读的（如光盘、写保护的U盘或只读共享）",
    errno.ENOSPC: "磁盘已满", errno.EDQUOT: "磁盘配额已用完",
    errno.EFBIG: "文件超过了磁盘允许的大小",
    errno.ENAMETOOLONG: "文件名或路径太长",
    errno.ENOTDIR: "路径中有一项是文件，不是文件夹",
    errno.EISDIR: "这是文件夹，不是文件",
    errno.EEXIST: "已有同名的文件",
    errno.ENOENT: "文件或文件夹不存在",
    errno.EIO: "读写磁盘时出错（磁盘、U盘或网络盘可能有故障）",
    errno.EMFILE: "同时打开的文件太多", errno.ENFILE: "同时打开的文件太多",
    errno.ELOOP: "快捷方式（符号链接）形成了循环",
    errno.EBUSY: "文件正被其他程序使用", errno.ETXTBSY: "文件正被其他程序使用",
    errno.EXDEV: "不能跨磁盘移动文件",
    errno.ENXIO: "设备不存在或没有连接", errno.ENODEV: "设备不存在或没有连接",
    errno.EINVAL: "文件名中有系统不允许的字符",
    errno.EAGAIN: "文件暂时无法访问", errno.ESTALE: "网络盘上的文件已失效，请重新连接",
    errno.ETIMEDOUT: "网络盘连接超时", errno.ENOTCONN: "网络盘没有连接",
}
_HINTS = {errno.ENOSPC: "请腾出磁盘空间后重试", errno.EDQUOT: "请腾出磁盘空间后重试",
          errno.EACCES: "请换一个有写入权限的文件夹", errno.EPERM: "请换一个有写入权限的文件夹",
          errno.EROFS: "请换一个可以写入的文件夹", errno.ENAMETOOLONG: "请换一个短一些的文件夹或名称"}
_IN_USE = (32, 33)  # Windows: ERROR_SHARING_VIOLATION, ERROR_LOCK_VIOLATION (open in Excel/WPS)


class NotRegular(OSError):
    """A path given as a file that is not a regular file (a named pipe, a device, a folder, a
    link that leads nowhere): refused before it is opened, so that reading never blocks."""

    def __init__(self, path, what: str):
        super().__init__(errno.EINVAL, what, os.fspath(path))
        self.what = what


def os_reason(exc: OSError, action: str = "读写") -> str:
    """Why an OS call failed, in Chinese (never the system's English text); ``action`` is what
    was attempted (读取, 写入) for a permission error."""
    if isinstance(exc, NotRegular):
        return f"这不是普通文件，而是{exc.what}"
    if getattr(exc, "winerror", None) in _IN_USE:
        return "文件正在被其他程序（如 Excel 或 WPS）打开，请关闭后重试"
    reason = _REASONS.get(exc.errno) if exc.errno is not None else None
    if reason is not None:
        return reason.format(action=action)
    name = errno.errorcode.get(exc.errno) if isinstance(exc.errno, int) else None
    return f"系统错误（{name or exc.errno or type(exc).__name__}）"


def _file_on_the_way(path: Path) -> Path | None:
    """The first existing ancestor of ``path`` that is not a folder (a file named like the
    output folder), if any."""
    for p in reversed([path, *path.parents]):
        try:
            if p.exists() and not p.is_dir():
                return p
        except OSError:
            return None
    return None


def write_error(path, exc: OSError) -> CannotWrite:
    """The Chinese message for an OSError while writing ``path``."""
    path = Path(path)
    if exc.errno in (errno.ENOTDIR, errno.EEXIST):
        blocker = _file_on_the_way(path.parent)
        if blocker is not None:
            return CannotWrite(f"无法写入 {path}：{blocker} 是文件，不是文件夹；请换一个文件夹")
    hint = _HINTS.get(exc.errno) if exc.errno is not None else None
    return CannotWrite(f"无法写入 {path}：{os_reason(exc, '写入')}" + (f"，{hint}" if hint else ""))


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def atomic_write_bytes(path, data: bytes) -> None:
    """Write a temp file in the same folder, then rename it over ``path``: a reader never sees
    half a file, and an interrupted run leaves the old file. The file gets the usual
    permissions (mkstemp's are owner-only). Any OS error is a :class:`CannotWrite` in Chinese,
    and the temp file is removed."""
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".~" + path.name[:100], dir=path.parent)
    except OSError as exc:
        raise write_error(path, exc) from None
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, path)
    except BaseException as exc:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        if isinstance(exc, PermissionError) and os.name == "nt":  # open in Excel or WPS
            raise CannotWrite(f"无法写入 {path}：文件可能正在 Excel 或 WPS 中打开，请关闭后重试") from None
        if isinstance(exc, OSError):
            raise write_error(path, exc) from None
        raise


def atomic_write_text(path, text: str) -> None:
    atomic_write_bytes(path, text.encode("utf-8"))


# ---- reading folders --------------------------------------------------------------------------

def display_name(name) -> str:
    """A file name as a person reads it. On Linux a name is bytes: one from a zip made on
    Chinese Windows arrives in GBK and Python holds it with lone surrogates, which no JSON,
    workbook or terminal can take. Such a name is decoded as GB18030 (GBK's superset) when
    that works, else its undecodable bytes are shown as ``\\xff`` escapes."""
    name = os.fspath(name)
    try:
        name.encode("utf-8")
        return name
    except UnicodeEncodeError:
        pass
    raw = name.encode("utf-8", "surrogateescape")
    try:
        return raw.decode("gb18030")
    except UnicodeDecodeError:
        return raw.decode("utf-8", "backslashreplace")


WORKBOOK_PARTS = "[Content_Types].xml"  # in a folder named like a workbook: an unpacked one


def walk(folder, is_workbook_name=lambda name: False) -> list[Path]:
    """Everything under ``folder`` a person may have put there as a file, sorted: regular files,
    and also what is not one so that it can be named rather than silently skipped — named
    pipes, devices, sockets, links that lead nowhere or to a folder, folders that cannot be
    listed (no permission, a path too long), and folders named like a workbook that hold an
    unpacked one (not descended). Never follows a link to a folder (no loops); never raises."""
    found: list[Path] = []
    pending = [Path(folder)]
    while pending:
        here = pending.pop()
        try:
            with os.scandir(here) as it:
                entries = list(it)
        except OSError:
            if here != Path(folder):
                found.append(here)  # listed: it could not be read
            continue
        for e in entries:
            path = here / e.name
            try:
                is_dir = e.is_dir(follow_symlinks=False)
            except OSError:
                is_dir = False
            if not is_dir:
                found.append(path)
            elif is_workbook_name(e.name) and os.path.lexists(path / WORKBOOK_PARTS):
                found.append(path)  # an unpacked workbook: one entry, not its parts
            else:
                pending.append(path)
    return sorted(found)


def kind_of(path) -> str | None:
    """What a path is when it is not a regular file (or a link to one), as a Chinese noun
    phrase; None for a regular file. Never opens it (a named pipe would block, a device could
    be endless). Raises OSError when even that cannot be seen (a path too long)."""
    import stat

    st = os.lstat(path)
    if stat.S_ISLNK(st.st_mode):
        try:
            st = os.stat(path)
        except OSError as exc:
            if exc.errno in (errno.ENOENT, errno.ENOTDIR):
                return "快捷方式（符号链接），它指向的文件不存在"
            return f"快捷方式（符号链接），它指向的文件无法读取（{os_reason(exc, '读取')}）"
        return None if stat.S_ISREG(st.st_mode) else "快捷方式（符号链接），指向" + _mode_name(st.st_mode, path)
    return None if stat.S_ISREG(st.st_mode) else _mode_name(st.st_mode, path)


def _mode_name(mode: int, path) -> str:
    import stat

    if stat.S_ISDIR(mode):
        try:
            with os.scandir(path) as it:
                names = {e.name for e in it}
        except OSError as exc:
            return f"文件夹，且无法读取其中的文件（{os_reason(exc, '读取')}）"
        return "解压后的工作簿文件夹，不是 .xlsx 文件本身" if WORKBOOK_PARTS in names else "文件夹"
    if stat.S_ISFIFO(mode):
        return "命名管道（FIFO）"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "设备"
    if stat.S_ISSOCK(mode):
        return "套接字"
    return "特殊文件"


def read_regular(path, limit: int | None = None):
    """(bytes, stat) of a regular file: anything else is refused before it is opened
    (:class:`NotRegular`: a named pipe would block, a device may never end), and the file is
    opened without blocking so that one swapped in meanwhile is refused too. With ``limit``,
    a file longer than that gives ``limit + 1`` bytes (the caller refuses it) and no more."""
    import stat

    what = kind_of(path)
    if what is not None:
        raise NotRegular(path, what)
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    with os.fdopen(fd, "rb") as fh:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise NotRegular(path, "特殊文件")
        cap = float("inf") if limit is None else limit
        data = fh.read(int(min(st.st_size, cap)) + 1)  # one buffer of the file's own size
        while st.st_size < len(data) <= cap:  # grown since it was looked at: the rest
            more = fh.read(2**20)
            if not more:
                break
            data += more
    return data, st


def read_bytes(path) -> bytes:
    """A regular file's bytes (:func:`read_regular`); raises OSError (NotRegular) otherwise."""
    return read_regular(path)[0]


def read_text(path, encoding: str = "utf-8") -> str:
    return read_bytes(path).decode(encoding)
