"""The resident process (wenshu.cli.resident, wenshu.cli.forkserver): a command it runs is the
command run afresh — the same bytes on stdout and stderr, the same exit code, the same files —
and it steps aside whenever it could differ: wenshu's code changed, a folder others may enter.

Each test that starts a server has its own runtime folder (``XDG_RUNTIME_DIR``) and stops its
server at the end; none is left running (checked by its process id).
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from wenshu.cli import forkserver

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src"
NOTICE = ROOT / "examples" / "notices" / "cnipa-2023-582.yaml"
LETTERS = ROOT / "examples" / "letters"


def _env(runtime: Path, work: Path, pythonpath: Path = SRC) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "WENSHU_SERVER"}  # conftest turns it off
    return env | {
        "XDG_RUNTIME_DIR": str(runtime),
        "XDG_CACHE_HOME": str(work / "cache"),
        "PYTHONPATH": str(pythonpath),
        "WENSHU_PAGINATE": "0",
    }


def _wenshu(args: list[str], env: dict[str, str], cwd: Path, **kw) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "wenshu", *args], cwd=cwd, env=env, capture_output=True, timeout=120, **kw
    )


def _status(env: dict[str, str], cwd: Path) -> tuple[int, int] | None:
    """(process id, connections accepted before this query) of the running server, or None."""
    done = _wenshu(["server", "status"], env, cwd)
    assert done.returncode == 0, done.stderr.decode()
    found = re.search(r"进程号 (\d+)，.*此前已接受 (\d+) 次连接", done.stdout.decode())
    return (int(found[1]), int(found[2])) if found else None


def _gone(pid: int) -> bool:
    for _ in range(100):
        if not Path(f"/proc/{pid}").exists():
            return True
        time.sleep(0.05)
    return False


class Resident:
    """A server of this test's own, in its runtime folder, and commands run through it or not."""

    def __init__(self, work: Path, pythonpath: Path = SRC) -> None:
        self.work = work
        self.runtime = Path(tempfile.mkdtemp(prefix="ws-"))  # short: a socket's path is at most 108 bytes
        self.env = _env(self.runtime, work, pythonpath)
        self.pids: set[int] = set()

    def start(self) -> int:
        done = _wenshu(["server", "start"], self.env, self.work)
        assert done.returncode == 0, done.stderr.decode()
        assert done.stdout.decode().strip() in ("常驻进程已启动", "常驻进程已在运行")
        return self.status()[0]

    def status(self) -> tuple[int, int]:
        found = _status(self.env, self.work)
        assert found is not None, "no server"
        self.pids.add(found[0])
        return found

    def served(self, args: list[str], **kw) -> subprocess.CompletedProcess[bytes]:
        """Run ``args`` through the server, and check that it was the server that ran it."""
        _, before = self.status()
        done = _wenshu(args, self.env, self.work, **kw)
        _, after = self.status()
        assert after == before + 2, "the command was not run by the server"  # itself and the query
        return done

    def afresh(self, args: list[str], **kw) -> subprocess.CompletedProcess[bytes]:
        return _wenshu(args, self.env | {"WENSHU_SERVER": "0"}, self.work, **kw)

    def stop(self) -> None:
        _wenshu(["server", "stop"], self.env, self.work)
        for pid in self.pids:
            assert _gone(pid), f"server {pid} still running"
        shutil.rmtree(self.runtime, ignore_errors=True)


@pytest.fixture
def resident(tmp_path: Path) -> Iterator[Resident]:
    server = Resident(tmp_path)
    server.start()
    yield server
    server.stop()


def _bad_notice(folder: Path) -> Path:
    text = re.sub(
        r"^doc_number: .*$",
        "doc_number: 国知办函运字[2023]582号",
        NOTICE.read_text(encoding="utf-8"),
        flags=re.M,
    )
    bad = folder / "坏通知.yaml"
    bad.write_text(text, encoding="utf-8")
    return bad


