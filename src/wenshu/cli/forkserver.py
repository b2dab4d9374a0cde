"""wenshu's resident process: a warm server that runs each command in a fresh fork of itself.

The server (:func:`serve`, started by :func:`wenshu.cli.resident.start` or ``wenshu server
start``) imports every module of wenshu, and with them the libraries, and nothing else: it
reads no spec, schema, template, catalogue or cache, so nothing it holds can go stale but
the code itself. For each connection it forks; the child (:func:`_command`) checks the
caller and the code, takes on the caller's working folder, environment, umask, locale,
time zone and standard streams (their descriptors, passed over the socket), runs the
command as ``wenshu`` would and sends back its exit code. Nothing of one command outlives
it, and two commands at once are two children.

The code stamp (:func:`server_stamp`) is taken when the server has imported everything:
wenshu's own files (:func:`wenshu.resources.code_files`), the file of every module
loaded, and which of the loaded modules' names each folder on ``sys.path`` has. Each
command compares it again (a few hundred ``stat`` calls): if anything
changed, the command is refused (the caller runs it itself) and the server exits, to be
started afresh by the next command. A caller of another Python, search path or interpreter
options is refused too (it has a server of its own, by the socket's name), and so is one
whose process differs from the server's in what a fork cannot take on
(:func:`wenshu.cli.resident.process_attributes`: groups, resource limits, CPUs, niceness,
cgroup, namespaces): it runs its command itself.

The server leaves the caller's session at once (two forks, a new session, standard streams
on /dev/null, no other descriptor), and exits after
:data:`wenshu.cli.resident.IDLE_SECONDS` without a command, on ``wenshu server stop``, on
SIGTERM, or when its code is stale.
"""

from __future__ import annotations

import fcntl
import gc
import importlib
import marshal
import os
import pkgutil
import select
import signal
import socket
import struct
import sys
import sysconfig
import time
from collections.abc import Callable
from typing import Any

import click

import wenshu
from wenshu.cli.group import Command, Group
from wenshu.cli.output import echo
from wenshu.cli.resident import (
    IDLE_SECONDS,
    STALE,
    connect,
    interpreter,
    process_attributes,
    receive,
    runtime_dir,
    send,
    socket_path,
)
from wenshu.resources import code_files, files_stamp

_HEADER = struct.Struct("!I")
_CODE = struct.Struct("!i")
# The signals the server handles its own way; each command's process starts with Python's
# own handling of them, as a process started afresh would.
_RESET = {
    signal.SIGCHLD: signal.SIG_DFL,
    signal.SIGTERM: signal.SIG_DFL,
    signal.SIGHUP: signal.SIG_DFL,
    signal.SIGINT: signal.default_int_handler,
}
# A request larger than this is not wenshu's (a whole environment is a few kilobytes).
_MAX_REQUEST = 8 << 20


class _Server:
    """What the server process knows of itself, read by the children it forks."""

    path = ""
    key: tuple[Any, ...] = ()
    files: list[str] = []
    stamp: list[str] = []
    started = 0.0
    served = 0
    inode = 0
    children: set[int] = set()


def server_files() -> list[str]:
    """The files :func:`server_stamp` takes, found once when the server has imported everything:
    wenshu's own files and their folders (a file added or removed changes its folder), the
    file of every other module loaded, and for the standard library its folders and the
    interpreter (an upgrade replaces them)."""
    package = code_files(resources=("schemas", "templates", "data"))
    standard = {sysconfig.get_path(name) for name in ("stdlib", "platstdlib")}
    files = {sys.executable, *standard, *(os.path.join(p, "lib-dynload") for p in standard)}
    files.update(os.path.dirname(f) for f in package)
    for module in list(sys.modules.values()):
        # The module's own namespace: a module's __getattr__ (Click's, for one) can be slow.
        found = getattr(module, "__dict__", {}).get("__file__")
        if isinstance(found, str) and not any(found.startswith(p + os.sep) for p in standard):
            files.add(found)
    return [*package, *sorted(files.difference(package))]


def server_stamp(files: list[str]) -> list[str]:
    """What the running code is made of: ``files`` (:func:`server_files`) as
    :func:`wenshu.resources.files_stamp` takes them, and for each folder on ``sys.path``
    the loaded top-level names it has an entry for — a module or package put in a folder
    searched before (``yaml.py`` in the working folder of ``python -m wenshu``) would be
    imported by a command started afresh. Other files written there (a command's output
    in its working folder) change nothing."""
    stamp = files_stamp(files)
    tops = {name.partition(".")[0] for name in list(sys.modules)}
    for folder in sys.path:
        try:
            names = {entry.partition(".")[0] for entry in os.listdir(folder)}
        except OSError:
            names = set()
        stamp.append(f"{folder}:{','.join(sorted(names & tops))}")
    return stamp


