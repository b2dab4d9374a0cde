"""Writing outputs: all of a document's files or none, never a partial file under a real name."""

from __future__ import annotations

import errno
import itertools
import os
import stat
from pathlib import Path

from wenshu.errors import Problem, WenshuError

#: The formats a spec is written as (``--format``), each the suffix of its output file: the
#: one list the pipeline checks against and the command line offers (which imports it from
#: here to say its help without loading the pipeline).
FORMATS = ("docx", "md")


def default_output_dir(
    base: Path, rel: str | Path, remedy: str = "要写到它所指的文件夹，请用 -o 指明"
) -> Path:
    """``base / rel``, the output folder wenshu picks when the user names none (``out`` for
    ``build``, ``out/<stem>`` for ``batch``, ``fixed`` beside a Word file for ``fix``, ``out``
    in the workbench's folder), unless a part of ``rel`` is a symbolic link. The folder it is
    picked in is often someone else's (an archive unpacked, a shared folder), and a planted
    link there would send the outputs, and the removal of earlier ones, wherever it points —
    over the user's own files of the same names; named with ``-o``, a link is the user's choice.
    A Windows directory junction counts as a link (:func:`is_link`).
    ``remedy`` is what the message tells the user to do."""
    folder = base
    for part in Path(rel).parts:
        folder = folder / part
        if is_link(folder):
            raise WenshuError(Problem(str(folder), f"是指向别处的链接，未写入；{remedy}"))
    return folder


#: The reparse points that send a name elsewhere: symbolic links and directory junctions
#: (mount points). Others — OneDrive's files on demand, deduplicated or tiered files — are the
#: folder itself, as the user sees it (the default Documents folder on Windows 11 is one).
_NAME_SURROGATES = (0xA000000C, 0xA0000003)  # IO_REPARSE_TAG_SYMLINK, _MOUNT_POINT ([MS-FSCC] 2.1.2.1)


def is_link(path: Path) -> bool:
    """Whether ``path`` is a symbolic link or, on Windows, a directory junction
    (``mklink /J``), which anyone may make without privilege and which ``is_symlink`` does
    not report (Python < 3.12 has no ``os.path.isjunction``)."""
    try:
        info = os.lstat(path)
    except (OSError, ValueError):
        return False
    reparse = getattr(info, "st_file_attributes", 0) & stat.FILE_ATTRIBUTE_REPARSE_POINT
    return stat.S_ISLNK(info.st_mode) or bool(
        reparse and getattr(info, "st_reparse_tag", 0) in _NAME_SURROGATES
    )


def prepare_output_dir(out_dir: Path) -> None:
    """Create ``out_dir`` or explain in Chinese why it cannot be used."""
    if out_dir.exists() and not out_dir.is_dir():
        raise WenshuError(Problem(str(out_dir), "输出位置已存在且是文件，不是文件夹"))
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise WenshuError(Problem(str(out_dir), f"无法创建输出文件夹：{_os_reason(exc)}")) from None
    if not os.access(out_dir, os.W_OK):
        raise WenshuError(Problem(str(out_dir), "输出文件夹没有写入权限"))


def write_atomically(
    out_dir: Path, files: dict[str, bytes], *, sync: bool = True, prepared: bool = False
) -> list[Path]:
    """Write ``{name: bytes}`` into ``out_dir`` all or nothing.

    Every file is first written to a hidden temporary file beside its target; only when all
    are complete are they renamed into place, so a failure — or a crash, or a reader looking
    in the meantime — never meets a partial file under a target's name, and a failure
    leaves earlier outputs untouched. ``sync=False`` skips flushing each file to the disk
    before the rename (a batch of thousands of letters, which it can simply rerun after a
    crash). ``prepared``: the caller made ``out_dir`` ready (:func:`prepare_output_dir`)
    already, as a batch does once for all its letters.
    """
    if not prepared:
        prepare_output_dir(out_dir)
    # Plain descriptors, not file objects: a batch writes two files a letter, and a file
    # object costs three more system calls (fstat, ioctl, lseek) and its own setting up.
    folder = os.fspath(out_dir)
    temps: list[tuple[str, str]] = []
    renamed = 0
    try:
        pid = os.getpid()
        for name in files:
            target = os.path.join(folder, name)
            beside, base = os.path.split(target)  # a name may lead into a subfolder
            fd = _temporary(beside, f".{base}.{pid}-", target, temps)
            try:
                _write_all(fd, files[name])
                if sync:
                    os.fsync(fd)
            finally:
                os.close(fd)
        # A folder under a target's name stops its rename: found before any is renamed, so
        # that the files renamed before it are not replaced while the rest are not.
        for _, target in temps:
            if _is_folder(target):
                raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), target)
        for tmp, target in temps:
            os.replace(tmp, target)
            renamed += 1
    except BaseException as exc:
        for tmp, _ in temps[renamed:]:
            try:
                os.unlink(tmp)
            except FileNotFoundError:
                pass
        if isinstance(exc, OSError):
            kept = "原有文件未改动" if not renamed else f"已替换 {renamed} 个文件，其余原有文件未改动"
            named = exc.filename if exc.filename in {target for _, target in temps} else out_dir
            raise WenshuError(Problem(str(named), f"写入失败：{_os_reason(exc)}；{kept}")) from None
        raise
    return [out_dir / name for name in files]


def _is_folder(path: str) -> bool:
    """Whether ``path`` is a folder itself (a link to one is replaced as any link is)."""
    try:
        return stat.S_ISDIR(os.lstat(path).st_mode)
    except OSError:
        return False


def _write_all(fd: int, data: bytes) -> None:
    """All of ``data`` to ``fd`` (a write may take only part of it)."""
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


# Create, never open an existing file; binary on Windows; not inherited by child processes.
_NEW_FILE = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0) | getattr(os, "O_CLOEXEC", 0)
_TEMPORARY = itertools.count()
#: The most bytes a temporary name (:func:`_temporary`) adds to its target's name: "." before
#: it, ".<pid>-<n>.tmp" after (a process id and a count of up to 10 digits each). A name
#: that is to be written must leave this much of the file system's 255 bytes free.
TEMPORARY_NAME_EXTRA = len("." + "." + "9" * 10 + "-" + "9" * 10 + ".tmp")


def _temporary(folder: str, prefix: str, target: str, temps: list[tuple[str, str]]) -> int:
    """A new hidden file ``<prefix><n>.tmp`` in ``folder``, open for writing, with the user's
    usual mode (0666 less the umask, as for any new file). Its name is added to ``temps``
    (with ``target``) before it is created: an interrupt (Ctrl+C, the server stopping a
    killed client's letters) at any point leaves it on the list the caller removes."""
    while True:
        tmp = os.path.join(folder, f"{prefix}{next(_TEMPORARY)}.tmp")
        temps.append((tmp, target))
        try:
            return os.open(tmp, _NEW_FILE, 0o666)
        except FileExistsError:
            # Left behind by an earlier process with the same number (should it be removed
            # after all, by an interrupt right here, that is a stale temporary gone).
            temps.pop()


def _os_reason(exc: OSError) -> str:
    reasons = {
        errno.ENOSPC: "磁盘空间不足",
        errno.EACCES: "没有写入权限",
        errno.EPERM: "没有写入权限",
        errno.EROFS: "文件系统只读",
        errno.ENOTDIR: "路径中有一段不是文件夹",
        errno.EDQUOT: "超出磁盘配额",
        errno.EISDIR: "同名的文件夹已存在",
    }
    return reasons.get(exc.errno, exc.strerror or str(exc))