def _same(served: subprocess.CompletedProcess[bytes], afresh: subprocess.CompletedProcess[bytes]) -> None:
    assert served.returncode == afresh.returncode, (served.stderr.decode(), afresh.stderr.decode())
    assert served.stdout == afresh.stdout
    assert served.stderr == afresh.stderr


def test_served_commands_are_the_commands_run_afresh(resident: Resident) -> None:
    """Byte for byte, and exit code for exit code: help, a build (and its files), a bad spec's
    Chinese error, a check of the built file, a usage error, an unknown command."""
    work = resident.work
    bad = _bad_notice(work)
    out = work / "out"
    commands = [
        ["--help"],
        ["build", str(NOTICE), "-o", str(out)],
        ["build", str(bad), "-o", str(out)],
        ["check", str(out / "cnipa-2023-582.docx")],
        ["validate", "没有这个文件.yaml"],
        ["build", "--fomat", "docx", str(NOTICE)],
        ["biuld"],
        ["schema", "notice"],
    ]
    made = {}
    for args in commands:
        served = resident.served(args)
        if args[0] == "build" and served.returncode == 0:
            made = {p.name: p.read_bytes() for p in out.iterdir()}
        afresh = resident.afresh(args)
        _same(served, afresh)
        if args[0] == "build" and afresh.returncode == 0:
            assert made[f"{NOTICE.stem}.md"] == (out / f"{NOTICE.stem}.md").read_bytes()
    codes = {tuple(a[:1]): resident.afresh(a).returncode for a in commands}
    assert codes[("--help",)] == 0 and codes[("biuld",)] == 2
    bad_run = resident.served(["build", str(bad), "-o", str(out)])
    assert bad_run.returncode == 1
    assert f"错误 {bad}:".encode() in bad_run.stderr and "六角括号".encode() in bad_run.stderr


def test_a_served_command_writes_to_the_callers_terminal(resident: Resident) -> None:
    """Standard streams are the caller's own descriptors: on a terminal the command sees a
    terminal (colours, its width), as it would run afresh."""
    import pty

    bad = _bad_notice(resident.work)

    def on_terminal(env: dict[str, str]) -> bytes:
        main, sub = pty.openpty()
        os.set_blocking(main, False)
        done = subprocess.run(
            [sys.executable, "-m", "wenshu", "validate", str(bad)],
            cwd=resident.work,
            env=env | {"COLUMNS": "61"},
            stdin=sub,
            stdout=sub,
            stderr=sub,
            timeout=120,
        )
        os.close(sub)
        data = b""
        try:
            while chunk := os.read(main, 65536):
                data += chunk
        except OSError:  # EIO: the terminal's other end is closed, all read
            pass
        os.close(main)
        return done.returncode.to_bytes(1, "big") + data

    _, before = resident.status()
    served = on_terminal(resident.env)
    assert resident.status()[1] == before + 2
    assert served == on_terminal(resident.env | {"WENSHU_SERVER": "0"})
    assert b"\x1b[31m" in served  # red, as on a terminal


def test_ctrl_c_stops_the_served_command(resident: Resident) -> None:
    """Ctrl-C (SIGINT) to the caller stops the command in the server's child as it stops one
    run afresh: the workbench ends, with the same output and exit code."""
    folder = resident.work / "specs"
    folder.mkdir()

    def interrupted(env: dict[str, str]) -> tuple[int, bytes, bytes]:
        proc = subprocess.Popen(
            [sys.executable, "-m", "wenshu", "serve", str(folder), "--port", "0", "--no-pages"],
            cwd=resident.work,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        assert proc.stdout is not None
        first = proc.stdout.readline()
        assert "文书工作台".encode() in first
        time.sleep(1)  # serving (the line is printed just before)
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=60)
        return proc.returncode, re.sub(rb":\d+/", b":PORT/", first + out), err

    _, before = resident.status()
    served = interrupted(resident.env)
    assert resident.status()[1] == before + 2
    assert served == interrupted(resident.env | {"WENSHU_SERVER": "0"})
    assert served[0] == 0, served