def warm() -> None:
    """Import every module of wenshu (and so the libraries its commands use), and freeze
    what they made, so the forked children's garbage collections do not touch (and copy)
    it. Nothing is run: no user data, schema, template or cache is read. The word segmenter's
    dictionary is loaded (0.6 s of CPU that a build breaking table cells would pay each time)."""
    gc.disable()
    for found in pkgutil.walk_packages(wenshu.__path__, "wenshu."):
        if found.name.rpartition(".")[2] != "__main__":  # the program itself: it would run a command
            importlib.import_module(found.name)
    importlib.import_module("wenshu.text.words").preload()
    gc.enable()
    gc.collect()
    gc.freeze()


def serve(path: str, command: Callable[[], Any]) -> None:
    """The server process for the socket ``path`` (the caller's interpreter has set
    ``sys.path``); in each forked child, ``command`` (the ``wenshu`` group's ``main``: it
    reads ``sys.argv``) runs the caller's command, and the process exits with its code."""
    conn = _listen(path)
    if conn is not None:
        _command(conn, command)


def _listen(path: str) -> socket.socket | None:
    # No ``with`` or ``finally`` here: a child returns through this frame, and must not run
    # the server's clean-up. The server leaves by os._exit.
    folder = os.path.dirname(path)
    if socket_path(folder, interpreter()) != path or runtime_dir()[0] != folder:
        os._exit(1)  # started with other options than its caller's, or a folder it may not use
    lock = os.open(f"{path}.lock", os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
    for _ in range(30):  # a stale server leaving: wait for it; another one running: leave it be
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            break
        except BlockingIOError:
            time.sleep(0.1)
    else:
        os._exit(0)
    warm()
    _Server.path, _Server.key, _Server.files = path, interpreter(), server_files()
    _Server.stamp = server_stamp(_Server.files)
    _Server.started = time.time()
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        os.unlink(path)  # a server that died left it; the lock says none is running
    except FileNotFoundError:
        pass
    old_mask = os.umask(0o177)
    listener.bind(path)
    os.umask(old_mask)
    _Server.inode = os.stat(path).st_ino
    listener.listen(64)
    children = _Server.children
    # Reaped as they end, not at the next turn of the loop: their CPU time is then the
    # server's (benchmarks/cold_start.py reads it), and no finished child lingers.
    signal.signal(signal.SIGCHLD, _reap)
    signal.signal(signal.SIGTERM, _leave)
    signal.signal(signal.SIGHUP, signal.SIG_IGN)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    last = time.monotonic()
    while True:
        if not children and time.monotonic() - last > IDLE_SECONDS:
            _leave()
        ready, _, _ = select.select([listener], [], [], 1.0)
        if not ready:
            continue
        try:
            conn, _ = listener.accept()
        except OSError:
            continue
        last = time.monotonic()
        _Server.served += 1
        # SIGCHLD held until the child is counted: else a child ending at once could be
        # reaped before it is added, and be counted as running for ever.
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGCHLD})
        pid = os.fork()
        if pid == 0:
            listener.close()
            os.close(lock)
            for signum, handler in _RESET.items():
                signal.signal(signum, handler)
            signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGCHLD})
            return conn
        children.add(pid)
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGCHLD})
        conn.close()


def _reap(signum: int = 0, frame: Any = None) -> None:
    children = _Server.children
    for pid in list(children):
        try:
            done, _ = os.waitpid(pid, os.WNOHANG)
        except ChildProcessError:
            done = pid
        if done:
            children.discard(pid)


def _leave(signum: int = 0, frame: Any = None) -> None:
    """The server ends: its socket removed (if it is still its own), then the process."""
    try:
        if os.stat(_Server.path).st_ino == _Server.inode:
            os.unlink(_Server.path)
    except OSError:
        pass
    os._exit(0)


def _stop_server() -> None:
    """From a child: end the server that forked it (its socket goes before the child answers)."""
    os.kill(os.getppid(), signal.SIGTERM)
    for _ in range(100):
        if not os.path.exists(_Server.path):
            break
        time.sleep(0.01)


