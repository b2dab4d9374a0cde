"""Every path a request names is confined to the served folder."""

from __future__ import annotations

from pathlib import Path, PurePosixPath

from wenshu.errors import Problem, WenshuError, excerpt
from wenshu.spec.find import SPEC_SUFFIXES


def confined(root: Path, rel: str, *, must_exist: bool = True) -> Path:
    """``root/rel`` if it stays inside ``root``: no absolute path, no ``..``, no hidden part,
    no symbolic link leading out (the resolved path must lie under the resolved root)."""
    pure = PurePosixPath(rel.replace("\\", "/"))
    if (
        not rel
        or pure.is_absolute()
        or ":" in rel
        or "\x00" in rel
        or any(part in ("..", ".") or part.startswith(".") for part in pure.parts)
    ):
        raise WenshuError(Problem(rel or "（空）", "路径不在工作文件夹内，已拒绝"))
    try:
        root_resolved = root.resolve()
        target = (root_resolved / pure).resolve()
        if target != root_resolved and root_resolved not in target.parents:
            raise WenshuError(Problem(rel, "路径指向工作文件夹之外（符号链接？），已拒绝"))
        if must_exist and not target.is_file():
            raise WenshuError(Problem(rel, "文件不存在"))
    except OSError as exc:  # a name too long for the file system, a loop of links …
        raise WenshuError(Problem(excerpt(rel, 60), f"路径无法访问：{exc.strerror or exc}")) from None
    return root_resolved / pure


def spec_path(root: Path, rel: str, *, must_exist: bool = True) -> Path:
    """A spec (``.yaml``/``.yml``) inside ``root``."""
    if not rel.lower().endswith(SPEC_SUFFIXES):
        raise WenshuError(Problem(rel, "只能打开 .yaml 或 .yml 规格文件"))
    return confined(root, rel, must_exist=must_exist)
