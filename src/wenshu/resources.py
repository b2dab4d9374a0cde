"""Where templates, schemas and data live, and how their YAML is read fast.

Schemas and catalogues are YAML for the people who edit them, but parsing YAML with the
pure-Python parser costs ~20–200 ms a file on every command. Each file's data is therefore
kept as JSON in a user cache, keyed by the digest of the file's bytes, so any change is
parsed again; JSON loads in well under 1 ms.

Every cache file of wenshu (these, compiled templates, rendered frames, checked schemas)
is written and read through :func:`write_cache_file` and :func:`read_cache_file`: each
carries a keyed digest (HMAC-SHA256) of what it holds and of its name, so a damaged file is
ignored (computed again, the same result), and each cache folder keeps at most
:data:`CACHE_ENTRIES` files.

The key is a secret of the user's own, kept outside the cache (:func:`cache_key`): kept specs
and frames are pickles and compiled templates are code, run when loaded, and a cache folder
can come from elsewhere (a CI cache restored, a home folder copied from another machine, a
shared ``XDG_CACHE_HOME``). An entry that this user's wenshu did not write fails the check
and is computed again, never loaded.
"""

from __future__ import annotations

import hashlib
import hmac
import importlib.util
import json
import os
import stat
import sys
import tempfile
from collections.abc import Callable, Iterable
from functools import cache
from pathlib import Path
from typing import Any

#: Where a wheel carries templates/, schemas/ and data/ (looked in first; a test points it at a copy).
PACKAGE = Path(__file__).resolve().parent
_CHECKOUT = PACKAGE.parent.parent  # src/wenshu → repository root
_CACHE_FORMAT = 3  # bump when the cached form changes
#: The most files one cache folder keeps; writing another removes the oldest written.
CACHE_ENTRIES = 256
# A cache file: this line, the HMAC-SHA256 of its folder's and its own name and the payload,
# the payload. (Version 1, unkeyed SHA-256, is no longer read.)
_MAGIC = b"wenshu-cache-2\n"
_DIGEST_SIZE = 32
_KEY_SIZE = 32
_KEY_NAME = "cache-key"
# JSON keys are strings: a mapping keyed by integers (the catalogue's rounds by year) is kept
# under this one key, with its keys as text, and turned back on reading.
_INT_KEYS = "\0int-keys"


@cache
def resource_dir(name: str) -> Path:
    """The folder ``templates``, ``schemas`` or ``data``.

    A wheel carries them inside the package (see pyproject's force-include); an editable
    install or a checkout finds them at the repository root.
    """
    for base in (PACKAGE, _CHECKOUT):
        candidate = base / name
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"wenshu 安装不完整：找不到 {name} 文件夹")


@cache
def read_data(name: str) -> Any:
    """The data file ``data/<name>.yaml`` (a catalogue, the title lexicon) as plain data."""
    return read_yaml_resource(resource_dir("data") / f"{name}.yaml")


def cache_dir() -> Path | None:
    """wenshu's folder in the user's cache (``$XDG_CACHE_HOME/wenshu``), or None when the
    environment names none (``WENSHU_NO_CACHE`` set, no home folder)."""
    if os.environ.get("WENSHU_NO_CACHE"):
        return None
    base = os.environ.get("XDG_CACHE_HOME") or (str(Path.home() / ".cache") if os.environ.get("HOME") else "")
    return Path(base) / "wenshu" if base else None


def key_file() -> Path | None:
    """Where the user's cache key is kept: ``$XDG_CONFIG_HOME/wenshu/cache-key`` (the
    configuration, not the cache: restoring or sharing a cache folder does not bring it)."""
    home = str(Path.home() / ".config") if os.environ.get("HOME") else ""
    base = os.environ.get("XDG_CONFIG_HOME") or home
    return Path(base) / "wenshu" / _KEY_NAME if base else None


# The key read in this process, by the file it was read from (tests change the environment).
_KEYS: dict[Path, bytes | None] = {}


def cache_key() -> bytes | None:
    """The user's secret that signs cache files, made on first use (32 random bytes, 0600 in
    a 0700 folder). None — no cache used at all — where it cannot be kept apart from the
    cache and from other users: no configuration folder, one inside the cache folder, a
    folder that is a link or that others may write into, a key file that cannot be read or
    written. A key others could read is replaced by a new one (their copy signs nothing)."""
    target = key_file()
    if target is None:
        return None
    if target in _KEYS:
        return _KEYS[target]
    key = _read_key(target)
    if key is None and _key_apart(target):
        key = _make_key(target)
    _KEYS[target] = key
    return key