def _request(conn: socket.socket) -> tuple[dict[str, Any], list[int]]:
    conn.settimeout(10)
    head, fds, _, _ = socket.recv_fds(conn, _HEADER.size, 8)
    for fd in fds:
        os.set_inheritable(fd, False)
    head += receive(conn, _HEADER.size - len(head))
    (size,) = _HEADER.unpack(head)
    if size > _MAX_REQUEST:
        raise ValueError(size)
    data = receive(conn, size)
    conn.settimeout(None)
    return marshal.loads(data), fds


def _command(conn: socket.socket, command: Callable[[], Any]) -> None:
    """In a forked child: take the caller's request and answer it; exits the process."""
    pid, uid, gid = struct.unpack("3i", conn.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, 12))
    if uid != os.getuid():  # the folder is the user's alone; even so, never serve another
        os._exit(1)
    try:
        request, fds = _request(conn)
    except (OSError, ValueError, EOFError, TypeError, struct.error):
        os._exit(1)
    op = request.get("op")
    if op == "status":
        conn.sendall(marshal.dumps(_status()))
        os._exit(0)
    if op == "stop":
        _stop_server()
        conn.sendall(b"K")
        os._exit(0)
    if (
        op != "run"
        or len(fds) != 4
        or request.get("key") != _Server.key
        or request.get("attributes") != process_attributes()
    ):
        conn.sendall(b"R")
        os._exit(0)
    if server_stamp(_Server.files) != _Server.stamp:
        _stop_server()
        conn.sendall(b"S")
        os._exit(STALE)
    conn.sendall(b"P" + _CODE.pack(os.getpid()))
    _become_caller(request, fds)
    _run(conn, command)


def _status() -> dict[str, Any]:
    return {
        "pid": os.getppid(),
        "started": _Server.started,
        "served": _Server.served,
        "executable": _Server.key[0],
        "path": list(_Server.key[2]),
    }


def _become_caller(request: dict[str, Any], fds: list[int]) -> None:
    """Take on the caller's standard streams, working folder, environment (with the locale
    and time zone read from it), umask, program name and ``__main__`` package."""
    import io
    import locale
    import types

    stdin, stdout, stderr, here = fds
    for fd, target in ((stdin, 0), (stdout, 1), (stderr, 2)):
        os.dup2(fd, target)
        os.close(fd)
    os.fchdir(here)
    os.close(here)
    os.environ.clear()
    os.environ.update(request["env"])
    os.umask(request["umask"])
    _take_signals(request.get("signals", {}))
    time.tzset()
    try:
        locale.setlocale(locale.LC_CTYPE, "")  # as Python does at start, from LC_ALL / LC_CTYPE / LANG
    except locale.Error:
        pass
    if "tempfile" in sys.modules:  # the temporary folder is found again from TMPDIR
        sys.modules["tempfile"].tempdir = None
    streams = []
    for fd, (encoding, errors, line_buffering, write_through, raw), name in zip(
        (0, 1, 2), request["streams"], ("<stdin>", "<stdout>", "<stderr>"), strict=True
    ):
        # As Python makes its standard streams (Python/pylifecycle.c, create_stdio).
        mode = "rb" if fd == 0 else "wb"
        binary = open(fd, mode, buffering=0 if raw and fd else -1, closefd=False)
        (binary if raw and fd else binary.raw).name = name
        text = io.TextIOWrapper(
            binary,
            encoding=encoding,
            errors=errors,
            newline="\n",
            line_buffering=line_buffering,
            write_through=write_through,
        )
        text.mode = "r" if fd == 0 else "w"
        streams.append(text)
    sys.stdin, sys.stdout, sys.stderr = streams
    sys.__stdin__, sys.__stdout__, sys.__stderr__ = streams
    main = types.ModuleType("__main__")
    main.__package__ = request["main"][0]
    sys.modules["__main__"] = main
    sys.argv = list(request["argv"])


def _take_signals(caller: dict[int, int]) -> None:
    """The caller's dispositions (:func:`wenshu.cli.resident.dispositions`): what it ignores
    (``nohup``, ``trap '' INT``, a background job's SIGINT) is ignored here too, Ctrl-C raises
    KeyboardInterrupt if it would there, every other signal has its default action — as in
    a process the caller started afresh."""
    for signum in range(1, signal.NSIG):
        if signum in (signal.SIGKILL, signal.SIGSTOP):
            continue
        wanted = caller.get(signum)
        handler = signal.SIG_IGN if wanted == 1 else signal.SIG_DFL
        if wanted == 2 and signum == signal.SIGINT:
            handler = signal.default_int_handler
        try:
            signal.signal(signum, handler)
        except (OSError, ValueError):  # the C library's own (32, 33): not Python's to set
            pass


