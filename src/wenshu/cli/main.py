"""The ``wenshu`` command: the group, and the one list of its commands.

Each command lives in a module of this package and imports its own heavy modules when it
runs, so ``wenshu --help`` does not pay for python-docx, docxtpl, Jinja2, markdown-it and
Cerberus. A new command is written in its module and added to :data:`COMMANDS`.
"""

from __future__ import annotations

import click

from wenshu import __version__
from wenshu.cli.build import batch_cmd, build_cmd
from wenshu.cli.check import check_cmd
from wenshu.cli.group import Group
from wenshu.cli.importing import fix_cmd, import_cmd
from wenshu.cli.serve import serve_cmd
from wenshu.cli.specs import frames_cmd, list_cmd, new_cmd, schema_cmd, validate_cmd
from wenshu.cli.usage import VERSION

COMMANDS: tuple[click.Command, ...] = (
    build_cmd,
    validate_cmd,
    new_cmd,
    list_cmd,
    schema_cmd,
    frames_cmd,
    check_cmd,
    batch_cmd,
    serve_cmd,
    import_cmd,
    fix_cmd,
)


@click.group(cls=Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="wenshu", help=VERSION, message="%(prog)s，版本 %(version)s")
@click.option("--debug", is_flag=True, help="内部错误时显示调用栈（写在命令名之前：wenshu --debug build）")
@click.pass_context
def main(ctx: click.Context, debug: bool) -> None:
    """wenshu（文书）：把 YAML 规格写成符合 GB/T 9704-2012 的公文（Word 与 Markdown）。"""
    ctx.obj = {"debug": debug}


for _command in COMMANDS:
    main.add_command(_command)