def test_two_commands_at_once_and_a_batch(resident: Resident) -> None:
    """Two callers at once each get their own child; a batch's worker processes fork from it."""
    _, before = resident.status()
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "wenshu", "build", str(NOTICE), "-o", str(resident.work / f"o{i}")],
            cwd=resident.work,
            env=resident.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        for i in range(2)
    ]
    for i, proc in enumerate(procs):
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err.decode()
        assert f"o{i}/cnipa-2023-582.docx".encode() in out
    assert resident.status()[1] == before + 3
    batch = ["batch", str(LETTERS / "recommendations.yaml"), "-o", str(resident.work / "b"), "-j", "2"]
    served, afresh = resident.served(batch), resident.afresh(batch)
    assert served.returncode == 0, served.stderr.decode()
    for done in (served, afresh):  # the time it took is the one line that differs
        done.stdout = re.sub(rb"\d+\.\d \xe7\xa7\x92", b"T", done.stdout)
    assert "已生成　　12 份".encode() in served.stdout
    _same(served, afresh)


def test_changed_code_is_not_served(tmp_path: Path) -> None:
    """wenshu's code changed after the server started (a copy of the package, one module's
    modification time moved): the command runs afresh, with the same output, and that server
    exits."""
    copy = tmp_path / "copy"
    shutil.copytree(SRC / "wenshu", copy / "src" / "wenshu", ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("templates", "schemas", "data"):
        (copy / name).symlink_to(ROOT / name)
    work = tmp_path / "work"
    work.mkdir()
    server = Resident(work, copy / "src")
    try:
        first = server.start()
        args = ["validate", str(NOTICE)]
        served = server.served(args)
        module = copy / "src" / "wenshu" / "layout.py"
        later = module.stat().st_mtime + 10
        os.utime(module, (later, later))
        again = _wenshu(args, server.env, work)
        _same(again, served)
        assert _gone(first), "the stale server still runs"
    finally:
        server.stop()


def test_a_folder_others_may_enter_is_not_used(tmp_path: Path) -> None:
    """A runtime folder that others may enter is refused (a socket there could be another
    user's): `server start` says so in Chinese and fails; commands run afresh, no socket made."""
    runtime = Path(tempfile.mkdtemp(prefix="ws-"))
    try:
        (runtime / "wenshu").mkdir(mode=0o755)
        os.chmod(runtime / "wenshu", 0o755)
        env = _env(runtime, tmp_path)
        start = _wenshu(["server", "start"], env, tmp_path)
        assert start.returncode == 1
        assert "别人也能访问（权限 755，应为 700）".encode() in start.stderr
        built = _wenshu(["validate", str(NOTICE)], env, tmp_path)
        assert built.returncode == 0, built.stderr.decode()
        assert list((runtime / "wenshu").iterdir()) == []
    finally:
        shutil.rmtree(runtime)


def test_the_first_command_starts_a_detached_server(tmp_path: Path) -> None:
    """With no server, a command runs afresh and starts one in the background that holds
    none of its output pipes (capture_output returns at once) and is then found running."""
    server = Resident(tmp_path)
    try:
        assert _status(server.env, tmp_path) is None
        started = time.monotonic()
        done = _wenshu(["validate", str(NOTICE)], server.env, tmp_path)
        assert done.returncode == 0
        assert time.monotonic() - started < 60
        for _ in range(200):  # it imports everything first
            if _status(server.env, tmp_path) is not None:
                break
            time.sleep(0.1)
        pid, _ = server.status()
        assert Path(f"/proc/{pid}").exists()
        _, before = server.status()
        off = server.env | {"WENSHU_SERVER": "0"}
        assert _wenshu(["list"], off, tmp_path).returncode == 0
        assert server.status() == (pid, before + 1)  # WENSHU_SERVER=0: not used, only queried
    finally:
        server.stop()


def test_the_client_imports_no_click() -> None:
    """The entry point tries the server before anything heavy: Click and wenshu's commands are
    imported only when the command runs here."""
    probe = "import sys\nimport wenshu.cli.main, wenshu.cli.resident\nprint(' '.join(sorted(sys.modules)))"
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60)
    loaded = set(done.stdout.split())
    assert "wenshu.cli.resident" in loaded
    assert not loaded & {"click", "wenshu.cli.group", "socket", "json"}, sorted(loaded)


