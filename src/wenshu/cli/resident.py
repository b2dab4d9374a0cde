"""The light half of wenshu's resident process: hand a command to a warm server, or say none.

A ``wenshu`` command spends most of its time importing its libraries (python-docx,
markdown-it, Jinja2, PyYAML, Cerberus, Click): about four times what Pandoc takes for a
whole document. A resident process (:mod:`wenshu.cli.forkserver`) imports them once and
serves each command in a fresh ``fork()`` of itself, so nothing of one command is left to
the next, and the server holds no user data, schema, template or cache that could go stale.

This module is what every command runs first, before Click is imported: it finds the
user's server for this interpreter, sends it the command line, the environment, the umask
and the working folder, and passes it the terminal (standard input, output and error, as
file descriptors over the socket: the command writes straight to them, with their
``isatty``, colours and width), and which signals it ignores. It waits for the exit code,
forwarding Ctrl-C, Ctrl-Z and ``kill`` to the command. When there is no server (or it
refuses: another interpreter, wenshu's code changed, other groups, limits, CPUs, niceness or
cgroup than the server's), :func:`run` returns None and the command runs in this process as it always did;
on Linux it first starts a server in the background for the next commands.

Only the standard library's C parts are imported: ``_socket`` and ``_signal`` rather than
``socket`` and ``signal``, whose enumerations cost more than the rest of the client
(``signal`` alone half as much as Python's own start, measured by callgrind), ``marshal``
rather than ``json`` (both ends are the same interpreter, checked), and no ``typing``.
"""

from __future__ import annotations

import _signal
import marshal
import os
import struct
import sys
import zlib

TYPE_CHECKING = False
if TYPE_CHECKING:  # typing is not imported to run (see the module's docstring)
    from typing import Any

#: ``WENSHU_SERVER=0`` runs every command in its own process, and starts no server.
SWITCH = "WENSHU_SERVER"
#: A server with no command for this long exits.
IDLE_SECONDS = 15 * 60
#: The exit code a served command's process ends with when it refused the command because
#: wenshu's code or libraries changed: the server then exits.
STALE = 75
_HEADER = struct.Struct("!I")
_CODE = struct.Struct("!i")
# Under the usual 108 bytes of an AF_UNIX address.
_MAX_ADDRESS = 100


def _settled(path: str) -> bool:
    """Whether no other user can change where the absolute ``path`` leads: every folder looked
    up on the way — links followed, their own folders too — is this user's or root's, and
    others may not write to it, or it has the sticky bit and the entry looked up in it is this
    user's or root's (others can neither remove nor rename it). Else whoever may write to an
    ancestor could swap the checked folder for theirs between the check and the socket's bind
    or connect, which go by the path again."""
    mine = (0, os.getuid())
    todo = path.split("/")
    current = "/"
    links = 0
    while todo:
        name = todo.pop(0)
        if name in ("", "."):
            continue
        if name == "..":
            current = os.path.dirname(current)
            continue
        entry = os.path.join(current, name)
        try:
            folder, info = os.lstat(current), os.lstat(entry)
        except OSError:
            return False
        writable = folder.st_mode & 0o022 and not (folder.st_mode & 0o1000 and info.st_uid in mine)
        if folder.st_uid not in mine or writable:
            return False
        if info.st_mode & 0o170000 == 0o120000:  # S_ISLNK: go on from where it leads
            links += 1
            target = os.readlink(entry)
            if links > 40 or not target:  # the kernel's own limit on links in one lookup
                return False
            todo = target.split("/") + todo
            current = "/" if target.startswith("/") else current
        else:
            current = entry
    return True


def _private_base(base: str, shared_ok: bool) -> bool:
    """Whether ``base`` may hold the user's folder of sockets: a real folder (not a link) of
    this user that no one else may write to — or, when ``shared_ok`` (the temporary folder),
    root's with the sticky bit, where others can neither remove nor rename what the user
    made. Else another user (an ``XDG_RUNTIME_DIR`` kept through ``su``) could swap the
    folder and have root create, connect to or remove sockets of theirs. The folders above
    it must be settled as well (:func:`_settled`)."""
    if not _settled(os.path.abspath(base)):
        return False
    try:
        fd = os.open(base, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC)
    except OSError:
        return False
    try:
        info = os.fstat(fd)
    finally:
        os.close(fd)
    if info.st_uid == os.getuid() and not info.st_mode & 0o022:
        return True
    return shared_ok and info.st_uid == 0 and bool(info.st_mode & 0o1000)


