"""The ``wenshu`` command's entry point: the resident process first, then the Click group.

:data:`main` is what the console script and ``python -m wenshu`` call. Before Click or
anything of wenshu's is imported, it offers the command line to the user's resident
process (:mod:`wenshu.cli.resident`), which runs it already warm; when there is none, or
it refuses, the command runs here as always, with the group :data:`wenshu.cli.commands.cli`.
Everything else about :data:`main` is that group's (``CliRunner().invoke(main, …)``,
``main.commands``), loaded on first use.
"""

from __future__ import annotations

import sys

# typing costs a third of what the client does before it hands a command over: only for
# type checkers (the annotations are strings).
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


class Entry:
    """The ``wenshu`` command: called as the program (no arguments), it runs ``sys.argv`` in the
    resident process if it can; otherwise, and for every other use, it is the Click group."""

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        if not args and not kwargs:
            from wenshu.cli.resident import run

            code = run(sys.argv)
            if code is not None:
                sys.exit(code)
        return _group()(*args, **kwargs)

    def __getattr__(self, name: str) -> Any:
        return getattr(_group(), name)


def _group() -> Any:
    from wenshu.cli.commands import cli

    return cli


#: The ``wenshu`` command (``[project.scripts]`` names it).
main = Entry()
