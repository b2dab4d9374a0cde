"""Document kinds are data: each is ``schemas/<kind>.yaml`` naming its template.

Adding a kind needs no Python: a schema, a template and an example (docs/architecture.md,
“新增一个文种”; tests/test_kinds_as_data.py defines one from data files alone)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache, cached_property
from typing import Any

from wenshu.errors import Problem, WenshuError
from wenshu.registry import did_you_mean
from wenshu.resources import read_yaml_resource, resource_dir
from wenshu.spec.load import Path_, load_spec, select

COMMON = "_common"
#: The shared definition of one block (schemas/_common.yaml): a list whose items follow it is
#: a list of blocks — paragraphs, numbered headings, tables — wherever a schema puts it.
BLOCK = "block"
#: What a kind's specs are to a round's checks, as its schema says under ``round:``.
CATEGORIES, QUOTAS, LIST, RECOMMENDATIONS, NOTICE = (
    "categories",
    "quotas",
    "list",
    "recommendations",
    "notice",
)
ROLES = (CATEGORIES, QUOTAS, LIST, RECOMMENDATIONS, NOTICE)


@dataclass(frozen=True)
class Kind:
    """A document kind: its name, Chinese label, template and Cerberus schema."""

    name: str
    label: str
    description: str
    template: str
    schema: dict[str, Any]
    compose: str | None = None  # the step building its page (wenshu.compose.annexes.COMPOSERS)
    checks: tuple[tuple[str, Any], ...] = ()
    advice: tuple[tuple[str, Any], ...] = ()  # warnings (wenshu.rules.advice), by name with their argument
    round_role: str | None = None  # what its specs are to a round's checks (one of ROLES)
    batch: dict[str, Any] = field(default_factory=dict)  # the ``batch:`` section, for letters
    reading: dict[str, Any] = field(default_factory=dict)  # the ``import:`` outline (wenshu.importing.kinds)

    @cached_property
    def source(self) -> str:
        """The schema file, as messages about what it says name it."""
        return str(resource_dir("schemas") / f"{self.name}.yaml")

    @cached_property
    def block_lists(self) -> tuple[tuple[str, int], ...]:
        """Where this kind's specs hold lists of blocks (a notice's ``body``, a letter's
        ``summary``, an attachment's ``body`` …), as its schema says: each a dotted pattern
        (``attachments.*.body``, as :func:`~wenshu.spec.load.select` reads it) and the level
        the list's own headings take in the template — the field's ``meta: {depth: N}``,
        default 1 (一、), 2 for a list printed under a heading of the template's own (（一）)."""
        return tuple(_block_lists(self.schema, "", frozenset()))

    def blocks_in(self, document: dict[str, Any]) -> Iterator[tuple[Path_, list[Any], int]]:
        """Each list of blocks ``document`` holds: (path, the list, the level of its headings)."""
        for pattern, depth in self.block_lists:
            for path, value in select(document, pattern):
                if isinstance(value, list):
                    yield path, value, depth


def _is_list(rule: dict[str, Any]) -> bool:
    kinds = rule.get("type")
    return kinds == "list" or (isinstance(kinds, list) and "list" in kinds)


def _block_lists(schema: dict[str, Any], path: str, seen: frozenset[str]) -> Iterator[tuple[str, int]]:
    """The block lists under the fields of ``schema`` (see :attr:`Kind.block_lists`);
    a shared definition it names (``schema: attachment``) is followed, once on each path."""
    for name, rule in schema.items():
        if isinstance(rule, dict):
            yield from _block_lists_of(rule, f"{path}.{name}" if path else name, seen)


def _block_lists_of(rule: dict[str, Any], path: str, seen: frozenset[str]) -> Iterator[tuple[str, int]]:
    inner = rule.get("schema")
    if _is_list(rule) and isinstance(inner, dict):
        if inner.get("schema") == BLOCK:
            yield path, int((rule.get("meta") or {}).get("depth", 1))
        else:
            yield from _block_lists_of(inner, f"{path}.*", seen)
    elif isinstance(inner, str) and inner != BLOCK and inner not in seen and inner in definitions():
        yield from _block_lists(definitions()[inner], path, seen | {inner})
    elif isinstance(inner, dict):
        yield from _block_lists(inner, path, seen)


def _read(name: str) -> dict[str, Any]:
    return read_yaml_resource(resource_dir("schemas") / f"{name}.yaml")