def runtime_dir() -> tuple[str | None, str]:
    """The user's own folder of wenshu sockets, created if missing, and "" — or None and why
    it may not be used, in Chinese: ``$XDG_RUNTIME_DIR/wenshu`` (the session's private
    folder) when that folder is the user's and others may not write to it, else
    ``wenshu-<uid>`` in the temporary folder. A folder that is a link, not the user's, or
    that others may enter is refused: whoever could put a socket there would receive the
    user's commands, environment and terminal."""
    base = os.environ.get("XDG_RUNTIME_DIR")
    if base and os.path.isabs(base) and _private_base(base, False):
        name = "wenshu"
    else:
        base = os.environ.get("TMPDIR") or "/tmp"
        name = f"wenshu-{os.getuid()}"
        if not _private_base(base, True):
            return None, f"临时文件夹 {base} 别人可以改动，不用常驻进程"
    folder = os.path.join(base, name)
    try:
        parent = os.open(base, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC)
    except OSError as exc:
        return None, f"无法打开常驻进程的文件夹 {base}：{exc.strerror}"
    try:  # through the folder checked, not its path again
        try:
            os.mkdir(name, 0o700, dir_fd=parent)
        except FileExistsError:
            pass
        except OSError as exc:
            return None, f"无法建立常驻进程的文件夹 {folder}：{exc.strerror}"
        try:
            info = os.stat(name, dir_fd=parent, follow_symlinks=False)
        except OSError as exc:
            return None, f"无法读取常驻进程的文件夹 {folder}：{exc.strerror}"
    finally:
        os.close(parent)
    if not (info.st_mode & 0o170000 == 0o040000):  # S_ISDIR, without importing stat
        return None, f"常驻进程的文件夹 {folder} 不是文件夹（或是符号链接），不使用"
    if info.st_uid != os.getuid():
        return None, f"常驻进程的文件夹 {folder} 属于别的用户，不使用"
    if info.st_mode & 0o077:
        return (
            None,
            f"常驻进程的文件夹 {folder} 别人也能访问（权限 {info.st_mode & 0o777:o}，应为 700），不使用",
        )
    return folder, ""


def interpreter() -> tuple[Any, ...]:
    """What a server must share with this process to run its command as this process would:
    the same Python (executable and version), the same module search path, the same
    interpreter options (``-X importtime``, ``-O``, UTF-8 mode, warning filters …) and the
    same ``PYTHON…`` environment variables, which Python reads only as it starts (the hash
    seed among them)."""
    started = sorted((k, v) for k, v in os.environ.items() if k.startswith("PYTHON"))
    options = (tuple(sys.flags), sorted(sys._xoptions.items()), tuple(sys.warnoptions))
    return (sys.executable, sys.version, tuple(sys.path), options, started)


#: What /proc/self/status says of a process that a command run afresh would have too: its
#: user and group IDs, supplementary groups, capabilities, no_new_privs, seccomp, the CPUs
#: and memory nodes it may use.
_STATUS_FIELDS = (
    b"Uid:",
    b"Gid:",
    b"Groups:",
    b"Cap",
    b"NoNewPrivs:",
    b"Seccomp:",
    b"Cpus_allowed",
    b"Mems_allowed",
)


def _read(path: str) -> bytes:
    try:
        with open(path, "rb") as file:
            return file.read()
    except OSError:
        return b""


def process_attributes() -> tuple[Any, ...]:
    """What the kernel gives a process that its command depends on, beyond the environment
    and umask the server takes on: user and group IDs, groups, capabilities, allowed CPUs
    (the default ``-j``), niceness, resource limits (``ulimit``), control groups (a CI job's
    limits and accounting) and namespaces. The server serves a caller only when they are
    its own: a forked child cannot take all of them on (a lower limit, yes; another cgroup
    or more groups, not as the same user)."""
    status = [line for line in _read("/proc/self/status").splitlines() if line.startswith(_STATUS_FIELDS)]
    namespaces = []
    for name in ("mnt", "pid", "net", "ipc", "uts", "user", "cgroup", "time"):
        try:
            namespaces.append(os.readlink(f"/proc/self/ns/{name}"))
        except OSError:
            namespaces.append("")
    return (
        status,
        os.getpriority(os.PRIO_PROCESS, 0),
        _read("/proc/self/limits"),
        _read("/proc/self/cgroup"),
        namespaces,
    )


def dispositions() -> dict[int, int]:
    """The signals this process does not leave to their default action: 1 ignored (``nohup``,
    ``trap '' INT``, a shell's background job; Python keeps them so), 2 Python's own handler
    (Ctrl-C's KeyboardInterrupt). The command's process takes on the same."""
    found = {}
    for signum in range(1, _signal.NSIG):
        handler = _signal.getsignal(signum)
        if handler == _signal.SIG_IGN:
            found[signum] = 1
        elif callable(handler):
            found[signum] = 2
    return found