def test_the_server_stamp_sees_a_module_put_before_a_loaded_one(tmp_path: Path, monkeypatch) -> None:
    """A file named as a loaded module, put in a folder on the search path, changes the stamp
    (a command started afresh would import it); any other file written there does not."""
    monkeypatch.syspath_prepend(str(tmp_path))
    files = forkserver.server_files()
    stamp = forkserver.server_stamp(files)
    (tmp_path / "out.docx").write_bytes(b"")
    assert forkserver.server_stamp(files) == stamp
    (tmp_path / "os.py").write_text("", encoding="utf-8")
    assert forkserver.server_stamp(files) != stamp


@pytest.mark.parametrize("ignores_ctrl_c", [False, True])
def test_a_killed_caller_stops_its_command(resident: Resident, ignores_ctrl_c: bool) -> None:
    """The caller killed outright (kill -9: it forwards nothing): the command in the server's
    child sees its connection end and stops — the workbench it ran no longer answers; also
    when the caller ignores SIGINT (a shell script's background job)."""
    import socket

    folder = resident.work / "specs"
    folder.mkdir()
    proc = subprocess.Popen(
        [sys.executable, "-m", "wenshu", "serve", str(folder), "--port", "0", "--no-pages"],
        cwd=resident.work,
        env=resident.env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        preexec_fn=_ignoring(signal.SIGINT) if ignores_ctrl_c else None,
    )
    assert proc.stdout is not None
    port = int(re.search(rb":(\d+)/", proc.stdout.readline())[1])
    socket.create_connection(("127.0.0.1", port), timeout=10).close()  # serving
    proc.kill()
    proc.wait(timeout=30)
    for _ in range(200):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
        except OSError:
            break
        time.sleep(0.05)
    else:
        pytest.fail("the workbench of a killed caller still answers")


def _workbench(resident: Resident, env: dict[str, str], preexec=None) -> tuple[subprocess.Popen[bytes], int]:
    """A workbench (``wenshu serve``: it runs until stopped) started as ``env`` says, and its port
    once it answers."""
    import socket

    folder = resident.work / "specs"
    folder.mkdir(exist_ok=True)
    proc = subprocess.Popen(
        [sys.executable, "-m", "wenshu", "serve", str(folder), "--port", "0", "--no-pages"],
        cwd=resident.work,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        preexec_fn=preexec,
    )
    assert proc.stdout is not None
    port = int(re.search(rb":(\d+)/", proc.stdout.readline())[1])
    socket.create_connection(("127.0.0.1", port), timeout=10).close()  # serving
    return proc, port


def _answers(port: int) -> bool:
    import socket

    try:
        socket.create_connection(("127.0.0.1", port), timeout=5).close()
        return True
    except OSError:
        return False


def _ignoring(*signums: int):
    def preexec() -> None:  # as nohup and trap '' INT leave them for the program they start
        for signum in signums:
            signal.signal(signum, signal.SIG_IGN)

    return preexec


