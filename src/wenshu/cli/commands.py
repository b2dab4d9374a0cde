"""The ``wenshu`` command (:data:`cli`) and the one list of its commands.

Each command lives in a module of this package, imported only when that command runs (or
``--help`` lists them all), and imports its own heavy modules when it runs, so ``wenshu
--help`` does not pay for python-docx, docxtpl, Jinja2, markdown-it and Cerberus, nor a build
for the other commands. A new command is written in its module and added to :data:`COMMANDS`.
"""

from __future__ import annotations

import click

from wenshu import __version__
from wenshu.cli.group import Group
from wenshu.cli.usage import VERSION

#: Every command: its name, and where it is (module:function).
COMMANDS: dict[str, str] = {
    "build": "wenshu.cli.build:build_cmd",
    "validate": "wenshu.cli.specs:validate_cmd",
    "new": "wenshu.cli.specs:new_cmd",
    "list": "wenshu.cli.specs:list_cmd",
    "schema": "wenshu.cli.specs:schema_cmd",
    "frames": "wenshu.cli.specs:frames_cmd",
    "check": "wenshu.cli.check:check_cmd",
    "batch": "wenshu.cli.build:batch_cmd",
    "serve": "wenshu.cli.serve:serve_cmd",
    "import": "wenshu.cli.importing:import_cmd",
    "fix": "wenshu.cli.importing:fix_cmd",
    "server": "wenshu.cli.forkserver:server_cmd",
}


@click.group(cls=Group, lazy_commands=COMMANDS, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="wenshu", help=VERSION, message="%(prog)s，版本 %(version)s")
@click.option("--debug", is_flag=True, help="内部错误时显示调用栈（写在命令名之前：wenshu --debug build）")
@click.pass_context
def cli(ctx: click.Context, debug: bool) -> None:
    """wenshu（文书）：把 YAML 规格写成符合 GB/T 9704-2012 的公文（Word 与 Markdown）。"""
    ctx.obj = {"debug": debug}