def _run(conn: socket.socket, command: Callable[[], Any]) -> None:
    """Run the command as ``wenshu`` does; when the process ends (after the command's own
    exit handlers), its exit code goes back to the caller."""
    import atexit
    import threading

    code = [1]
    finished = threading.Event()

    def watch() -> None:
        # The caller sends nothing more: the connection ends only when it does. Killed (kill -9,
        # its terminal closed) before the command finished: the command is stopped as by Ctrl-C.
        try:
            while conn.recv(1):
                pass
        except OSError:
            pass
        if not finished.is_set():
            # SIGINT ignored (the caller's, a background job's): SIGTERM, which wenshu's commands
            # take as Ctrl-C (wenshu.cli.group.terminate_as_interrupt).
            ignored = signal.getsignal(signal.SIGINT) == signal.SIG_IGN
            os.kill(os.getpid(), signal.SIGTERM if ignored else signal.SIGINT)

    threading.Thread(target=watch, daemon=True).start()

    def answer() -> None:
        finished.set()
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except (OSError, ValueError):
                pass
        try:
            conn.sendall(_CODE.pack(code[0]))
        except OSError:
            pass

    atexit.register(answer)
    try:
        command()
    except SystemExit as exc:
        # What the interpreter makes of it (Python/pythonrun.c): None is 0, an integer
        # itself, anything else is printed and 1.
        code[0] = 0 if exc.code is None else exc.code if isinstance(exc.code, int) else 1
        raise
    except KeyboardInterrupt:
        code[0] = 128 + signal.SIGINT
        raise
    code[0] = 0


# -- wenshu server start | stop | status --------------------------------------------------------


def _socket_or_fail() -> str:
    if sys.platform != "linux":
        raise click.ClickException("常驻进程只用于 Linux；在这里每条命令都在自己的进程中运行")
    folder, why = runtime_dir()
    if folder is None:
        raise click.ClickException(why)
    return socket_path(folder, interpreter())


def _ask(sock: Any, op: str) -> bytes:
    send(sock, {"op": op})
    data = b""
    while more := receive(sock, 65536):
        data += more
    return data


@click.group("server", cls=Group)
def server_cmd() -> None:
    """常驻进程：预先载入 wenshu 及其所用的库，此后每条命令在它的一个新分叉进程中运行，省去每次启动的时间。

    Linux 上第一条命令即在后台启动它，空闲 15 分钟后自行退出；设环境变量 WENSHU_SERVER=0 不用常驻进程。
    wenshu 的代码或所用的库有改动时，它拒绝执行并退出，命令照常在本进程中运行。"""


@server_cmd.command("start", cls=Command)
def start_cmd() -> None:
    """在后台启动常驻进程（已在运行时不重复启动）。"""
    from wenshu.cli.resident import start

    path = _socket_or_fail()
    sock = connect(path)
    if sock is not None:
        sock.close()
        echo("常驻进程已在运行")
        return
    start(path, forced=True)
    for _ in range(300):  # it imports everything first: up to a few seconds on a busy machine
        time.sleep(0.05)
        sock = connect(path)
        if sock is not None:
            sock.close()
            echo("常驻进程已启动")
            return
    raise click.ClickException("常驻进程未能启动")


def _running(path: str) -> Any:
    """A connection to the resident process at ``path``; None, said so, when none runs."""
    sock = connect(path)
    if sock is None:
        echo("常驻进程未在运行")
    return sock


@server_cmd.command("stop", cls=Command)
def stop_cmd() -> None:
    """停止常驻进程（正在运行的命令照常完成）。"""
    sock = _running(_socket_or_fail())
    if sock is None:
        return
    try:
        _ask(sock, "stop")
    finally:
        sock.close()
    echo("常驻进程已停止")


@server_cmd.command("status", cls=Command)
def status_cmd() -> None:
    """显示常驻进程是否在运行、进程号、启动时间与已执行的命令数。"""
    path = _socket_or_fail()
    sock = _running(path)
    if sock is None:
        return
    try:
        info = marshal.loads(_ask(sock, "status"))
    except (OSError, EOFError, ValueError) as exc:
        raise click.ClickException(f"常驻进程没有回答：{exc}") from None
    finally:
        sock.close()
    started = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(info["started"]))
    # This request is one the server counted: the others are the commands (and queries) before it.
    echo(f"常驻进程在运行：进程号 {info['pid']}，{started} 启动，此前已接受 {info['served'] - 1} 次连接")
    echo(f"套接字 {path}；Python {info['executable']}")