def test_signals_the_caller_ignores_are_ignored_by_the_served_command(resident: Resident) -> None:
    """Under ``nohup`` (SIGHUP ignored) or ``trap '' INT``, the signal does not stop the served
    command, as it does not stop one run afresh; SIGTERM still does, with the same exit code.
    A plain SIGHUP ends both by the signal itself (the shell's 129), not with an internal error."""

    def run(env: dict[str, str]) -> tuple[bool, int | None, int | None]:
        proc, port = _workbench(resident, env, _ignoring(signal.SIGHUP, signal.SIGINT))
        proc.send_signal(signal.SIGHUP)
        proc.send_signal(signal.SIGINT)
        time.sleep(1)
        still = proc.poll() is None and _answers(port)
        proc.send_signal(signal.SIGTERM)
        proc.communicate(timeout=60)  # its stderr: the probes' connections, as they fall
        plain, _ = _workbench(resident, env)
        plain.send_signal(signal.SIGHUP)
        _, hung_up = plain.communicate(timeout=60)
        assert hung_up == b"", hung_up.decode()
        return still, proc.returncode, plain.returncode

    _, before = resident.status()
    served = run(resident.env)
    assert resident.status()[1] == before + 3
    assert served == run(resident.env | {"WENSHU_SERVER": "0"})
    assert served[0] and served[2] == -signal.SIGHUP, served


def _run_with(resident: Resident, args: list[str], preexec, off: bool = False) -> int:
    return subprocess.run(
        [sys.executable, "-m", "wenshu", *args],
        cwd=resident.work,
        env=resident.env | ({"WENSHU_SERVER": "0"} if off else {}),
        capture_output=True,
        timeout=120,
        preexec_fn=preexec,
    ).returncode


def test_a_caller_unlike_the_server_runs_its_command_itself(resident: Resident) -> None:
    """Other groups, a lower resource limit, other CPUs, another niceness or cgroup than the server's: a
    forked child would run with the server's, so the server refuses and the caller runs the
    command itself (the server has no child meanwhile) — the files get the caller's group,
    ``ulimit -f`` stops the build as it does run afresh."""
    import resource

    server, _ = resident.status()

    def served_by_server(preexec) -> bool:
        proc, _ = _workbench(resident, resident.env, preexec)
        try:
            return bool(Path(f"/proc/{server}/task/{server}/children").read_text().split())
        finally:
            proc.send_signal(signal.SIGINT)
            proc.communicate(timeout=60)

    others = {
        "nice": lambda: os.nice(1),
        "limit": lambda: resource.setrlimit(resource.RLIMIT_NOFILE, (512, 512)),
    }
    if len(os.sched_getaffinity(0)) > 1:
        others["affinity"] = lambda: os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    if os.getuid() == 0:
        others["groups"] = lambda: os.setgroups([*os.getgroups(), 12345])
        others["gid"] = lambda: os.setgid(12345)
    # Another cgroup (a CI job's): where this machine lets the test make one (cgroup v1's pids).
    group = Path(f"/sys/fs/cgroup/pids/wenshu-test-{os.getpid()}")
    try:
        group.mkdir()
    except OSError:
        group = None
    if group is not None:
        others["cgroup"] = lambda: (group / "cgroup.procs").write_text("0")
    try:
        assert served_by_server(None)
        for name, preexec in others.items():
            assert not served_by_server(preexec), name
    finally:
        if group is not None:
            group.rmdir()
    small = resource.RLIMIT_FSIZE, (4096, 4096)
    build = ["build", str(NOTICE), "-o", str(resident.work / "small")]
    limited = _run_with(resident, build, lambda: resource.setrlimit(*small))
    assert limited != 0 and limited == _run_with(resident, build, lambda: resource.setrlimit(*small), True)
    if os.getuid() == 0:
        grouped = ["build", str(NOTICE), "-o", str(resident.work / "grouped")]
        assert _run_with(resident, grouped, lambda: os.setgid(12345)) == 0
        assert {p.stat().st_gid for p in (resident.work / "grouped").iterdir()} == {12345}


