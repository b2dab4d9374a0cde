"""The ``wenshu`` command group: Click in Chinese, and every failure as one clear line.

A user error (:class:`WenshuError`) is reported with exit code 1; Ctrl-C and SIGTERM stop
cleanly; anything else is wenshu's own defect, said plainly with exit code 3 (details with
``--debug``).
"""

from __future__ import annotations

import atexit
import contextlib
import gc
import os
import signal
import sys
import threading
import traceback
from collections.abc import Iterator
from typing import Any

import click

from wenshu.cli.output import report
from wenshu.cli.usage import ChineseHelp, chinese, show_usage_error
from wenshu.errors import WenshuError

# At exit the interpreter's collections walk every object the imports made (~40 M
# instructions, a sixtieth of a 1,000-letter batch) to find cycles nobody needs freed as the
# process ends: frozen first, they are left out. Only at the real exit (atexit), so a
# process running commands in turn, as the tests do, still collects between them.
atexit.register(gc.freeze)


@contextlib.contextmanager
def terminate_as_interrupt() -> Iterator[None]:
    """SIGTERM (a ``kill``, a session ending) stops wenshu as Ctrl-C does: the file being
    written is removed, not left behind as a hidden temporary. Worker processes forked
    meanwhile inherit this."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def stop(signum: int, frame: Any) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, stop)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


class Command(ChineseHelp, click.Command):
    """A wenshu command: Click's own words in Chinese."""


class Group(ChineseHelp, click.Group):
    """Turns unexpected failures into one clear line instead of a traceback, and says
    Click's own usage errors in Chinese."""

    command_class = Command

    def main(self, args: Any = None, prog_name: str | None = None, *a: Any, **kw: Any) -> Any:
        standalone = kw.pop("standalone_mode", True)
        if not standalone:
            return super().main(args, prog_name, *a, standalone_mode=False, **kw)
        try:
            code = super().main(args, prog_name, *a, standalone_mode=False, **kw)
        except click.UsageError as exc:
            show_usage_error(exc)
            sys.exit(exc.exit_code)
        except click.ClickException as exc:
            click.secho(f"错误：{chinese(exc.format_message())}", fg="red", err=True)
            sys.exit(exc.exit_code)
        except click.Abort:
            click.secho("已中断", fg="yellow", err=True)
            sys.exit(1)
        sys.exit(code if isinstance(code, int) else 0)

    def invoke(self, ctx: click.Context):
        try:
            with terminate_as_interrupt():
                return super().invoke(ctx)
        except WenshuError as exc:
            report(exc.problems)
            ctx.exit(1)
        except (click.exceptions.Exit, click.ClickException, click.Abort):
            raise
        except KeyboardInterrupt:
            click.secho("已中断", fg="yellow", err=True)
            ctx.exit(130)
        except BrokenPipeError:
            # The reader went away (``wenshu list | head``): nothing is wrong, stop quietly;
            # stdout goes to /dev/null so the interpreter's final flush cannot fail again.
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            ctx.exit(0)
        except Exception as exc:  # a bug: say so plainly, details only on request
            if ctx.obj and ctx.obj.get("debug"):
                traceback.print_exc()
            # --debug belongs to wenshu itself, before the command's name: say it where it goes.
            again = f"wenshu --debug {ctx.invoked_subcommand or ''} …".replace("  ", " ")
            click.secho(
                f"内部错误：{type(exc).__name__}: {exc}（这是 wenshu 的缺陷，请报告；运行 {again} 查看详情）",
                fg="red",
                err=True,
            )
            ctx.exit(3)
