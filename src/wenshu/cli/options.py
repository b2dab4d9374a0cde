"""Options shared by the commands that build (``build``, ``batch``): one spelling, one help text,
one check each. What every option does on each kind of source is decided in one place,
:mod:`wenshu.build.pipeline`."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from wenshu.errors import WenshuError
from wenshu.files import FORMATS

F = TypeVar("F", bound=Callable[..., Any])


def _formats(ctx: click.Context, param: click.Parameter, value: str) -> tuple[str, ...]:
    from wenshu.build.pipeline import parse_formats

    try:
        return parse_formats(value)
    except WenshuError as exc:
        raise click.BadParameter(exc.problems[0].message) from None


def formats(f: F) -> F:
    """``--format docx,md`` → a tuple of known formats (a usage error names an unknown one)."""
    return click.option(
        "--format",
        "formats",
        default=",".join(FORMATS),
        show_default=True,
        callback=_formats,
        help="输出格式，逗号分隔：docx,md",
    )(f)


def draft(f: F) -> F:
    """``--draft``: build despite unfilled 【待补】, each one marked."""
    return click.option("--draft", is_flag=True, help="草稿：有【待补】也生成，待补处在 Word 中黄色突出显示")(
        f
    )


def pdf(help_text: str) -> Callable[[F], F]:
    """``--pdf``: a PDF beside every .docx, through LibreOffice."""
    return click.option("--pdf", is_flag=True, help=help_text)


def jobs(help_text: str) -> Callable[[F], F]:
    """``-j/--jobs N``: worker processes."""
    return click.option("-j", "--jobs", type=click.IntRange(min=1), help=help_text)


def paginate(help_text: str) -> Callable[[F], F]:
    """``--paginate/--no-paginate`` (also ``WENSHU_PAGINATE``): the pagination pass."""
    return click.option(
        "--paginate/--no-paginate", default=True, envvar="WENSHU_PAGINATE", show_default=True, help=help_text
    )


def out_dir(default: str | None, help_text: str) -> Callable[[F], F]:
    """``-o/--out DIR``: the output folder."""
    return click.option(
        "-o",
        "--out",
        "out_dir",
        default=default,
        show_default=default is not None,
        type=click.Path(path_type=Path),
        help=help_text,
    )
