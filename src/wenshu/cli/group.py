"""The ``wenshu`` command group: Click in Chinese, and every failure as one clear line.

A user error (:class:`WenshuError`) is reported with exit code 1; Ctrl-C and SIGTERM stop
cleanly; anything else is wenshu's own defect, said plainly with exit code 3 (details with
``--debug``).
"""

from __future__ import annotations

import atexit
import contextlib
import gc
import importlib
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
    Click's own usage errors in Chinese.

    ``lazy_commands`` names commands by where they are (``"wenshu.cli.build:build_cmd"``):
    each module is imported when its command runs, so a build does not import the
    checker's, the importer's and the workbench's commands; ``--help`` and a mistyped name
    load them all."""

    command_class = Command

    def __init__(self, *args: Any, lazy_commands: dict[str, str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.lazy_commands = dict(lazy_commands or {})

    def _load(self, name: str) -> None:
        module, _, attribute = self.lazy_commands.pop(name).partition(":")
        self.add_command(getattr(importlib.import_module(module), attribute), name)

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*self.commands, *self.lazy_commands})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in self.lazy_commands:
            self._load(cmd_name)
        return super().get_command(ctx, cmd_name)

    def resolve_command(
        self, ctx: click.Context, args: list[str]
    ) -> tuple[str | None, click.Command | None, list[str]]:
        if args and args[0] not in self.commands and args[0] not in self.lazy_commands:
            for name in list(self.lazy_commands):  # a name no command has: Click offers the closest
                self._load(name)
        return super().resolve_command(ctx, args)

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