def socket_path(folder: str, key: tuple[Any, ...]) -> str:
    """The socket of the server for ``key`` (:func:`interpreter`) in ``folder``: one server a
    Python installation and search path (a ``python -m wenshu`` has the working folder on
    its path); the server checks the whole key, the name only finds it."""
    # repr, not marshal: marshal's bytes depend on reference counts (its back-references).
    return os.path.join(folder, f"{zlib.crc32(repr(key).encode()):08x}.sock")


def interpreter_options() -> list[str]:
    """The options this Python was started with (``-X importtime``, ``-O``), to start the
    server with them: what comes before ``-m``, ``-c`` or the script in ``sys.orig_argv``."""
    options: list[str] = []
    argv = sys.orig_argv[1:]
    i = 0
    while i < len(argv) and argv[i].startswith("-") and argv[i] not in ("-", "-m", "-c"):
        takes = argv[i] in ("-X", "-W", "--check-hash-based-pycs")
        options += argv[i : i + 1 + takes]
        i += 1 + takes
    return options


def connect(path: str) -> Any:
    """A connection to the server listening at ``path`` and run by this user, or None."""
    import _socket  # C: see the module's docstring

    sock = _socket.socket(_socket.AF_UNIX, _socket.SOCK_STREAM)
    try:
        sock.connect(path)
        pid, uid, gid = struct.unpack("3i", sock.getsockopt(_socket.SOL_SOCKET, _socket.SO_PEERCRED, 12))
    except OSError:
        sock.close()
        return None
    if uid != os.getuid():  # the folder is the user's alone; a server of another is never sent anything
        sock.close()
        return None
    return sock


def send(sock: Any, request: dict[str, Any], fds: list[int] = ()) -> None:  # type: ignore[assignment]
    """Send one request (a marshalled mapping, its length first), with ``fds`` alongside."""
    import _socket

    data = marshal.dumps(request)
    data = _HEADER.pack(len(data)) + data
    ancillary = [(_socket.SOL_SOCKET, _socket.SCM_RIGHTS, struct.pack(f"{len(fds)}i", *fds))] if fds else []
    sent = sock.sendmsg([data], ancillary)
    if sent < len(data):
        sock.sendall(data[sent:])


def receive(sock: Any, size: int) -> bytes:
    """Exactly ``size`` bytes from ``sock``, or fewer if it closed."""
    data = b""
    while len(data) < size:
        more = sock.recv(size - len(data))
        if not more:
            break
        data += more
    return data


def _streams() -> list[tuple[str, str, bool, bool, bool]] | None:
    """How this process's standard streams write and read text (encoding, errors, line
    buffering, write-through, unbuffered), for the command's process to make its own the
    same; None when one is missing (closed at start: then run here)."""
    found = []
    for stream in (sys.stdin, sys.stdout, sys.stderr):
        if stream is None or not hasattr(stream, "buffer"):
            return None
        raw = type(stream.buffer).__name__ == "FileIO"  # python -u
        found.append((stream.encoding, stream.errors, stream.line_buffering, stream.write_through, raw))
    return found


def _main_module() -> tuple[str | None, str | None]:
    """``__main__``'s package and spec name: Click names the program from them
    (``python -m wenshu`` against ``wenshu``)."""
    main = sys.modules.get("__main__")
    spec = getattr(main, "__spec__", None)
    return getattr(main, "__package__", None), getattr(spec, "name", None)


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def run(argv: list[str]) -> int | None:
    """Run the command ``argv`` (``sys.argv``) in the user's resident process and return its
    exit code; None when it is to run in this process (no server, disabled, refused)."""
    # Linux: the server and its caller check each other's user by SO_PEERCRED, Linux's.
    if sys.platform != "linux" or os.environ.get(SWITCH) == "0":
        return None
    if argv[1:2] == ["server"]:  # wenshu server start|stop|status: always here
        return None
    streams = _streams()
    if streams is None or "" in sys.path:  # "" is the working folder, the server's is another
        return None
    folder, _ = runtime_dir()
    if folder is None:
        return None
    key = interpreter()
    path = socket_path(folder, key)
    if len(path) > _MAX_ADDRESS:
        return None
    sock = connect(path)
    if sock is None:
        start(path)
        return None
    try:
        return _served(sock, path, key, argv, streams)
    finally:
        sock.close()