def test_a_runtime_folder_others_may_write_to_is_not_used(tmp_path: Path) -> None:
    """``XDG_RUNTIME_DIR`` writable by its group (or another user's, kept through ``su``): its
    ``wenshu`` folder is not made or used; the user's own folder in TMPDIR is."""
    runtime = Path(tempfile.mkdtemp(prefix="ws-"))
    private = Path(tempfile.mkdtemp(prefix="ws-"))
    try:
        os.chmod(runtime, 0o770 | 0o020)
        env = _env(runtime, tmp_path) | {"TMPDIR": str(private)}
        start = _wenshu(["server", "start"], env, tmp_path)
        assert start.returncode == 0, start.stderr.decode()
        assert not (runtime / "wenshu").exists()
        assert list((private / f"wenshu-{os.getuid()}").glob("*.sock"))
    finally:
        _wenshu(["server", "stop"], env, tmp_path)
        shutil.rmtree(runtime)
        shutil.rmtree(private)


def test_a_runtime_folder_under_a_folder_others_may_write_to_is_not_used(tmp_path, monkeypatch) -> None:
    """A private folder inside one others may write to (or reached through a link kept in one)
    could be swapped for theirs between the check and the socket's bind or connect, which go
    by the path: neither ``XDG_RUNTIME_DIR`` there nor ``TMPDIR`` there is used."""
    from wenshu.cli.resident import runtime_dir

    open_folder, private = Path(tempfile.mkdtemp(prefix="ws-")), Path(tempfile.mkdtemp(prefix="ws-"))
    try:
        (open_folder / "run").mkdir(mode=0o700)
        (open_folder / "far").mkdir(mode=0o700)
        (open_folder / "far" / "run").mkdir(mode=0o700)
        (private / "via").symlink_to(open_folder / "far")
        monkeypatch.setenv("TMPDIR", str(private))
        for runtime in (open_folder / "run", private / "via" / "run"):
            monkeypatch.setenv("XDG_RUNTIME_DIR", str(runtime))
            os.chmod(open_folder, 0o755)
            assert runtime_dir() == (str(runtime / "wenshu"), "")
            os.chmod(open_folder, 0o777)
            assert runtime_dir() == (str(private / f"wenshu-{os.getuid()}"), "")
            os.chmod(open_folder, 0o1777)  # sticky: what the user made there is theirs to keep
            assert runtime_dir() == (str(runtime / "wenshu"), "")
        monkeypatch.setenv("TMPDIR", str(open_folder / "run"))
        monkeypatch.delenv("XDG_RUNTIME_DIR")
        os.chmod(open_folder, 0o777)
        folder, why = runtime_dir()
        assert folder is None and "别人可以改动" in why
    finally:
        os.chmod(open_folder, 0o700)
        shutil.rmtree(open_folder)
        shutil.rmtree(private)


def _state(pid: int) -> str:
    return Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[0]


def test_ctrl_z_stops_the_served_command_with_its_caller(resident: Resident) -> None:
    """SIGTSTP (Ctrl-Z) stops the caller and the command in the server's child (it would go on
    writing to the terminal); SIGCONT (fg, bg) continues both."""
    server, _ = resident.status()
    proc, port = _workbench(resident, resident.env)
    children = Path(f"/proc/{server}/task/{server}/children").read_text().split()
    assert len(children) == 1
    child = int(children[0])
    try:
        proc.send_signal(signal.SIGTSTP)
        for _ in range(100):
            if _state(proc.pid) == "T" and _state(child) == "T":
                break
            time.sleep(0.05)
        assert (_state(proc.pid), _state(child)) == ("T", "T")
        proc.send_signal(signal.SIGCONT)
        for _ in range(100):
            if _state(child) != "T":
                break
            time.sleep(0.05)
        assert _state(child) != "T" and _answers(port)
    finally:
        proc.send_signal(signal.SIGCONT)
        proc.send_signal(signal.SIGINT)
        out, _ = proc.communicate(timeout=60)
    # Ctrl+C then stops the workbench as it stops one never stopped: said, exit code 0
    assert proc.returncode == 0 and "文书工作台已停止" in out.decode(), out
