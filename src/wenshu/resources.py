"""Where templates, schemas and data live, and how their YAML is read fast.

Schemas and catalogues are YAML for the people who edit them, but parsing YAML with the
pure-Python parser costs ~20–200 ms a file on every command. Each file's data is therefore
kept as JSON in a user cache, keyed by the file's path, size and modification time, and
rebuilt whenever the file changes; JSON loads in well under 1 ms.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from functools import cache
from pathlib import Path
from typing import Any

#: Where a wheel carries templates/, schemas/ and data/ (looked in first; a test points it at a copy).
PACKAGE = Path(__file__).resolve().parent
_CHECKOUT = PACKAGE.parent.parent  # src/wenshu → repository root
_CACHE_FORMAT = 2  # bump when the cached form changes
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


def cache_dir() -> Path | None:
    """wenshu's folder in the user's cache (``$XDG_CACHE_HOME/wenshu``), or None when the
    environment names none (``WENSHU_NO_CACHE`` set, no home folder)."""
    if os.environ.get("WENSHU_NO_CACHE"):
        return None
    base = os.environ.get("XDG_CACHE_HOME") or (str(Path.home() / ".cache") if os.environ.get("HOME") else "")
    return Path(base) / "wenshu" if base else None


def read_yaml_resource(path: Path) -> Any:
    """The data of one of wenshu's own YAML files (a schema or a catalogue).

    Read from the JSON cache when the file is unchanged since it was cached; otherwise
    parsed with ruamel's safe loader and cached again. A cache that cannot be read or
    written is simply not used: the result is the same, only slower.
    """
    stat = path.stat()
    key = f"{_CACHE_FORMAT}\0{path.resolve()}\0{stat.st_size}\0{stat.st_mtime_ns}"
    folder = cache_dir()
    cached = folder / f"{hashlib.sha256(key.encode()).hexdigest()[:32]}.json" if folder else None
    if cached is not None:
        try:
            return json.loads(cached.read_text(encoding="utf-8"), object_hook=_int_keys_back)
        except (OSError, ValueError):
            pass
    from ruamel.yaml import YAML  # only a changed or first-seen file pays for the parser

    with open(path, encoding="utf-8") as fh:
        data = YAML(typ="safe", pure=True).load(fh)
    if cached is not None:
        _store(cached, data)
    return data


def _store(target: Path, data: Any) -> None:
    """Write ``data`` as JSON beside ``target`` and rename it into place; values JSON cannot
    hold exactly (dates, tuples) leave the file uncached rather than cached wrongly."""
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


def write_cache_file(target: Path, data: bytes) -> None:
    """Write ``data`` beside ``target`` and rename it into place, so a reader never sees half
    a file; a cache that cannot be written is left alone (the next run computes again)."""
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".", suffix=".tmp")
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, target)
    except OSError:
        return
