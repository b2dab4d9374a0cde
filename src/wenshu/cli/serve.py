"""``wenshu serve``: the workbench in the browser."""

from __future__ import annotations

import errno
from pathlib import Path

import click

from wenshu.cli.group import Command
from wenshu.errors import Problem, WenshuError


@click.command(cls=Command, name="serve")
@click.argument("folder", type=click.Path(path_type=Path, file_okay=False), default=".", required=False)
@click.option(
    "--port", type=click.IntRange(0, 65535), default=8000, show_default=True, help="端口（0：任选空闲端口）"
)
@click.option("--host", default="127.0.0.1", show_default=True, help="监听地址；默认只在本机（回环地址）")
@click.option("--no-pages", is_flag=True, help="预览只用 Markdown，不用 LibreOffice 排出页面图片")
def serve_cmd(folder: Path, port: int, host: str, no_pages: bool) -> None:
    """在浏览器中编辑 FOLDER（省略时为当前文件夹）中的规格：表单、YAML、问题、预览、下载、批量与检查
    （本机网页工作台）。"""
    from wenshu.serve import LOOPBACK, make_workbench_server

    if not folder.is_dir():
        raise WenshuError(Problem(str(folder), "不是文件夹"))
    if host not in LOOPBACK:
        click.secho(
            f"警告：在 {host} 上监听，本机以外的电脑也可能访问并修改 {folder} 中的文件；只应在可信网络中使用",
            fg="yellow",
            err=True,
        )
    try:
        server = make_workbench_server(folder, host, port, pages=not no_pages)
    except OSError as exc:
        raise WenshuError(Problem(f"{host}:{port}", _cannot_listen(exc, port))) from None
    shown = f"[{host}]" if ":" in host else host
    click.echo(f"文书工作台：http://{shown}:{server.server_port}/ （{folder.resolve()}；按 Ctrl+C 停止）")
    # Ctrl+C is the way the clerk was told to stop it: said, not an error. Werkzeug's loop takes
    # the KeyboardInterrupt itself and returns; one that comes outside it (before, or a second
    # Ctrl+C while the server closes) stops it the same way.
    try:
        try:
            server.serve_forever()
        finally:
            server.server_close()
    except KeyboardInterrupt:
        pass
    click.echo("文书工作台已停止")


def _cannot_listen(exc: OSError, port: int) -> str:
    """Why the workbench cannot listen there, in Chinese, and what to do instead."""
    if exc.errno == errno.EADDRINUSE:
        return (
            f"端口 {port} 已被占用（另一个工作台或其他程序正在使用）；"
            f"请换一个端口，如 --port {port + 1}，或 --port 0 任选空闲端口"
        )
    if exc.errno == errno.EACCES:
        return (
            f"没有权限使用端口 {port}（1024 以下的端口需要管理员权限）；请用 1024 以上的端口，如 --port 8000"
        )
    import socket  # here, not at the top: every command's --help imports this module

    if exc.errno == errno.EADDRNOTAVAIL or isinstance(exc, socket.gaierror):
        return "本机没有这个地址；--host 应是本机的地址，默认 127.0.0.1 只供本机访问"
    return f"无法监听：{exc.strerror or exc}"