@cache
def definitions() -> dict[str, dict[str, Any]]:
    """Shared schema definitions (block, table, attachment …) by name."""
    return _read(COMMON)


def kind_names() -> list[str]:
    """The name of every kind in the schemas folder, without reading any schema."""
    return sorted(p.stem for p in resource_dir("schemas").glob("*.yaml") if p.stem != COMMON)


@cache
def get_kind(name: str) -> Kind | None:
    """The kind called ``name``, reading only its own schema (None if there is none).

    A schema is read from the resource cache when unchanged; still, a build or batch of
    one kind should not pay for all of them.
    """
    if name == COMMON or name not in kind_names():
        return None
    raw = _read(name)
    _check_sections(name, raw)
    role = raw.get("round")
    if role is not None and role not in ROLES:
        where = str(resource_dir("schemas") / f"{name}.yaml")
        hint = did_you_mean(str(role), ROLES)
        raise WenshuError(Problem(where, f"未知的一轮中的角色 round: {role}{hint}；可用：{'、'.join(ROLES)}"))
    return Kind(
        name=name,
        label=raw["label"],
        description=raw.get("description", ""),
        template=raw["template"],
        schema=raw["schema"],
        compose=raw.get("compose"),
        checks=tuple((c, a) for item in raw.get("checks", []) for c, a in item.items()),
        advice=tuple((c, a) for item in raw.get("advice", []) for c, a in item.items()),
        round_role=raw.get("round"),
        batch=raw.get("batch") or {},
        reading=raw.get("import") or {},
    )


#: The sections a kind's schema file has: those it must have, then those it may.
REQUIRED_SECTIONS = {
    "label": "文种的中文名",
    "template": "模板路径（相对于 templates/）",
    "schema": "字段的 Cerberus 模式",
}
OPTIONAL_SECTIONS = ("description", "compose", "checks", "advice", "round", "batch", "import")


def _check_sections(name: str, raw: Any) -> None:
    """A schema file missing a section the kind needs, or with one wenshu does not know (a
    typo such as ``lable``), is said at its line instead of failing inside wenshu."""
    where = str(resource_dir("schemas") / f"{name}.yaml")
    if not isinstance(raw, dict):
        raise WenshuError(Problem(where, "模式文件应为映射（label、template、schema ……）"))
    known = (*REQUIRED_SECTIONS, *OPTIONAL_SECTIONS)
    unknown = [k for k in raw if k not in known]
    missing = [k for k in REQUIRED_SECTIONS if k not in raw]
    if not unknown and not missing:
        return
    located = load_spec(where)  # only now: the positions of a file that is wrong
    problems = [
        located.problem(
            (key,), f"未知的键“{key}”{did_you_mean(str(key), known)}；可用：{'、'.join(known)}", key=True
        )
        for key in unknown
    ]
    problems += [Problem(where, f"缺少 {key}（{REQUIRED_SECTIONS[key]}）", 1, 1, key) for key in missing]
    raise WenshuError(problems)


def all_kinds() -> dict[str, Kind]:
    """Every kind found in the schemas folder, by name."""
    return {name: kind for name in kind_names() if (kind := get_kind(name)) is not None}


def choice_names(rule: dict[str, Any]) -> dict[str, str]:
    """The Chinese names of a coded field's values, as its schema gives them in
    ``meta: {choices: {city: 城市, county: 县（市、区）}}`` (empty when it gives none)."""
    return (rule.get("meta") or {}).get("choices") or {}


def choices_text(rule: dict[str, Any]) -> str:
    """A coded field's values with their names — “city＝城市；county＝县（市、区）” — for help
    lines and messages; the bare values where the schema names none."""
    names = choice_names(rule)
    return "；".join(f"{v}＝{names[v]}" if v in names else str(v) for v in rule.get("allowed", []))


def help_text(rule: dict[str, Any]) -> str:
    """A field's help as the form and ``wenshu schema`` show it: its named values, then its help."""
    help_ = (rule.get("meta") or {}).get("help") or ""
    named = choices_text(rule) if choice_names(rule) else ""
    return "；".join(part for part in (named, help_) if part)


def code_named(rule: dict[str, Any], written: str) -> str | None:
    """The value a user meant by writing its Chinese name (``县`` for ``county``), or None.

    A name is matched whole or by its part before a bracket (``县`` in ``县（市、区）``)."""
    for value, name in choice_names(rule).items():
        if written and written in (name, name.split("（")[0]):
            return value
    return None