def forget_cache_keys() -> None:
    """Forget the keys read in this process, so the next :func:`cache_key` reads its file again
    as a new process would (a test that moves or replaces the key file)."""
    _KEYS.clear()


def _key_apart(target: Path) -> bool:
    """Whether the key's folder is the user's own (made 0700 if need be), and neither in
    the cache folder nor holding it (a cache restored whole would bring its key along)."""
    try:
        target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    except OSError:
        return False
    cache = cache_dir()
    if cache is not None:
        folder, cache_real = os.path.realpath(target.parent), os.path.realpath(cache)
        try:
            if os.path.commonpath([folder, cache_real]) in (folder, cache_real):
                return False
        except ValueError:  # on two Windows drives: apart
            pass
    return _trusted_folder(target.parent, levels=1)


def _read_key(target: Path) -> bytes | None:
    """The key at ``target`` if it is a regular file of the right size that only this user
    can read or write, in such a folder; else None."""
    if not _key_apart(target):
        return None
    try:
        fd = os.open(target, os.O_RDONLY | getattr(os, "O_BINARY", 0) | getattr(os, "O_NOFOLLOW", 0))
    except OSError:
        return None
    with os.fdopen(fd, "rb") as fh:
        info = os.fstat(fh.fileno())
        if not stat.S_ISREG(info.st_mode) or info.st_size != _KEY_SIZE:
            return None
        if hasattr(os, "getuid") and (info.st_uid != os.getuid() or info.st_mode & 0o077):
            return None
        key = fh.read(_KEY_SIZE + 1)
    return key if len(key) == _KEY_SIZE else None


def _make_key(target: Path) -> bytes | None:
    """A new key at ``target``: written whole beside it, then linked into place, so two runs
    making one at once agree (the second reads the first's). One that is there but not fit
    (others may read it, a link, the wrong size) is replaced."""
    try:
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".", suffix=".tmp")  # 0600
    except OSError:
        return None
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(os.urandom(_KEY_SIZE))
        try:
            os.link(tmp, target)
        except FileExistsError:
            found = _read_key(target)
            if found is not None:
                return found  # another run made it first
            os.replace(tmp, target)  # not fit: the new key takes its place
        except OSError:  # no hard links here (FAT): at worst a run at once signs with another key
            os.replace(tmp, target)
    except OSError:
        return None
    finally:
        try:
            os.unlink(tmp)
        except OSError:
            pass
    return _read_key(target)


def _signature(key: bytes, target: Path, payload: bytes) -> bytes:
    """The keyed digest of a cache file: its folder's and own names bind it to its place (an
    entry of the user's own moved under another key is no hit)."""
    mac = hmac.new(key, f"{target.parent.name}/{target.name}\0".encode(), hashlib.sha256)
    mac.update(payload)
    return mac.digest()


def read_yaml_resource(path: Path) -> Any:
    """The data of one of wenshu's own YAML files (a schema or a catalogue).

    Read from the JSON cache when a file with these very bytes was cached; otherwise
    parsed with ruamel's safe loader and cached again. A cache that cannot be read or
    written is simply not used: the result is the same, only slower.
    """
    raw = path.read_bytes()
    folder = cache_dir()
    cached = None
    if folder is not None:
        key = hashlib.sha256(b"%d\0" % _CACHE_FORMAT + raw).hexdigest()[:32]
        cached = folder / "resources" / f"{key}.json"
        text = read_cache_file(cached)
        if text is not None:
            try:
                return json.loads(text, object_hook=_int_keys_back)
            except ValueError:
                pass
    from ruamel.yaml import YAML  # only a changed or first-seen file pays for the parser

    data = YAML(typ="safe", pure=True).load(raw.decode("utf-8"))
    if cached is not None:
        _store(cached, data)
    return data


def _store(target: Path, data: Any) -> None:
    """Cache ``data`` as JSON at ``target``; values JSON cannot hold exactly (dates, tuples)
    leave the file uncached rather than cached wrongly."""
    try:
        text = json.dumps(_int_keys_kept(data), ensure_ascii=False)
        if json.loads(text, object_hook=_int_keys_back) != data:
            return
    except (TypeError, ValueError):
        return
    write_cache_file(target, text.encode("utf-8"))


def _int_keys_kept(data: Any) -> Any:
    if isinstance(data, dict):
        kept = {k: _int_keys_kept(v) for k, v in data.items()}
        if kept and all(type(k) is int for k in kept):
            return {_INT_KEYS: {str(k): v for k, v in kept.items()}}
        return kept
    if isinstance(data, list):
        return [_int_keys_kept(v) for v in data]
    return data


