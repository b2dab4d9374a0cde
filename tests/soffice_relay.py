"""The test suite's soffice: hands each conversion to one LibreOffice kept running per test worker.

Starting LibreOffice costs about two CPU seconds (loading the office suite, making a fresh
profile) and the render tests start it about a hundred times, while converting one of their
small documents costs a fraction of a second. tests/conftest.py points ``WENSHU_SOFFICE`` at
this program (through a small launcher), so wenshu runs it wherever it would run soffice,
with the same arguments. It runs the real soffice with the worker's profile in place of the
fresh one wenshu made: soffice finds LibreOffice already running on that profile (started here
on first use, with the same settings and fonts wenshu gives its own), passes it the files and
waits until it has written them — the page is laid out by the same LibreOffice, profile
settings (:data:`wenshu.office.libreoffice.PROFILE_SETTINGS`) and fonts as in a run of its own.

Only one conversion at a time goes to the running LibreOffice (a lock): a second one at the
same time (a batch's second share, laid out side by side) runs as wenshu asked, in a
LibreOffice of its own. Tests of how wenshu runs LibreOffice itself (its process, timeouts,
what a hostile file may make it do) are marked ``own_office`` and do not come here.

Usage: ``soffice_relay.py CONFIG_DIR SOFFICE-ARGUMENTS...``; CONFIG_DIR holds config.json
(written by :func:`shared_soffice`) and the lock, the running LibreOffice's process id and its
profile. Run as a program it uses the standard library only: it starts with ``python -S``.

The LibreOffice ends with the worker's session (:func:`shared_soffice`), and with the worker
however it ends — killed with SIGKILL too, as when a CI run is stopped: a watchdog
(:class:`wenshu.office.watchdog.Watchdog`) kills it when the worker's end of a pipe closes.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import shlex
import socket
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

PROFILE_OPTION = "-env:UserInstallation="
# LibreOffice makes the socket of an --accept pipe in /tmp (/var/tmp if that is not
# writable), named for the user; it accepts there once it takes requests from other soffice runs.
PIPE_FOLDERS = ("/tmp", "/var/tmp")
START_SECONDS = 120


def accepting(name: str) -> bool:
    """Whether a LibreOffice is running and accepting on the pipe ``name``."""
    for folder in PIPE_FOLDERS:
        with socket.socket(socket.AF_UNIX) as probe:
            try:
                probe.connect(f"{folder}/OSL_PIPE_{os.getuid()}_{name}")
            except OSError:
                continue
            return True
    return False


def _record(path: str, pid: int) -> None:
    """Add ``pid`` to the process groups the watchdog kills at the end, dropping those already
    gone: an id kept after its group ended could be another program's by then."""

    def alive(group: int) -> bool:
        try:
            os.killpg(group, 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            return False  # another user's by now
        return True

    try:
        with open(path, encoding="ascii") as pids:
            kept = [int(line) for line in pids if line.strip().isdigit() and alive(int(line))]
    except FileNotFoundError:
        kept = []
    with open(path, "w", encoding="ascii") as pids:
        pids.write("".join(f"{group}\n" for group in [*kept, pid]))


def start(config: dict[str, str], folder: str) -> str | None:
    """Start the worker's LibreOffice; the name of its pipe once it accepts, or None if it
    does not within :data:`START_SECONDS` (it is then ended)."""
    import subprocess

    name = f"wenshu-tests-{os.getpid()}-{time.time_ns()}"
    keep = os.path.join(folder, "keep.txt")  # an open document keeps LibreOffice running
    open(keep, "w").close()
    env = {**os.environ, **config["env"]}
    process = subprocess.Popen(
        [config["soffice"], config["profile"], "--headless", "--invisible", "--nologo", "--norestore",
         "--nolockcheck", f"--accept=pipe,name={name};urp;", keep],
        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env,
        cwd=folder, start_new_session=True,
    )  # fmt: skip
    _record(os.path.join(folder, "pids"), process.pid)
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline and process.poll() is None:
        if accepting(name):
            with open(os.path.join(folder, "pipe"), "w", encoding="ascii") as pipe:
                pipe.write(name)
            return name
        time.sleep(0.1)
    os.killpg(process.pid, 9)
    return None


@contextlib.contextmanager
def shared_soffice(real: str, *, fresh: bool = False) -> Iterator[Path]:
    """A launcher (a shell script) running this relay over a folder of its own, for the ``with``
    block: the soffice to give wenshu. Its profile holds wenshu's settings, or none if
    ``fresh`` (LibreOffice as installed). The LibreOffice it starts and the folder are removed at
    the end of the block, or by the watchdog when this process dies without ending it."""
    from wenshu.office.libreoffice import PROFILE_SETTINGS, write_fontconfig
    from wenshu.office.watchdog import Watchdog

    folder = Path(tempfile.mkdtemp(prefix="wenshu-tests-office-"))
    # Each LibreOffice the relay started, in its own session; the socket it accepted on,
    # left behind when it is killed; then the folder.
    end = Watchdog(
        f"cd {shlex.quote(str(folder))} &&"
        " for pid in $(cat pids 2>/dev/null); do kill -9 -$pid 2>/dev/null; done;"
        f' [ -f pipe ] && rm -f "{PIPE_FOLDERS[0]}/OSL_PIPE_{os.getuid()}_$(cat pipe)";'
        f" cd / && rm -rf -- {shlex.quote(str(folder))}"
    )
    try:
        profile = folder / "profile"
        (profile / "user").mkdir(parents=True)
        if not fresh:
            (profile / "user" / "registrymodifications.xcu").write_text(PROFILE_SETTINGS, encoding="utf-8")
        (folder / "tmp").mkdir()
        # What wenshu gives each LibreOffice it runs (office/libreoffice.py): its fonts, a
        # folder of its own for temporary files.
        env = {"FONTCONFIG_FILE": str(write_fontconfig(folder)), "PATH": os.environ.get("PATH", os.defpath)}
        env |= {name: str(folder / "tmp") for name in ("TMPDIR", "TMP", "TEMP")}
        config = {"soffice": real, "profile": f"{PROFILE_OPTION}{profile.as_uri()}", "env": env}
        (folder / "config.json").write_text(json.dumps(config), encoding="utf-8")
        launcher = folder / "soffice"
        launcher.write_text(
            f"#!/bin/sh\nexec {shlex.quote(sys.executable)} -S {shlex.quote(str(Path(__file__)))} "
            f'{shlex.quote(str(folder))} "$@"\n',
            encoding="utf-8",
        )
        launcher.chmod(0o700)
        yield launcher
    finally:
        end.fire()


def main(folder: str, args: list[str]) -> None:
    with open(os.path.join(folder, "config.json"), encoding="utf-8") as fh:
        config = json.load(fh)
    lock = os.open(os.path.join(folder, "lock"), os.O_WRONLY | os.O_CREAT, 0o600)
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:  # the running LibreOffice is busy: a LibreOffice of its own
        os.execv(config["soffice"], [config["soffice"], *args])
    try:
        with open(os.path.join(folder, "pipe"), encoding="ascii") as fh:
            running = accepting(fh.read())
    except FileNotFoundError:
        running = False
    if not running and (os.path.exists(os.path.join(folder, "failed")) or not start(config, folder)):
        open(os.path.join(folder, "failed"), "w").close()  # a mark: start no more
        os.close(lock)
        os.execv(config["soffice"], [config["soffice"], *args])
    # The lock stays held (the descriptor passes to soffice) until soffice has handed the
    # files over and LibreOffice has converted them.
    os.set_inheritable(lock, True)
    given = [config["profile"] if a.startswith(PROFILE_OPTION) else a for a in args]
    os.execv(config["soffice"], [config["soffice"], *given])


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2:])
