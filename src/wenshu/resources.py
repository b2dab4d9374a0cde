"""Where templates, schemas and data live: inside the installed package, or in a checkout."""

from __future__ import annotations

from functools import cache
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent
_CHECKOUT = _PACKAGE.parent.parent  # src/wenshu → repository root


@cache
def resource_dir(name: str) -> Path:
    """The folder ``templates``, ``schemas`` or ``data``.

    A wheel carries them inside the package (see pyproject's force-include); an editable
    install or a checkout finds them at the repository root.
    """
    for base in (_PACKAGE, _CHECKOUT):
        candidate = base / name
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"wenshu 安装不完整：找不到 {name} 文件夹")