def _int_keys_back(obj: dict[str, Any]) -> dict[Any, Any]:
    if len(obj) == 1 and _INT_KEYS in obj:
        return {int(k): v for k, v in obj[_INT_KEYS].items()}
    return obj


def read_cache_file(target: Path) -> bytes | None:
    """What :func:`write_cache_file` wrote at ``target``; None when there is no such file,
    it cannot be read, or it is not whole, unchanged and signed with this user's key (its
    keyed digest does not match): the caller then computes the value again."""
    key = cache_key()
    if key is None or not _trusted_folder(target.parent):
        return None
    try:
        # not through a link, nor waiting on a pipe: only a regular file is a cache file
        flags = os.O_RDONLY | getattr(os, "O_BINARY", 0)  # Windows: no newline translation
        fd = os.open(target, flags | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
    except OSError:
        return None
    with os.fdopen(fd, "rb") as fh:
        try:
            if not stat.S_ISREG(os.fstat(fh.fileno()).st_mode):
                return None
            raw = fh.read()
        except OSError:
            return None
    start = len(_MAGIC) + _DIGEST_SIZE
    if not raw.startswith(_MAGIC) or len(raw) < start:
        return None
    payload = raw[start:]
    if not hmac.compare_digest(_signature(key, target, payload), raw[len(_MAGIC) : start]):
        return None
    return payload


def write_cache_file(target: Path, data: bytes) -> None:
    """Write ``data`` with its keyed digest beside ``target`` and rename it into place, so a
    reader never sees half a file; then keep the folder to :data:`CACHE_ENTRIES` files. A
    cache that cannot be written, or no key, is left alone (the next run computes again)."""
    key = cache_key()
    if key is None:
        return
    try:
        target.parent.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        if not _trusted_folder(target.parent.parent, levels=1):
            return  # nothing made through a link, nor in a folder others may write to
        target.parent.mkdir(exist_ok=True, mode=0o700)
    except OSError:
        return
    if not _trusted_folder(target.parent):
        return
    try:
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".", suffix=".tmp")
        with os.fdopen(fd, "wb") as fh:
            fh.write(_MAGIC + _signature(key, target, data) + data)
        os.replace(tmp, target)
    except OSError:
        return
    _prune(target.parent, keep=target.name)


def _trusted_folder(folder: Path, levels: int = 2) -> bool:
    """Whether the cache folder ``folder`` and wenshu's cache folder it is in (``…/wenshu``)
    are the user's own real folders that no one else may write into. A cached pickle or
    compiled template is run as code, and keeping a folder in bounds deletes files: a folder
    that is a symbolic link (planted to lead elsewhere: pruning would delete the oldest files
    there), or that another user owns or may write into, is not used at all. ``levels=1``
    judges ``folder`` alone (wenshu's own, before a cache folder is made in it).

    ``…/wenshu`` made by an older wenshu under umask 002 is group-writable: being the user's
    own, it is closed to others (0700) and used — the cache folders in it were made 0700 and
    are judged as ever. On Windows the mode bits say nothing of other users (a folder reads
    0777 unless read-only) and there is no owner id: only links are refused there."""
    judged = (folder, folder.parent)[:levels]
    for path in judged:
        try:
            info = os.lstat(path)
        except OSError:
            return False
        if not stat.S_ISDIR(info.st_mode):
            return False
        if not hasattr(os, "getuid"):
            continue
        if info.st_uid != os.getuid():
            return False
        if info.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
            if path != judged[-1] or path.name != "wenshu":
                return False
            try:
                os.chmod(path, 0o700)  # lstat said a folder, not a link
            except OSError:
                return False
    return True


def _prune(folder: Path, keep: str) -> None:
    """Remove the oldest written cache files of ``folder`` beyond :data:`CACHE_ENTRIES`
    (never ``keep``, just written; temporary files of other writers are not counted)."""
    try:
        with os.scandir(folder) as found:
            entries = [e for e in found if not e.name.startswith(".") and e.is_file(follow_symlinks=False)]
        if len(entries) <= CACHE_ENTRIES:
            return
        entries.sort(key=lambda e: e.stat(follow_symlinks=False).st_mtime_ns)
        excess = len(entries) - CACHE_ENTRIES
        for entry in [e for e in entries if e.name != keep][:excess]:
            os.unlink(entry.path)
    except OSError:
        return  # another run pruned first, or the folder went away: nothing to keep in bounds


