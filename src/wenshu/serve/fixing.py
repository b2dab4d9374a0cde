"""The check page's fixed copy: an uploaded .docx through ``wenshu fix``, kept in memory.

An upload is kept (bytes only, never on disk) so the user can ask for its fixed copy after
reading the findings; the fixed .docx, .md and spec are kept beside it for download. The
store is small and short-lived: a few entries, an hour each, each bound to the session that
uploaded it. ``fix`` itself runs in a temporary folder that is removed when it is done.
"""

from __future__ import annotations

import secrets
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from wenshu.errors import Problem, WenshuError, excerpt
from wenshu.spec.kinds import get_kind

#: Uploads kept at once (each at most the upload limit, its fixed copy beside it).
KEEP = 6
#: Seconds an upload is kept after it was made.
LIFETIME = 3600
FORMATS = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "md": "text/markdown; charset=utf-8",
    "yaml": "application/yaml; charset=utf-8",
}


@dataclass
class FixResult:
    """One upload's fixed copy and what the fix said about it, in Chinese."""

    kind: str  # the kind's label (通知, 申报函 …)
    files: dict[str, bytes]  # by format: docx, md, yaml
    found: list[str]
    missing: list[str]
    changes: list[str]
    unplaced: list[str]
    to_fill: list[str]  # what the spec still needs before it builds without 【待补】


@dataclass
class Upload:
    """An uploaded .docx kept for its fixed copy."""

    name: str  # the safe local file name
    data: bytes
    owner: str  # the uploading session's CSRF token
    made: float = field(default_factory=time.monotonic)
    fixed: FixResult | None = None

    @property
    def stem(self) -> str:
        """The file name without its suffix: the name of the fixed files."""
        return Path(self.name).stem


class UploadStore:
    """The uploads kept, by an unguessable id; the oldest dropped beyond :data:`KEEP`."""

    def __init__(self) -> None:
        self._items: dict[str, Upload] = {}
        self._lock = threading.Lock()

    def add(self, upload: Upload) -> str:
        """Keep ``upload``; its id."""
        key = secrets.token_urlsafe(18)
        with self._lock:
            self._expire()
            self._items[key] = upload
            while len(self._items) > KEEP:
                del self._items[next(iter(self._items))]
        return key

    def get(self, key: str, owner: str) -> Upload:
        """The upload ``key`` of the session ``owner``; a message when it is gone or not theirs."""
        with self._lock:
            self._expire()
            upload = self._items.get(key)
        if upload is None or not owner or not secrets.compare_digest(upload.owner, owner):
            gone = "上传的文件已不在（超过一小时或已被更新的上传替换），请重新上传"
            raise WenshuError(Problem("检查", gone))
        return upload

    def _expire(self) -> None:
        now = time.monotonic()
        for key in [k for k, u in self._items.items() if now - u.made > LIFETIME]:
            del self._items[key]


def fix_upload(upload: Upload, *, paginate: bool) -> FixResult:
    """Run ``wenshu fix`` on ``upload`` in a temporary folder; the files and the report.

    Problems name the upload as the user named it, never the temporary folder."""
    from wenshu.importing.fix import fix_files, spec_problems  # only the check page needs import

    with tempfile.TemporaryDirectory(prefix="wenshu-serve-fix-") as work:
        source = Path(work) / upload.name
        source.write_bytes(upload.data)
        out = Path(work) / "fixed"
        (fixed,) = fix_files([source], lambda _: out, paginate=paginate)
        if fixed.error is not None or fixed.report is None:
            error = fixed.error or WenshuError(Problem(upload.name, "未能修正"))
            raise WenshuError([_local(p, work) for p in error.problems])
        files = {fmt: (out / f"{source.stem}.{fmt}").read_bytes() for fmt in FORMATS}
    report = fixed.report
    kind = get_kind(report.kind)
    yaml = files["yaml"].decode("utf-8")
    return FixResult(
        kind=kind.label if kind else report.kind,
        files=files,
        found=[f"{name}：{excerpt(text, 40, one_line=True)}" for name, text in report.found.items()],
        missing=[line.removeprefix("  未找到：") for line in report.lines() if line.startswith("  未找到：")],
        changes=fixed.changes,
        unplaced=[excerpt(text, 60, one_line=True) for text in report.unplaced],
        to_fill=[
            f"{p.field}：{p.message}" if p.field else p.message
            for p in spec_problems(yaml, f"{upload.stem}.yaml", report.files)
        ],
    )


def _local(problem: Problem, work: str) -> Problem:
    """``problem`` with the temporary folder taken out of its file name and message."""
    return Problem(
        problem.file.replace(work + "/", ""),
        problem.message.replace(work + "/", ""),
        problem.line,
        problem.column,
        problem.field,
    )
