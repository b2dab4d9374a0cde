"""Checking files: one .docx read, recognised and checked; many checked (and rendered) together."""

from __future__ import annotations

from pathlib import Path

from wenshu.check.findings import Findings
from wenshu.check.options import CheckOptions
from wenshu.check.recognise import Recogniser
from wenshu.check.render import render_all
from wenshu.check.report import Report
from wenshu.check.rules import run_checks
from wenshu.errors import WenshuError


def check_docx(
    source: str | Path | bytes, name: str | None = None, options: CheckOptions | None = None
) -> Report:
    """Check one .docx (a path or its bytes) against GB/T 9704-2012."""
    report, _ = analyse(source, name)
    if options is not None:
        options.apply(report)
    return report


def analyse(source: str | Path | bytes, name: str | None = None) -> tuple[Report, Recogniser | None]:
    """The report and the recognised document (for the rendered checks)."""
    label = name or (str(source) if not isinstance(source, bytes) else "文档")
    report = Report(label)
    # Header and footer parts are parsed as the checks need them, so the checks too sit inside
    # the try: a damaged footer spoils this file's report, never the other files'.
    try:
        doc = Recogniser(source if isinstance(source, bytes) else Path(source), label)
        out = Findings()
        run_checks(doc, out)
    except WenshuError as exc:
        report.error = "；".join(p.message for p in exc.problems)
        return report, None
    except (MemoryError, RecursionError):
        report.error = "文件内容过大或嵌套过深，无法检查"
        return report, None
    except Exception as exc:  # a bug met on this file: report it here, go on with the others
        report.error = f"检查这个文件时发生内部错误（{type(exc).__name__}），请把文件发给维护者"
        return report, None
    report.deviations = out.items()
    report.notes.extend(out.notes)
    report.measurements["format"] = doc.format
    return report, doc


def check_files(
    paths: list[Path],
    *,
    render: bool = False,
    png_dir: Path | None = None,
    options: CheckOptions | None = None,
) -> list[Report]:
    """Check every file; with ``render`` also lay them out in LibreOffice (one run for all)."""
    analysed = [(Path(p), *analyse(p)) for p in paths]
    if not render and png_dir is None:
        for _, report, _ in analysed:
            report.notes.append(
                "未检查分页（署名页是否有正文、版记位置、表格跨页等）："
                "加 --render 用 LibreOffice 实际排版后检查"
            )
    if render or png_dir is not None:
        render_all([(path, report, doc) for path, report, doc in analysed if doc is not None], png_dir)
    reports = [report for _, report, _ in analysed]
    if options is not None:
        for report in reports:
            options.apply(report)
    return reports