def files_stamp(paths: list[str]) -> list[str]:
    """Each file as a cache stamp takes it: path, size, modification time and which file it
    is (device and inode: a link made to name another file of the same size and time is
    seen), links followed (digesting the files would cost more than the cache saves). A
    file that does not exist is stamped as absent — a round file not yet written beside a
    spec is an input too: writing it must change the stamp. Raises OSError where one cannot
    be read otherwise."""
    stamps = []
    for path in paths:
        try:
            info = os.stat(path)
        except FileNotFoundError:
            stamps.append(f"{path}:-")
            continue
        stamps.append(f"{path}:{info.st_size}:{info.st_mtime_ns}:{info.st_dev}:{info.st_ino}")
    return stamps


def code_files(*, extra_libraries: Iterable[str] = (), resources: Iterable[str] = ()) -> list[str]:
    """The files a stamp of wenshu's code covers, sorted by folder: every file of wenshu's
    package (compiled bytecode aside), every file of the named resource folders (``"schemas"``,
    ``"data"``, ``"templates/frames"``: see :func:`resource_dir`) and the ``__init__`` of each
    named library (found by :func:`importlib.util.find_spec`, not imported: installing a
    library writes it anew). Raises OSError where a folder cannot be read, ImportError where
    a library is not found."""
    folders = [str(PACKAGE)]
    for name in resources:
        area, _, rest = name.partition("/")
        folders.append(str(resource_dir(area) / rest))
    folders = list(dict.fromkeys(folders))
    paths: list[str] = []
    for folder in folders:
        # os.walk, not Path.rglob: stamps are made on every batch and resident command, and
        # pathlib's walk costs several times more for wenshu's hundred-odd modules.
        for root, dirs, names in os.walk(folder, onerror=_raise):
            dirs[:] = sorted(d for d in dirs if d != "__pycache__")
            if root != folder and any(root.startswith(f + os.sep) for f in folders if f != folder):
                continue  # a wheel's resource folders are inside the package: walked on their own
            paths += [os.path.join(root, n) for n in sorted(names) if not n.endswith(".pyc")]
    for library in extra_libraries:
        found = importlib.util.find_spec(library)
        if found is None or not found.origin:
            raise ImportError(library)
        paths.append(found.origin)
    return paths


def _raise(error: OSError) -> None:
    raise error


def code_stamp(*, extra_libraries: Iterable[str] = (), resources: Iterable[str] = ()) -> str:
    """A stamp of the code a kept value was made by, for :class:`PickleCache` (or anything
    that must notice wenshu or a library changing): the files of :func:`code_files` stamped
    by :func:`files_stamp` (path, size, time, which file; not digested) and Python's version.
    Made afresh on each call. "" when a library is not found or a file cannot be read:
    nothing to key on."""
    try:
        stamps = files_stamp(code_files(extra_libraries=extra_libraries, resources=resources))
    except (OSError, ValueError, ImportError):
        return ""
    return "\0".join([sys.version, *stamps])


class PickleCache:
    """Values kept between runs in one folder of the user cache, one pickle a key.

    A key is found again only under the same stamp — what its value depends on besides the
    key (code, libraries, frames), computed by ``stamp`` on first use; an empty stamp means
    no cache. The folder is wenshu's own; a file that is damaged (:func:`read_cache_file`
    checks its digest), unreadable or not unpicklable here is ignored and the value
    computed again: the same result, only slower."""

    def __init__(self, folder: str, stamp: Callable[[], str]) -> None:
        self._folder = folder
        self._make_stamp = stamp
        self._stamp: str | None = None

    def _file(self, key: str) -> Path | None:
        base = cache_dir()
        if base is None:
            return None
        if self._stamp is None:
            self._stamp = self._make_stamp()
        if not self._stamp:
            return None
        name = hashlib.sha256(f"{self._stamp}\0{key}".encode()).hexdigest()[:32]
        return base / self._folder / f"{name}.pickle"

    def get(self, key: str) -> tuple[bool, Any]:
        """(found, value) kept for ``key``."""
        import pickle

        target = self._file(key)
        data = read_cache_file(target) if target is not None else None
        if data is None:
            return False, None
        try:
            return True, pickle.loads(data)
        except Exception:  # written by another Python or library version: compute again
            return False, None

    def put(self, key: str, value: Any) -> None:
        """Keep ``value`` for ``key`` for later runs (silently not, where the cache cannot be written)."""
        import pickle

        target = self._file(key)
        if target is not None:
            write_cache_file(target, pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))