def _served(sock: Any, path: str, key: tuple[Any, ...], argv: list[str], streams: list[Any]) -> int | None:
    try:
        here = os.open(".", os.O_RDONLY | os.O_DIRECTORY | getattr(os, "O_CLOEXEC", 0))
    except OSError:
        return None  # a working folder that cannot be opened: run here
    caller = dispositions()
    request = {
        "op": "run",
        "key": key,
        "argv": list(argv),
        "env": dict(os.environ),
        "umask": _umask(),
        "signals": caller,
        "attributes": process_attributes(),
        "streams": streams,
        "main": _main_module(),
    }
    pending: list[int] = []
    child: list[int] = []
    forwarded_to: list[int] = []

    def forward(signum: int, frame: Any) -> None:
        # Ctrl-C and kill reach this process only: the command's process hears them too, and
        # does what it would here — it has this process's dispositions: a signal ignored
        # here (nohup) it ignores; SIGTERM stops wenshu even so, as it does here.
        if child:
            os.kill(child[0], signum)
            forwarded_to.append(signum)
        else:
            pending.append(signum)

    def stop(signum: int, frame: Any) -> None:
        # Ctrl-Z: the command's process is stopped with this one and continued with it. SIGSTOP,
        # not SIGTSTP, for both: the kernel drops a SIGTSTP whose action is to stop in an
        # orphaned process group (POSIX) — the server's always, this one's when its parent is
        # in another session (`setsid`, some CI runners).
        if child:
            os.kill(child[0], _signal.SIGSTOP)
        os.kill(os.getpid(), _signal.SIGSTOP)  # stopped here until fg or bg
        if child:
            os.kill(child[0], _signal.SIGCONT)

    handlers = {s: forward for s in (_signal.SIGINT, _signal.SIGTERM, _signal.SIGHUP)}
    if caller.get(_signal.SIGTSTP) != 1:  # an ignored Ctrl-Z stops neither
        handlers[_signal.SIGTSTP] = stop
    previous = {s: _signal.signal(s, handler) for s, handler in handlers.items()}
    try:
        try:
            send(sock, request, [0, 1, 2, here])
        finally:
            os.close(here)
        answer = receive(sock, 1)
        if answer != b"P":  # refused ("R"): another interpreter or process, or wenshu changed
            if answer == b"S":
                start(path)
            return None
        child.append(_CODE.unpack(receive(sock, _CODE.size))[0])
        for signum in pending:
            forward(signum, None)
        ended = receive(sock, _CODE.size)
    except OSError:
        ended = b""
        if not child:
            return None
    finally:
        for signum, handler in previous.items():
            _signal.signal(signum, handler)
    if len(ended) < _CODE.size:
        # Killed without an exit code: by a signal forwarded that it left to its default
        # action (SIGHUP), this process ends by it too, as the command run here would have.
        for signum in forwarded_to:
            if caller.get(signum) is None:
                _signal.signal(signum, _signal.SIG_DFL)
                os.kill(os.getpid(), signum)
        return _lost()
    return _CODE.unpack(ended)[0]


def _lost() -> int:
    """The command's process ended without an exit code (killed): said, as a defect is."""
    os.write(2, "内部错误：wenshu 常驻进程中的命令意外结束（可设 WENSHU_SERVER=0 不用常驻进程）\n".encode())
    return 3


def start(path: str, *, forced: bool = False) -> None:
    """Start a server for this interpreter in the background, detached from this process's
    session and terminal (its standard streams are /dev/null, it holds no descriptor of
    this process: a harness waiting for this command's output to end does not wait for it).
    It warms up while this command runs here; the next command finds it. Not when
    ``WENSHU_SERVER=0`` (unless ``forced``: ``wenshu server start``), nor while another
    server holds the socket's lock (it is starting, or leaving)."""
    if os.environ.get(SWITCH) == "0" and not forced:
        return
    import fcntl

    try:
        lock = os.open(f"{path}.lock", os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
    except OSError:
        return
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return  # a server is starting (importing) or leaving
    finally:
        os.close(lock)  # the lock, if taken, goes with it
    boot = (
        "import sys\nsys.path[:] = sys.argv[2:]\nfrom wenshu.cli.forkserver import serve\n"
        "from wenshu.cli.main import main\nserve(sys.argv[1], main.main)"
    )
    command = [sys.executable, *interpreter_options(), "-c", boot, path, *sys.path]
    try:
        pid = os.fork()
    except OSError:
        return
    if pid:
        os.waitpid(pid, 0)
        return
    try:  # the first child: a new session, and a second fork so the server is no session leader
        os.setsid()
        if os.fork():
            os._exit(0)
        null = os.open(os.devnull, os.O_RDWR)
        for fd in (0, 1, 2):
            os.dup2(null, fd)
        os.closerange(3, 65536)
        os.chdir("/")
        os.execv(sys.executable, command)
    finally:
        os._exit(127)
