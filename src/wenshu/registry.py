"""Named entries a schema (or a template) refers to by name, and the one did-you-mean.

Rules under ``checks:``, warnings under ``advice:``, a kind's ``compose:`` step, a batch's
``checks:`` and the templates' filters are each a :class:`Registry`: entries register under
the name the YAML uses, and a name no entry has is a clear error naming the file that
wrote it, with the closest name offered.
"""

from __future__ import annotations

import importlib
import threading
from collections.abc import Callable, Iterable, Iterator
from typing import Generic, TypeVar

from wenshu.errors import Problem, WenshuError

T = TypeVar("T")

#: How close a misspelling must be to be offered (difflib's ratio). Chinese names are
#: short, so one wrong character of four (0.75) or a dropped one of three (0.8) must pass;
#: below a half the guess is more often wrong than right.
CUTOFF = 0.5


def close_match(word: str, choices: Iterable[str]) -> str | None:
    """The choice closest to ``word`` (after stripping spaces), if any is close enough."""
    import difflib  # only a misspelling pays for it

    close = difflib.get_close_matches(word.strip(), list(choices), n=1, cutoff=CUTOFF)
    return close[0] if close else None


def did_you_mean(word: str, choices: Iterable[str], shown: str = "“{}”") -> str:
    """“，是否想写“…”？” with the choice closest to ``word``, or an empty string.

    ``shown`` frames the choice (``"{{{}}}"`` for a field placeholder ``{applicant}``).
    """
    close = close_match(word, choices)
    return f"，是否想写{shown.format(close)}？" if close else ""


# Held while a registry imports its providers; reentrant, as a provider's import may ask a
# registry for its names.
_LOADING = threading.RLock()


class Registry(Generic[T]):
    """Entries by name, each registered once, looked up with a clear error.

    Entries registered by modules other than the registry's own (its providers, named by
    :meth:`provided_by`) are loaded the first time a name is not found or all of them are
    wanted: a command whose kinds use only the registry module's entries does not import the
    others (the annex kinds' rules bring the catalogues, ~15 ms of a notice's cold build)."""

    def __init__(self, what: str) -> None:
        """``what`` says in Chinese what the entries are (检查规则, 警告 …), for messages."""
        self.what = what
        self._entries: dict[str, T] = {}
        self._providers: tuple[str, ...] = ()

    def provided_by(self, *modules: str) -> None:
        """Name other modules that register entries here, imported when first needed.

        A provider imports the registry's module to register, so the registry's module
        cannot name it without an import cycle: the module above both that uses the entries
        names the providers (``tests/test_import_graph.py`` counts these names as imports)."""
        self._providers += modules

    def _all(self) -> dict[str, T]:
        """Every entry, the providers' modules imported first (by one thread: another asking
        meanwhile, as the workbench's requests may, waits until all of them are in)."""
        if self._providers:
            with _LOADING:
                for module in self._providers:
                    importlib.import_module(module)
                self._providers = ()
        return self._entries

    def _has(self, name: object) -> bool:
        try:
            return name in self._entries or name in self._all()
        except TypeError:  # an unhashable name (a list written where a name goes)
            return False

    def register(self, name: str) -> Callable[[T], T]:
        """Decorator: register the function under ``name``."""

        def add(entry: T) -> T:
            self.add(name, entry)
            return entry

        return add

    def add(self, name: str, entry: T) -> None:
        """Register ``entry`` under ``name``; a name is registered once only."""
        if name in self._entries:
            raise ValueError(f"{self.what} {name!r} registered twice")
        self._entries[name] = entry

    def get(self, name: str, source: str) -> T:
        """The entry called ``name``, which ``source`` (a file) asked for; else a located
        error with the closest name and every name there is."""
        if not self._has(name):
            raise WenshuError(Problem(source, self.unknown(str(name))))
        return self._entries[name]

    def problems(self, names: Iterable[str], source: str) -> list[Problem]:
        """A located problem for each of ``names`` (which ``source`` uses) no entry has."""
        return [Problem(source, self.unknown(str(n))) for n in names if not self._has(n)]

    def unknown(self, name: str) -> str:
        """Why ``name`` is not accepted, with a did-you-mean and the names there are."""
        hint = did_you_mean(name, self._all())
        return f"未知的{self.what}“{name}”{hint}；可用：{'、'.join(self.names())}"

    def names(self) -> list[str]:
        """Every registered name, sorted."""
        return sorted(self._all())

    def items(self) -> Iterator[tuple[str, T]]:
        """(name, entry) pairs in the order registered."""
        return iter(self._all().items())

    def __contains__(self, name: object) -> bool:
        return self._has(name)
