"""A watchdog that ends what wenshu started when wenshu itself ends, however it ends.

LibreOffice runs in a session of its own (a Ctrl-C reaches wenshu, which ends it in order, and
its whole process group can be killed: soffice starts soffice.bin). wenshu killed outright —
SIGKILL, a CI job stopped, a second Ctrl-C during its clean-up — runs no clean-up, and the
orphaned LibreOffice would go on converting (for ever, on a file that hangs it) with its
profile and temporary folders left behind. Linux's ``PR_SET_PDEATHSIG`` would not reach it:
soffice's launcher (oosplash) forks soffice.bin, and a forked child does not inherit it.

A pipe does: the watchdog (``/bin/sh``, in a session of its own so that neither a terminal's
signals nor a kill of wenshu's process group reach it) blocks reading a pipe whose only writer
is wenshu. However wenshu ends, the kernel closes its end, the read returns end of file and
the watchdog runs its command. Dismissed (a line written), it exits doing nothing. POSIX only;
elsewhere it does nothing.
"""

from __future__ import annotations

import os
import subprocess


class Watchdog:
    """Runs the shell ``command`` once this process has ended, unless :meth:`dismiss` is called
    first; :meth:`fire` runs it now. Waiting costs the watchdog nothing (a blocked read)."""

    def __init__(self, command: str) -> None:
        self._process: subprocess.Popen[bytes] | None = None
        self._write: int | None = None
        if os.name != "posix":
            return
        try:
            read, write = os.pipe()  # neither end passes to other children (close_fds)
        except OSError:  # (out of file descriptors): nothing watches, as before
            return
        try:
            self._process = subprocess.Popen(
                ["/bin/sh", "-c", f"read -r _ || {{ {command}\n}}"],
                stdin=read,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                start_new_session=True,
            )
            self._write = write
        except OSError:  # no /bin/sh: nothing watches, as before
            os.close(write)
        finally:
            os.close(read)

    def dismiss(self) -> None:
        """Let the watchdog go without running its command."""
        self._end(b"\n")

    def fire(self) -> None:
        """Run the command now, and wait until it has run."""
        self._end(b"")

    def _end(self, line: bytes) -> None:
        if self._write is None or self._process is None:
            return
        try:
            if line:
                os.write(self._write, line)
        except OSError:  # the watchdog is gone (killed by someone): nothing left to dismiss
            pass
        finally:
            os.close(self._write)
            self._write = None
            self._process.wait()
