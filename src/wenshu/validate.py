"""Validate a loaded spec: Cerberus schema, value formats, block structure, domain rules.

Every problem is collected (not just the first) and reported in Chinese with the file,
line, column and field it concerns.
"""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
import json
import math
import re
import unicodedata
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from pathlib import Path
from typing import Any

import cerberus
from cerberus import errors as cerr
from cerberus.schema import DefinitionSchema, SchemaError, SchemaRegistry

from wenshu.compose.attachments import attachment_files
from wenshu.errors import Problem, WenshuError, excerpt
from wenshu.registry import close_match, did_you_mean
from wenshu.resources import cache_dir, read_cache_file, write_cache_file
from wenshu.rules.advice import ADVICE
from wenshu.rules.checks import CHECKS, run_check
from wenshu.rules.context import Context
from wenshu.spec import PLACEHOLDER
from wenshu.spec.kinds import (
    Kind,
    choice_names,
    choices_text,
    code_named,
    definitions,
    get_kind,
    kind_names,
)
from wenshu.spec.load import (
    BIDI_CONTROLS,
    Path_,
    PerBatch,
    Spec,
    bidi_name,
    field_name,
    fresh_copy,
    iter_strings,
    load_spec,
)
from wenshu.spec.pictures import is_picture_path, load_pictures
from wenshu.text.dates import DateError, format_cn_date, parse_date
from wenshu.text.docnumber import DocNumberError, parse_doc_number
from wenshu.text.numbering import FORMS, MAX_CHINESE_NUMBER, MAX_DEPTH, written_ordinal
from wenshu.text.punctuation import CJK, punctuation_problem

# The rules and warnings the letters' and the catalogue's modules register: named here, above
# rules/ (the registries naming the modules that import them would be an import cycle), and
# imported only when a schema names one (a notice's build does not import the catalogues).
CHECKS.provided_by("wenshu.rules.letters", "wenshu.rules.categories")
ADVICE.provided_by("wenshu.rules.categories")

_TYPE_NAMES = {
    "string": "文字",
    "integer": "整数",
    "float": "小数",
    "number": "数字",
    "boolean": "true 或 false",
    "list": "列表",
    "dict": "“字段: 值”映射",
    "date": "日期",
    "cn_date": "日期（如 2023-07-18）",
    "doc_number": "发文字号文字",
}


def _checked_once(self: DefinitionSchema, schema: Any = None) -> None:
    """``DefinitionSchema.validate``, remembering valid schemas by ``repr``.

    Cerberus re-checks every schema fragment it meets while normalising a document, and
    recognises fragments it has checked by a hash it computes in Python over the whole
    nested rule set — 60 % of validating a letter. ``repr`` is computed in C and is equal
    only for equal rule sets, so this checks exactly what Cerberus checks, once.
    """
    if schema is None:
        schema = self.schema
    key = ("wenshu", repr(schema), id(self.validator.types_mapping))
    if key not in self.validator._valid_schemas:
        self._validate(schema)
        self.validator._valid_schemas.add(key)


# Cerberus makes its DefinitionSchema by name inside the validator module: there is no
# subclass to give it, so the method is replaced once, here, where every validation in
# wenshu (a file, a folder, a batch and its worker processes, the workbench) comes through.
DefinitionSchema.validate = _checked_once  # type: ignore[method-assign]


#: Errors one Cerberus validator (the document, or one mapping or list in it) keeps. Cerberus
#: sorts all it holds, and its error tree, on each error added: a notice's body of 4,000 items
#: each with an unknown field took 85 CPU-s, a spec of 20,000 unknown keys (200 KB) a quarter
#: of an hour. Past this many a document is invalid all the same; the problems end with a
#: note that more were left out.
MAX_ERRORS_KEPT = 100
# Set when a validator left an error out; read (and cleared) with the problems.
_ERRORS_LEFT_OUT: ContextVar[bool] = ContextVar("wenshu_errors_left_out", default=False)


def _at_placeholder(error: Any) -> bool:
    """Whether a Cerberus error (a group's: all of its errors) stands at a 【待补】."""
    if error.is_group_error:
        return all(_at_placeholder(child) for child in error.child_errors)
    return isinstance(error.value, str) and PLACEHOLDER in error.value


class SpecValidator(cerberus.Validator):
    """Cerberus with wenshu's value types and cross-field rules."""

    types_mapping = cerberus.Validator.types_mapping.copy()
    types_mapping["doc_number"] = cerberus.TypeDefinition("doc_number", (str,), ())
    types_mapping["cn_date"] = cerberus.TypeDefinition("cn_date", (str, dt.date), ())
    # YAML reads true/yes as a boolean, which Python counts as the integer 1: a count, a limit
    # or a year written so is refused, as Cerberus's ``number`` already refuses it.
    types_mapping["integer"] = cerberus.TypeDefinition("integer", (int,), (bool,))

    def _validate_type(self, data_type: Any, field: str, value: Any) -> None:
        # A number is a finite one: YAML's .nan and .inf are floats, which no field takes (a
        # figure that is none can be neither written nor compared, and stopped the build at a
        # template's line). Said as a wrong type, as for any other value that is no number.
        if data_type and isinstance(value, float) and not math.isfinite(value):
            self._error(field, cerberus.errors.BAD_TYPE)
            self._drop_remaining_rules()
            return
        super()._validate_type(data_type, field, value)

    _validate_type.__doc__ = cerberus.Validator._validate_type.__doc__

    def _error(self, *args: Any) -> None:
        """Cerberus's, keeping at most :data:`MAX_ERRORS_KEPT` errors (every error comes here
        as a list of them, its one argument, in the end). Errors at a 【待补】 are not counted:
        a draft may hold hundreds, and they are set aside later, not reported as errors."""
        if len(args) == 1:
            counted = sum(not _at_placeholder(error) for error in args[0])
            # Counted per list of errors: Cerberus starts a new one for each document checked.
            of, kept = getattr(self, "_errors_counted", (None, 0))
            kept = kept if of is self._errors else 0
            if counted and kept >= MAX_ERRORS_KEPT:
                _ERRORS_LEFT_OUT.set(True)
                return
            self._errors_counted = (self._errors, kept + counted)
        super()._error(*args)

    def _validate_not_before(self, other: str, field: str, value: Any) -> None:
        """{'type': 'string'}"""
        try:
            mine, theirs = parse_date(value), parse_date(self.root_document.get(other))
        except DateError:
            return  # the malformed date is reported by its own check
        if mine < theirs:
            self._error(field, f"不得早于 {other}（{theirs.year}年{theirs.month}月{theirs.day}日）")


def schema_registry() -> SchemaRegistry:
    """The shared schema definitions (schemas/definitions.yaml), registered for Cerberus."""
    registry = SchemaRegistry()
    for name, schema in definitions().items():
        registry.add(name, schema)
    return registry


_VALIDATORS: dict[tuple[str, int], SpecValidator] = {}


class CheckedSchema(DefinitionSchema):
    """A schema Cerberus has already found valid: expanded as usual, not checked again.

    Checking a kind's schema against Cerberus's rules costs ~20 ms when the validator is
    made, and again for each field while normalising (Cerberus copies the schema and checks
    every field it sets back). The check's outcome depends only on the schema, the shared
    definitions and the validator's rules, so it is made once per version of those and
    remembered (:func:`schema_of`).
    """

    def validate(self, schema: Any = None) -> None:
        """Nothing to do: this schema passed :meth:`DefinitionSchema.validate` before."""


def schema_of(validator: SpecValidator, kind: Kind) -> DefinitionSchema:
    """The kind's schema for ``validator``, checked by Cerberus unless this very schema (with
    the same definitions, validator rules and Cerberus) passed the check before: a marker
    named by their digest in the user cache says so. Without a cache it is always checked."""
    facts = json.dumps(
        [cerberus.__version__, kind.schema, definitions(), repr(SpecValidator.validation_rules)],
        sort_keys=True,
        ensure_ascii=False,
        default=repr,
    )
    folder = cache_dir()
    digest = hashlib.sha256(facts.encode()).hexdigest()[:32]
    marker = folder / "checked-schemas" / digest if folder else None
    # The marker holds the digest it is named by: a damaged one is not taken for a check.
    if marker is not None and read_cache_file(marker) == digest.encode():
        return CheckedSchema(validator, kind.schema)
    try:
        DefinitionSchema(validator, kind.schema)
    except SchemaError as exc:
        raise WenshuError(_schema_problems(kind, validator, exc)) from None
    if marker is not None:
        write_cache_file(marker, digest.encode())  # an unwritable cache: the next run checks again
    return CheckedSchema(validator, kind.schema)


def _schema_problems(kind: Kind, validator: SpecValidator, error: SchemaError) -> list[Problem]:
    """What Cerberus found wrong in a kind's schema, in Chinese at the schema file's lines: the
    clerk who wrote the schema fixes it there (a typed rule name, an unknown type)."""
    found: list[tuple[Path_, str]] = []

    def walk(tree: Any, path: Path_) -> None:
        if isinstance(tree, dict):
            for key, value in tree.items():
                if str(key).startswith("anyof definition"):
                    if key == "anyof definition 0":  # ``schema:`` read as a mapping of fields
                        walk(value, path)
                else:
                    walk(value, path + (key,))
        elif isinstance(tree, list):
            for item in tree:
                walk(item, path)
        elif tree != "no definitions validate":
            found.append((path, str(tree)))

    walk(error.args[0] if error.args else {}, ("schema",))
    try:
        located = load_spec(Path(kind.source))
    except WenshuError:
        located = None
    rules = sorted(validator.validation_rules)
    types = sorted(validator.types_mapping)
    problems = []
    for path, message in found or [(("schema",), str(error))]:
        if message == "unknown rule":
            said = f"未知的模式规则“{path[-1]}”{did_you_mean(str(path[-1]), rules)}"
        elif message.startswith("Unsupported types: "):
            named = message.removeprefix("Unsupported types: ")
            said = f"未知的类型“{named}”{did_you_mean(named, types)}；可用：{'、'.join(types)}"
        else:
            said = f"模式写法有误（Cerberus：{message}）"
        if located is not None:
            problems.append(located.problem(path, said, key=message == "unknown rule"))
        else:
            problems.append(Problem(kind.source, said, field=field_name(path)))
    return problems


def validator_for(kind: Kind) -> SpecValidator:
    """The kind's validator, made once per process (a batch validates thousands of documents
    of one kind); its schema is checked once per version (:func:`schema_of`). Each
    ``validate`` call starts afresh."""
    key = (kind.name, id(kind.schema))
    if key not in _VALIDATORS:
        validator = SpecValidator(schema_registry=schema_registry())
        validator.schema = schema_of(validator, kind)
        _VALIDATORS[key] = validator
    return _VALIDATORS[key]


# Cerberus rules that change the document rather than check it.
_NORMALISING = {"coerce", "default", "default_setter", "rename", "rename_handler", "purge_unknown"}
# … and those of them whose effect reaches other fields (a rename onto a field a record sets,
# a default computed from the document).
_ACROSS_FIELDS = {"default_setter", "rename", "rename_handler"}
# Per batch spec and kind: its shared fields normalised, the sets of own fields with which a
# spec has passed the whole check (see layered_document), and the shared fields' values as
# the value checks leave them, by field, where those checks found nothing (see
# _layered_value_problems; None where they found something).
_SHARED_NORMALISED: PerBatch[
    tuple[dict[str, Any] | None, set[frozenset[str]], dict[str, tuple[bool, Any] | None]]
] = PerBatch()


def _normalises(rule: Any, rules: set[str] = _NORMALISING, seen: frozenset[str] = frozenset()) -> bool:
    """Does ``rule`` (with its sub-schemas, named ones resolved) use any of ``rules``?"""
    if isinstance(rule, list):
        return any(_normalises(r, rules, seen) for r in rule)
    if not isinstance(rule, dict):
        return False
    for key, value in rule.items():
        if key in rules:
            return True
        if key == "schema" and isinstance(value, str):
            if value not in seen and _normalises(_resolve(value), rules, seen | {value}):
                return True
        elif key != "meta" and _normalises(value, rules, seen):
            return True
    return False


_NORMALISING_FIELDS: dict[tuple[str, int], frozenset[str] | None] = {}


def _normalising_fields(kind: Kind) -> frozenset[str] | None:
    """The kind's fields with rules that change a document, or None when some such rule
    reaches beyond its own field (then no part can be normalised on its own)."""
    key = (kind.name, id(kind.schema))
    if key not in _NORMALISING_FIELDS:
        across = any(_normalises(rule, _ACROSS_FIELDS) for rule in kind.schema.values())
        fields = frozenset(n for n, rule in kind.schema.items() if _normalises(rule))
        _NORMALISING_FIELDS[key] = None if across else fields
    return _NORMALISING_FIELDS[key]


def is_layered(validator: SpecValidator, kind: Kind, spec: Spec) -> bool:
    """Validate a spec made of shared fields plus its own, normalising the shared part once.

    Cerberus normalises field by field, so when none of the spec's own fields has a rule
    that changes a document, and no rule anywhere reaches beyond its field, normalising the
    whole equals normalising the shared part (once per batch) with the own fields on top;
    what is left per letter is the checking, a quarter of the work. True only when that
    check passes; False sends the caller to the plain path, which gives the same verdict
    and the errors with their positions.
    """
    return layered_document(validator, kind, spec) is not None


def layered_document(validator: SpecValidator, kind: Kind, spec: Spec) -> dict[str, Any] | None:
    """The validated document of :func:`is_layered`, or None where it says False.

    Once one spec of a batch with a given set of own fields has passed the whole check, the
    next such spec is checked on its own fields and on the fields whose rules look at other
    fields only: every other field holds the same normalised shared value as before and so
    passes again, and which fields are present or missing, the same. Failing that check
    sends the spec to the whole check, which reports what is wrong.
    """
    layers = spec.layers
    normalising = _normalising_fields(kind)
    if layers is None or normalising is None or not normalising.isdisjoint(layers.own):
        return None
    shared, passed, _ = _SHARED_NORMALISED.get(
        layers.shared, lambda: (validator.normalized(layers.shared), set(), {}), kind.name
    )
    if shared is None:
        return None
    document = layers.merged(shared)
    own = frozenset(layers.own)
    if own in passed:
        checker = _own_fields_validator(kind, own)
        needs = _fields_needed(kind, own)
        # Without normalising, Cerberus leaves the document as it is: the fields checked
        # and those their rules name are all it reads, and the verdict is the same.
        part = document if needs is None else {k: v for k, v in document.items() if k in needs}
        if checker.validate(part, normalize=False):
            return document if needs is not None else checker.document
    if not validator.validate(document, normalize=False):
        return None
    if len(passed) < 64:
        passed.add(own)
    return validator.document


# Rules by which a field's verdict depends on other fields (SpecValidator's own rules too).
_LOOKING_ACROSS = {"dependencies", "excludes", "not_before", "check_with", "validator"}
_OWN_FIELDS_VALIDATORS: dict[tuple[str, int, frozenset[str]], SpecValidator] = {}


def _own_fields_validator(kind: Kind, own: frozenset[str]) -> SpecValidator:
    """A validator of the kind's rules for ``own`` fields and for the fields whose rules look
    at other fields; other fields pass unchecked."""
    key = (kind.name, id(kind.schema), own)
    if key not in _OWN_FIELDS_VALIDATORS:
        if len(_OWN_FIELDS_VALIDATORS) > 64:
            _OWN_FIELDS_VALIDATORS.clear()
        fields = {
            name: rule
            for name, rule in kind.schema.items()
            if name in own or _normalises(rule, _LOOKING_ACROSS)
        }
        checker = SpecValidator(schema_registry=schema_registry(), allow_unknown=True)
        checker.schema = CheckedSchema(checker, fields)  # part of a schema checked whole
        _OWN_FIELDS_VALIDATORS[key] = checker
    return _OWN_FIELDS_VALIDATORS[key]


# Rules naming the other fields they look at, and rules that may look at any field.
_NAMING = {"dependencies", "excludes", "not_before"}
_LOOKING_ANYWHERE = {"check_with", "validator"}
_FIELDS_NEEDED: dict[tuple[str, int, frozenset[str]], frozenset[str] | None] = {}


def _named_fields(rule: Any, seen: frozenset[str] = frozenset()) -> set[str] | None:
    """The top-level fields ``rule`` (with its sub-schemas) names in its cross-field rules,
    or None when some rule of it may look at any field."""
    names: set[str] = set()
    parts = rule if isinstance(rule, list) else rule.values() if isinstance(rule, dict) else []
    for key, value in rule.items() if isinstance(rule, dict) else []:
        if key in _LOOKING_ANYWHERE:
            return None
        if key in _NAMING:
            named = (
                [value] if isinstance(value, str) else list(value) if isinstance(value, (list, dict)) else []
            )
            names.update(str(n).lstrip("^").split(".")[0] for n in named)
        elif key == "schema" and isinstance(value, str) and value not in seen:
            inner = _named_fields(_resolve(value), seen | {value})
            if inner is None:
                return None
            names |= inner
    for part in parts:
        if isinstance(part, (dict, list)):
            inner = _named_fields(part, seen)
            if inner is None:
                return None
            names |= inner
    return names


def _fields_needed(kind: Kind, own: frozenset[str]) -> frozenset[str] | None:
    """What the validator of :func:`_own_fields_validator` reads of a document: its fields and
    the fields their rules name (None: it may read any)."""
    key = (kind.name, id(kind.schema), own)
    if key not in _FIELDS_NEEDED:
        if len(_FIELDS_NEEDED) > 64:
            _FIELDS_NEEDED.clear()
        schema = _own_fields_validator(kind, own).schema
        named = _named_fields(list(schema.values()))
        _FIELDS_NEEDED[key] = None if named is None else frozenset(named | set(schema))
    return _FIELDS_NEEDED[key]


def _resolve(schema: Any) -> dict[str, Any]:
    return definitions()[schema] if isinstance(schema, str) else schema


def kind_of(spec: Spec) -> Kind:
    """The :class:`Kind` a spec names in ``kind:``, or a located error."""
    name = spec.data.get("kind")
    kind = get_kind(name) if isinstance(name, str) else None
    if kind is not None:
        return kind
    kinds = kind_names()
    if name is None:
        raise WenshuError(Problem(spec.name, f"缺少 kind 字段（可选：{'、'.join(kinds)}）", 1, 1, "kind"))
    hint = did_you_mean(str(name), kinds)
    raise WenshuError(
        spec.problem(("kind",), f"未知文种“{name}”{hint}；可选：{'、'.join(kinds)}（wenshu list 查看）")
    )


def validate(spec: Spec, *, draft: bool = False) -> tuple[Kind, dict[str, Any]]:
    """Validate ``spec``; return its kind and the normalised document, or raise.

    A value still reading 【待补】 is reported once, as unfilled (not also as “should be a
    number”). With ``draft`` such values are no problem: a skeleton renders with its gaps
    showing. Domain rules need a complete document, so they wait until no gap is left.
    """
    kind = kind_of(spec)
    if _NAMES_KNOWN.get(id(kind)) is not kind:
        unnamed = schema_problems(kind)
        if unnamed:
            raise WenshuError(unnamed)
        # Names are only ever added to the registries: a kind whose names are all known
        # stays so (a batch asks for each of its letters).
        _NAMES_KNOWN[id(kind)] = kind
    too_large = _size_problems(spec)
    if too_large:
        raise WenshuError(too_large)
    data = _unshared(spec, ("shape", kind.name), lambda k, v: not _shape(spec, kind.schema.get(k), v, (k,)))
    shape = [
        p
        for name, rule in kind.schema.items()
        if name in data
        for p in _shape(spec, rule, data[name], (name,))
    ]
    if shape:
        raise WenshuError(shape)
    validator = validator_for(kind)
    document = layered_document(validator, kind, spec)
    layered = document is not None
    ok = layered or validator.validate(spec.data)
    holes = placeholders(spec)
    at_hole = {(p.line, p.column) for p in holes}
    problems = [] if ok else list(_cerberus_problems(spec, kind, validator))
    problems = [p for p in problems if (p.line, p.column) not in at_hole]
    if document is None:
        document = validator.document if ok or not problems else spec.data
        problems += _value_problems(spec, kind.schema, document, ())
    else:
        problems += _layered_value_problems(spec, kind, document)
    problems = [p for p in problems if (p.line, p.column) not in at_hole]
    if not problems:
        problems += _block_problems(spec, kind, document)
        problems += load_pictures(spec, document)[1]  # each picture's file: inside the folder, a real picture
        if not problems:
            walk = _unshared_normalised(spec, kind, document) if layered else document
            problems += _ordinal_problems(spec, kind, document) or _long_list_problems(
                spec, kind, document, walk
            )
        context = Context(spec, document, validate, kind_of)
        if "attachments" in kind.schema:
            # Any kind's attachment may name an annex spec (file:); its page replaces the
            # reference here, drafts included, as that spec is validated on its own.
            problems += attachment_files("attachments", context)
        if not holes:
            # The kind's page is composed first: its rules check what the page will print.
            problems += _composed(kind, spec, document)
            for check, arg in kind.checks:
                problems += run_check(check, arg, context, kind.source)
    if not draft:
        problems += holes
    if problems:
        raise WenshuError(sorted(problems, key=lambda p: (p.line or 0, p.column or 0)))
    return kind, document


_NAMES_KNOWN: dict[int, Kind] = {}  # kinds whose schema names no unregistered rule, by id


def schema_problems(kind: Kind) -> list[Problem]:
    """Names the kind's schema uses that nothing is registered under (a rule under
    ``checks:``, a warning under ``advice:``, the ``compose:`` step, a batch check), each
    located at the schema file: found before any spec is read, not halfway through."""
    source = kind.source
    problems = [
        *CHECKS.problems((name for name, _ in kind.checks), source),
        *ADVICE.problems((name for name, _ in kind.advice), source),
    ]
    # Only an annex kind composes its page from the catalogues, and only a batch kind checks
    # its records together: other kinds do not import their modules.
    if kind.compose:
        from wenshu.compose.annexes import COMPOSERS

        problems += COMPOSERS.problems([kind.compose], source)
    if kind.batch.get("checks"):
        from wenshu.rules.letters import BATCH_CHECKS

        problems += BATCH_CHECKS.problems((n for item in kind.batch["checks"] for n in item), source)
    return problems


def _composed(kind: Kind, spec: Spec, document: dict[str, Any]) -> list[Problem]:
    """The kind's ``compose:`` step run (:func:`wenshu.compose.annexes.compose`), if it has one."""
    if kind.compose is None:
        return []
    from wenshu.compose import annexes  # the catalogues: only the annex kinds compose a page

    return annexes.compose(kind, spec, document)


#: What one document may hold. Checking and typesetting cost about 1 ms per value on a
#: loaded core (a 2,000-row table builds in 3 s); within these a spec is done well inside a
#: minute, beyond them it is refused at once with the reason, not after minutes.
MAX_LIST_ITEMS = 5_000
MAX_VALUES = 60_000


def _size_problems(spec: Spec) -> list[Problem]:
    """A list longer than :data:`MAX_LIST_ITEMS` (reported at its first entry too many), or
    more than :data:`MAX_VALUES` values in all."""
    layers = spec.layers
    if layers is not None:
        # Shared fields with a record's on top hold no list but one of the two sides'
        # and no more values than the two together: when each side passes on its own and
        # their sum is within bounds, so is the spec (the shared side counted once a batch).
        counted = _SHARED_SIZES.get(layers.shared, lambda: _values_within(layers.shared))
        own = _values_within(layers.own)
        if counted is not None and own is not None and counted + own <= MAX_VALUES:
            return []
    problems: list[Problem] = []
    values = 0
    todo: list[tuple[Path_, Any]] = [((), spec.data)]
    while todo:
        path, value = todo.pop()
        values += 1
        if isinstance(value, dict):
            todo.extend((path + (k,), v) for k, v in value.items())
        elif isinstance(value, list):
            if len(value) > MAX_LIST_ITEMS:
                problems.append(
                    spec.problem(
                        path + (MAX_LIST_ITEMS,),
                        f"列表有 {len(value)} 项，超过上限 {MAX_LIST_ITEMS} 项"
                        "（表格请拆分；批量记录请放在 CSV 或 Excel 数据文件中）",
                    )
                )
            else:
                todo.extend((path + (i,), v) for i, v in enumerate(value))
    if not problems and values > MAX_VALUES:
        problems.append(
            Problem(spec.name, f"规格过大：共 {values} 个值，上限 {MAX_VALUES} 个；请拆分为几份文件", 1, 1)
        )
    return problems


_SHARED_SIZES: PerBatch[int | None] = PerBatch()


def _values_within(data: Any) -> int | None:
    """How many values ``data`` holds as :func:`_size_problems` counts them, or None when a
    list in it is too long."""
    values = 0
    todo = [data]
    while todo:
        value = todo.pop()
        values += 1
        if isinstance(value, dict):
            todo.extend(value.values())
        elif isinstance(value, list):
            if len(value) > MAX_LIST_ITEMS:
                return None
            todo.extend(value)
    return values


_CONTAINERS: dict[str, type] = {"dict": dict, "list": list}


def _shape(spec: Spec, rule: Any, value: Any, here: Path_) -> list[Problem]:
    """A list where a mapping is due, or a mapping where a list is due, anywhere in ``value``.

    Found before Cerberus runs: Cerberus 1.3 raises TypeError instead of reporting some of
    these (e.g. ``period: [[]]`` where ``period`` is a mapping with its own fields).
    """
    if not isinstance(rule, dict) or rule.get("schema") is None or not isinstance(value, (dict, list)):
        return []
    types = rule.get("type", [])
    types = types if isinstance(types, list) else [types]
    allowed = tuple(_CONTAINERS[t] for t in types if t in _CONTAINERS)
    if not allowed:
        return []
    if not isinstance(value, allowed):
        names = "或".join(_TYPE_NAMES.get(t, t) for t in types)
        return [spec.problem(here, f"应为{names}，实际是“{excerpt(value)}”")]
    sub = _resolve(rule["schema"])
    if isinstance(value, dict):
        return [p for k, v in value.items() if k in sub for p in _shape(spec, sub[k], v, here + (k,))]
    return [p for i, v in enumerate(value) for p in _shape(spec, sub, v, here + (i,))]


def placeholders(spec: Spec) -> list[Problem]:
    """Every value still holding the skeleton placeholder 【待补】."""
    found = []
    data = _unshared(
        spec, ("holes",), lambda k, v: all(PLACEHOLDER not in t for _, t in iter_strings(v, (k,)))
    )
    for path, value in iter_strings(data, ()):
        if PLACEHOLDER in value:
            found.append(spec.problem(path, f"尚未填写（{PLACEHOLDER}）"))
    return found


#: Cerberus's group errors for a value that must satisfy one of several rule sets.
_BRANCHING = (cerr.ANYOF.code, cerr.ONEOF.code)


def _flatten(errors):
    for error in errors:
        if error.code in _BRANCHING:
            yield from _flatten(_branch_errors(error))
        elif error.is_group_error:
            yield from _flatten(error.child_errors)
        else:
            yield error


def _branch_errors(group: Any) -> list[Any]:
    """The errors of an ``anyof``/``oneof`` group worth saying: those of the branches written
    for the value's type (a name: the branch of allowed names; a mapping: the mapping's). The
    other branches only say that the value is of another type — said once, by the field's own
    ``type``, when no branch is of its type."""
    depth = len(group.schema_path)
    branches: dict[Any, list[Any]] = {}
    for child in group.child_errors:
        branches.setdefault(child.schema_path[depth], []).append(child)
    own = tuple(group.document_path)
    typed = [
        errors
        for errors in branches.values()
        if not any(e.code == cerr.BAD_TYPE.code and tuple(e.document_path) == own for e in errors)
    ]
    return [e for errors in typed for e in errors] or list(group.child_errors)


def _schema_at(kind: Kind, path: Path_) -> dict[str, Any]:
    """The mapping schema that governs the dict at ``path`` (for "did you mean")."""
    schema: Any = kind.schema
    rule: dict[str, Any] = {"schema": schema}
    for part in path:
        inner = _inner_schema(rule)
        if isinstance(part, int):
            rule = inner
        elif part in inner:
            rule = inner[part]
        else:
            # A mapping keyed by the user's names (round.yaml's categories: {简称: {…}}) or a
            # field the schema lets through (a quota table's count columns).
            rule = next(
                (r for r in (rule.get("valuesrules"), rule.get("allow_unknown")) if isinstance(r, dict)), {}
            )
    return _inner_schema(rule)


def _inner_schema(rule: dict[str, Any]) -> dict[str, Any]:
    """The ``schema`` of ``rule``; for a rule of branches (``anyof``: a quota rule is a name
    or one of two mappings), the fields of its mapping branches together."""
    inner = dict(_resolve(rule.get("schema", {})))
    for branch in rule.get("anyof", []) + rule.get("oneof", []):
        if isinstance(branch, dict) and isinstance(_resolve(branch.get("schema", {})), dict):
            inner.update(_resolve(branch.get("schema", {})))
    return inner


def _branch_shapes(rule: dict[str, Any]) -> list[str]:
    """How a rule of branches may be written, branch by branch: the names a branch allows,
    and ``{field: …}`` for each field of a mapping branch (table、none、{per_region: …})."""
    shapes: list[str] = []
    for branch in rule.get("anyof", []) + rule.get("oneof", []):
        named = choice_names(branch)
        shapes += [f"{a}＝{named[a]}" if a in named else str(a) for a in branch.get("allowed", [])]
        shapes += [
            f"{{{name}: …}}" for name in _resolve(branch.get("schema", {})) if branch.get("type") == "dict"
        ]
    return shapes


def _rule_at(kind: Kind, path: Path_) -> dict[str, Any]:
    """The rule of the field at ``path`` (a list item's: the list's ``schema``)."""
    if not path:
        return {}
    if isinstance(path[-1], str):
        found = _schema_at(kind, path[:-1]).get(path[-1])
        if found is None:  # a key the schema does not name: the rule its mapping allows others by
            others = _rule_at(kind, path[:-1]).get("allow_unknown")
            return others if isinstance(others, dict) else {}
        return found
    parent = _rule_at(kind, path[:-1])
    inner = parent.get("schema")
    return inner if isinstance(inner, dict) else {}


def _label(kind: Kind, path: Path_) -> str:
    schema = _schema_at(kind, path[:-1]) if path else {}
    meta = schema.get(path[-1], {}).get("meta", {}) if path and isinstance(path[-1], str) else {}
    return meta.get("label", "")


def _cerberus_problems(spec: Spec, kind: Kind, validator: SpecValidator):
    if _ERRORS_LEFT_OUT.get():
        _ERRORS_LEFT_OUT.set(False)
        yield Problem(
            spec.name, f"错误过多，以下只列出一部分（每处至多 {MAX_ERRORS_KEPT} 条）；改正后再检查可见其余"
        )
    errors = list(_flatten(validator._errors))
    missing = {tuple(e.document_path) for e in errors if e.code == cerr.REQUIRED_FIELD.code}
    # A required field an unknown key beside it most likely meant (per_regoin: per_region) is
    # said once, at the unknown key, with the name to write.
    mistyped = {
        path[:-1] + (close,)
        for e in errors
        if e.code == cerr.UNKNOWN_FIELD.code
        and (path := tuple(e.document_path))
        and (close := close_match(str(path[-1]), _schema_at(kind, path[:-1])))
    }
    said: set[Path_] = set()
    said_excludes: set[frozenset[Path_]] = set()
    for error in errors:
        path = tuple(error.document_path)
        label = _label(kind, path)
        prefix = f"（{label}）" if label else ""
        code = error.code
        if code == cerr.UNKNOWN_FIELD.code and _sentence_like(path[-1]):
            # “……通知如下: ” — YAML takes a line with a half-width colon for a mapping.
            msg = (
                f"“{excerpt(str(path[-1]), 16)}”被 YAML 当成了字段名：这一行里有半角冒号“:”。"
                "中文请用全角“：”，或给整段文字加引号"
            )
            yield spec.problem(path, msg, key=True)
        elif code == cerr.UNKNOWN_FIELD.code:
            allowed = _schema_at(kind, path[:-1])
            hint = did_you_mean(str(path[-1]), allowed)
            known = "、".join(allowed)
            msg = f"未知字段{hint or f'；此处可用的字段：{known}'}"
            yield spec.problem(path, msg, key=True)
        elif code == cerr.REQUIRED_FIELD.code:
            # Two fields that exclude each other (applicant / applicants) are both “required”:
            # one of them is missing, said once.
            rule = _schema_at(kind, path[:-1]).get(path[-1], {})
            excludes = rule.get("excludes") or []
            others = [path[:-1] + (x,) for x in ([excludes] if isinstance(excludes, str) else excludes)]
            holder = _value_at(spec.data, path[:-1])
            written = isinstance(holder, dict) and any(q[-1] in holder for q in [path, *others])
            if {path, *others} & mistyped or written:
                # mistyped (said at the unknown key), or written — itself, or a field it excludes —
                # not missing (Cerberus says so when that value, null say, is itself wrong)
                continue
            if others and all(o in missing for o in others):
                if path in said:
                    continue
                said.update(others)
                names = "、".join(f"{_label(kind, p) or p[-1]}（{p[-1]}）" for p in [path, *others])
                yield spec.problem(path, f"缺少{names}：二者须写一个", key=True)
            else:
                yield spec.problem(path, f"缺少必填字段{prefix}", key=True)
        elif code == cerr.BAD_TYPE.code:
            wanted = error.constraint if isinstance(error.constraint, list) else [error.constraint]
            names = "或".join(_TYPE_NAMES.get(t, t) for t in wanted)
            yield spec.problem(path, f"{prefix}应为{names}，实际是“{excerpt(error.value)}”")
        elif code in (cerr.EMPTY_NOT_ALLOWED.code, cerr.NOT_NULLABLE.code):
            yield spec.problem(path, f"{prefix}不能为空")
        elif code == cerr.UNALLOWED_VALUE.code:
            rule = _rule_at(kind, path)
            meant = code_named(rule, str(error.value))
            hint = f"，应写代码“{meant}”" if meant else did_you_mean(str(error.value), error.constraint)
            choices = choices_text(rule).replace("；", "、") if choice_names(rule) else None
            # a rule of branches (a quota rule: table、none or a mapping) names them all
            choices = choices or "、".join(_branch_shapes(rule) or [str(c) for c in error.constraint])
            yield spec.problem(path, f"{prefix}不能是“{excerpt(error.value)}”{hint}；可选：{choices}")
        elif code == cerr.REGEX_MISMATCH.code:
            yield spec.problem(path, f"{prefix}格式不对：“{excerpt(error.value)}”")
        elif code in (cerr.MIN_VALUE.code, cerr.MAX_VALUE.code):
            yield spec.problem(
                path, f"{prefix}超出范围：{excerpt(error.value)}{_bounds(_rule_at(kind, path))}"
            )
        elif code in (cerr.MIN_LENGTH.code, cerr.MAX_LENGTH.code):
            yield spec.problem(path, f"{prefix}条目数不对（要求 {error.constraint}）")
        elif code in (cerr.DEPENDENCIES_FIELD.code, cerr.DEPENDENCIES_FIELD_VALUE.code):
            needed = error.constraint if isinstance(error.constraint, (list, dict)) else [error.constraint]
            if any(path[:-1] + (str(d),) in missing for d in needed):
                continue  # the missing field is reported; this follows from it
            needs = "、".join(
                f"{k} 为 {'或'.join(map(str, v))}" if isinstance(v, list) else str(k)
                for k, v in (error.constraint.items() if isinstance(error.constraint, dict) else [])
            )
            said = f"在 {needs} 时" if needs else f"与 {'、'.join(map(str, needed))} 一起"
            yield spec.problem(path, f"{prefix}只能{said}使用", key=True)
        elif code == cerr.EXCLUDES_FIELD.code:
            others = error.constraint if isinstance(error.constraint, list) else [error.constraint]
            holder = _value_at(spec.data, path[:-1])
            present = [o for o in others if isinstance(holder, dict) and o in holder] or others
            # Each of the pair says the other excludes it: said once, at the first.
            pair = frozenset([path, *(path[:-1] + (o,) for o in present)])
            if pair in said_excludes:
                continue
            said_excludes.add(pair)
            yield spec.problem(path, f"{prefix}不能与 {'、'.join(present)} 同时写（二者选一）", key=True)
        elif code == cerr.CUSTOM.code:
            yield spec.problem(path, f"{prefix}{error.info[0]}")
        else:
            yield spec.problem(path, f"{prefix}不符合规则 {error.rule}：{excerpt(error.value)}")


def _bounds(rule: dict[str, Any]) -> str:
    """“（应在 0—100 之间）”: the range a number out of range should be in."""
    low, high = rule.get("min"), rule.get("max")
    if low is not None and high is not None:
        return f"（应在 {low}—{high} 之间）"
    if low is not None:
        return f"（应不小于 {low}）"
    return f"（应不大于 {high}）" if high is not None else ""


def _sentence_like(key: Any) -> bool:
    """Is this mapping key really running text (Chinese, or long)? Field names are short."""
    return isinstance(key, str) and (bool(re.search(f"[{CJK}]", key)) and len(key) > 6 or " " in key.strip())


def _value_at(data: Any, path: Path_) -> Any:
    """The value at ``path`` in the spec's data, or None when the path does not lead there."""
    for part in path:
        try:
            data = data[part]
        except (KeyError, IndexError, TypeError):
            return None
    return data


# Control characters, and what XML and UTF-8 cannot carry: the two non-characters (a CSV cell
# may hold them) and lone surrogates (a YAML "\ud800" escape).
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


_SENTENCE_END = ("。", "！", "？", "。”", "！”", "？”")


def _form_problems(spec: Spec, here: Path_, value: str, meta: dict[str, Any]) -> list[Problem]:
    """What a field's ``meta`` asks of its text: ``sentence`` — it is a whole sentence the
    template sets in running text, so it ends with 。！？; ``adds`` — the marks
    the template puts around it (a 主送机关's “：”, a 附注's “（）”), so the value has none."""
    text = value.strip()
    if meta.get("sentence") and text and not text.endswith(_SENTENCE_END) and PLACEHOLDER not in text:
        tail = excerpt(text[-8:], 8)
        return [spec.problem(here, f"是一句完整的话，应以“。”（或“！”“？”）结尾（“…{tail}”）")]
    adds = str(meta.get("adds") or "")
    half = {"：": ":", "（": "(", "）": ")"}
    opening, closing = (adds[0], adds[-1]) if len(adds) == 2 else ("", adds[-1:])
    if (
        closing
        and text.endswith((closing, half.get(closing, closing)))
        or opening
        and text.startswith((opening, half.get(opening, opening)))
    ):
        return [spec.problem(here, f"不要写“{adds}”，wenshu 会自动加上")]
    return []


def _value_problems(spec: Spec, schema: dict[str, Any], doc: Any, path: Path_) -> list[Problem]:
    """Control characters anywhere; dates and 发文字号 in their prescribed forms.

    Dates are normalised to :class:`datetime.date` in place.
    """
    problems = []
    if path == ():
        for p, text in iter_strings(doc, ()):
            bad = _CONTROL.search(text)
            bidi = BIDI_CONTROLS.search(text)
            if bidi:
                problems.append(
                    spec.problem(p, f"含有{bidi_name(bidi.group())}，会使文字显示次序颠倒，请删除")
                )
            elif bad:
                name = unicodedata.name(bad.group(), f"U+{ord(bad.group()):04X}")
                problems.append(spec.problem(p, f"含有不可见的控制字符（{name}），请删除"))
            elif not is_picture_path(p) and (problem := punctuation_problem(text)):
                problems.append(spec.problem(p, problem))
    if not isinstance(doc, dict):
        return problems
    for key, rule in schema.items():
        if key not in doc:
            continue
        value, here = doc[key], path + (key,)
        if isinstance(value, str):
            problems += _form_problems(spec, here, value, rule.get("meta") or {})
        types = rule.get("type", [])
        types = types if isinstance(types, list) else [types]
        if "cn_date" in types and isinstance(value, (str, dt.date)):
            try:
                doc[key] = parse_date(value)
                if isinstance(value, str) and value.strip() != format_cn_date(doc[key]) and "年" in value:
                    problems.append(spec.problem(here, f"日期写法不规范，应写作“{format_cn_date(doc[key])}”"))
            except DateError as exc:
                problems.append(spec.problem(here, str(exc)))
        elif "doc_number" in types and isinstance(value, str):
            try:
                parse_doc_number(value)
            except DocNumberError as exc:
                fix = f"，应写作“{exc.suggestion}”" if exc.suggestion else ""
                problems.append(spec.problem(here, f"{exc}{fix}"))
        sub = rule.get("schema")
        if sub is None:
            continue
        if isinstance(value, dict):
            problems += _value_problems(spec, _resolve(sub), value, here)
        elif isinstance(value, list):
            item_schema = _resolve(sub).get("schema")
            if item_schema is not None:
                for i, item in enumerate(value):
                    problems += _value_problems(spec, _resolve(item_schema), item, here + (i,))
    return problems


# Per batch (its shared fields' dict) and question: the shared fields known to pass it.
_SHARED_PASSING: PerBatch[frozenset[str]] = PerBatch(limit=64)


def _passing(
    shared: dict[str, Any], question: tuple[str, ...], passes: Callable[[str, Any], bool]
) -> frozenset[str]:
    """The fields of ``shared`` for which ``passes(field, value)``, asked once per batch."""
    return _SHARED_PASSING.get(
        shared, lambda: frozenset(k for k, v in shared.items() if passes(k, v)), question
    )


def _unshared(spec: Spec, question: tuple[str, ...], passes: Callable[[str, Any], bool]) -> Any:
    """The spec's data without the shared fields that pass a check made field by field.

    A field a record does not set holds the batch's shared value in every letter, so a
    check that looks at each field on its own (``passes``: it finds nothing there) is
    asked of it once per batch; a field it finds something in stays, to be reported as
    the whole check reports it.
    """
    layers = spec.layers
    if layers is None or not isinstance(spec.data, dict):
        return spec.data
    done = _passing(layers.shared, question, passes)
    return {k: v for k, v in spec.data.items() if k in layers.own or k not in done}


def _unshared_normalised(spec: Spec, kind: Kind, document: dict[str, Any]) -> dict[str, Any]:
    """A document :func:`layered_document` gave, without the normalised shared fields that
    hold no list long enough for :func:`_long_list_problems` to look at (asked once per batch)."""
    layers = spec.layers
    cached = _SHARED_NORMALISED.found(layers.shared, kind.name) if layers is not None else None
    if layers is None or cached is None or cached[0] is None:
        return document
    done = _passing(
        cached[0], ("long lists", kind.name), lambda k, v: next(_long_lists(v, (k,)), None) is None
    )
    return {k: v for k, v in document.items() if k in layers.own or k not in done}


def _layered_value_problems(spec: Spec, kind: Kind, document: dict[str, Any]) -> list[Problem]:
    """:func:`_value_problems` of a document :func:`layered_document` gave, the shared
    fields walked once per batch.

    Those checks look at each top-level field on its own (its text, its form, its dates), and
    a field the spec does not set holds the same normalised shared value in every letter: a
    shared field in which they found nothing is not walked again, only given the value they
    leave (dates parsed). A field in which they found something is walked in every letter,
    so its problems are made exactly as before.
    """
    layers = spec.layers
    cached = _SHARED_NORMALISED.found(layers.shared, kind.name) if layers is not None else None
    if layers is None or cached is None or cached[0] is None:
        return _value_problems(spec, kind.schema, document, ())
    shared, _, walked = cached
    rest: dict[str, Any] = {}
    for key, value in document.items():
        if key in layers.own or key not in shared:
            rest[key] = value
            continue
        if key not in walked:
            alone = {key: fresh_copy(shared[key])}
            clean = not _value_problems(spec, kind.schema, alone, ())
            walked[key] = (alone[key] != shared[key], alone[key]) if clean else None
        done = walked[key]
        if done is None:
            rest[key] = value
        elif done[0]:
            document[key] = fresh_copy(done[1])
    problems = _value_problems(spec, kind.schema, rest, ())
    document.update(rest)  # the dates it parsed in place
    return problems


_BLOCK_KINDS = ("heading", "items", "table", "line", "picture", "text")
_BLOCK_COMPANIONS = {
    "heading": {"heading", "text", "body", "items", "numbering"},
    "items": {"items", "numbering", "start"},
    "table": {"table"},
    "line": {"line", "align"},
    "picture": {"picture", "alt", "width"},
    "text": {"text"},
}


def _block_problems(spec: Spec, kind: Kind, document: dict[str, Any]) -> list[Problem]:
    """Each block, in every list of blocks the kind's schema has, has one recognisable shape,
    no hand-typed ordinal, and headings nest at most four deep (counted from the level the
    list's own headings take)."""
    problems: list[Problem] = []

    def walk(blocks: list[Any], path: Path_, depth: int) -> None:
        for i, block in enumerate(blocks):
            here = path + (i,)
            if isinstance(block, str):
                problems.extend(_text_start_problems(spec, here, block))
                continue
            if not isinstance(block, dict):
                continue
            for key in ("heading", "text"):
                if isinstance(block.get(key), str) and (key == "heading" or "heading" not in block):
                    problems.extend(_text_start_problems(spec, here + (key,), block[key]))
            shape = next((k for k in _BLOCK_KINDS if k in block), None)
            if shape is None:
                problems.append(
                    spec.problem(here, "块应包含 heading、items、table、line、picture 或 text 之一")
                )
                continue
            extra = set(block) - _BLOCK_COMPANIONS[shape]
            if extra:
                names = "、".join(sorted(extra))
                problems.append(
                    spec.problem(here + (sorted(extra)[0],), f"{names} 不能与 {shape} 同用", key=True)
                )
                continue
            if shape == "table":
                problems.extend(_table_problems(spec, here + ("table",), block["table"]))
            numbered = shape == "heading" or shape == "items"
            if numbered and depth > MAX_DEPTH:
                problems.append(
                    spec.problem(here, f"层级超过 {MAX_DEPTH} 层（一、（一）1.（1）），请减少嵌套")
                )
                continue
            child_depth = depth + 1 if shape == "heading" else depth
            if "body" in block:
                walk(block["body"], here + ("body",), child_depth)
            if "items" in block:
                walk(block["items"], here + ("items",), child_depth)

    for path, blocks, depth in kind.blocks_in(document):
        walk(blocks, path, depth)
    for i, attachment in enumerate(document.get("attachments") or []):
        name = attachment.get("name") if isinstance(attachment, dict) else None
        if isinstance(name, str) and name.rstrip()[-1:] in _PUNCTUATION:
            problems.append(spec.problem(("attachments", i, "name"), "附件名称后不加标点符号（§7.3.4）"))
    return problems


def _table_problems(spec: Spec, path: Path_, table: Any) -> list[Problem]:
    """Each row has a cell for every column: Markdown pads a short row with blank cells and
    drops the cells past the last column, so either would print differently from the spec."""
    if not isinstance(table, dict) or not isinstance(table.get("columns"), list):
        return []
    width = len(table["columns"])
    problems = []
    for j, row in enumerate(table.get("rows") or []):
        if isinstance(row, list) and len(row) != width:
            what = "多出的单元格印不出来" if len(row) > width else '缺少的单元格会印成空白；空单元格写 ""'
            problems.append(
                spec.problem(path + ("rows", j), f"这一行有 {len(row)} 个单元格，表头有 {width} 栏：{what}")
            )
    for key, label in (("widths", "列宽比例"), ("align", "列对齐")):
        given = table.get(key)
        if isinstance(given, list) and len(given) != width:
            problems.append(
                spec.problem(path + (key,), f"{label}写了 {len(given)} 项，表头有 {width} 栏：应一栏一项")
            )
    return problems


def _ordinal_problems(spec: Spec, kind: Kind, document: dict[str, Any]) -> list[Problem]:
    """A numbered sequence whose ordinal is a Chinese numeral (一、 （一）) longer than 99
    entries, reported at its hundredth — rendering could not number it.

    The count follows the template (common/blocks.md.j2): headings of one level count on,
    an items block numbered like them continues their count, a heading's own items continue
    its body's.
    """
    problems: list[Problem] = []
    chinese = {form for form in FORMS if "一" in form}  # 一、 and （一）: numerals, not digits

    def count(n: int, form: str | None, here: Path_) -> None:
        if n == MAX_CHINESE_NUMBER + 1 and form in chinese:
            problems.append(
                spec.problem(
                    here,
                    f"这是第 {n} 项：“{form}”式序号最多到第 {MAX_CHINESE_NUMBER} 项，"
                    "请分组（加一层标题）或改用“1.”式编号",
                )
            )

    def form_of(block: dict[str, Any], default: str | None) -> str | None:
        numbering = block.get("numbering")
        return numbering.replace("\\", "") if isinstance(numbering, str) else default

    def entries(items: list[Any], path: Path_, depth: int, form: str | None, start: int) -> None:
        for j, entry in enumerate(items):
            count(start + j + 1, form, path + (j,))
            if isinstance(entry, dict) and "heading" in entry:
                children(entry, path + (j,), depth)

    def children(block: dict[str, Any], here: Path_, depth: int) -> None:
        body = block.get("body")
        n = walk(body, here + ("body",), depth + 1) if isinstance(body, list) else 0
        if isinstance(block.get("items"), list) and depth < MAX_DEPTH:
            own = FORMS[depth]
            form = form_of(block, own)
            entries(block["items"], here + ("items",), depth + 1, form, n if form == own else 0)

    def walk(blocks: list[Any], path: Path_, depth: int) -> int:
        if depth > MAX_DEPTH:
            return 0
        own, n = FORMS[depth - 1], 0
        for i, block in enumerate(blocks):
            if not isinstance(block, dict):
                continue
            if "heading" in block:
                n += 1
                count(n, own, path + (i,))
                children(block, path + (i,), depth)
            elif isinstance(block.get("items"), list):
                form = form_of(block, own)
                entries(block["items"], path + (i, "items"), depth, form, n if form == own else 0)
                n += len(block["items"]) if form == own else 0
        return n

    for path, blocks, depth in kind.blocks_in(document):
        walk(blocks, path, depth)
    return problems


def _long_lists(value: Any, path: Path_) -> Iterator[Path_]:
    """Lists of more than 99 entries outside the body blocks (which
    :func:`_ordinal_problems` counts exactly), in document order."""
    if isinstance(value, dict):
        for key, item in value.items():
            if key != "body":
                yield from _long_lists(item, path + (key,))
    elif isinstance(value, list):
        if len(value) > MAX_CHINESE_NUMBER:
            yield path
        for i, item in enumerate(value):
            yield from _long_lists(item, path + (i,))


def _long_list_problems(
    spec: Spec, kind: Kind, document: dict[str, Any], walk: dict[str, Any] | None = None
) -> list[Problem]:
    """A kind's template may number its own lists (a plan's tasks as （一）…): with a list
    that long, render once to learn whether its ordinals run out, and say where. Only the
    fields of ``walk`` (default: all) are searched for one."""
    first = next(_long_lists(document if walk is None else walk, ()), None)
    if first is None:
        return []
    from wenshu.render.markdown import render_markdown  # only for this rare case

    try:
        render_markdown(kind, copy.deepcopy(document), spec.name)
    except WenshuError as exc:
        if any("序号超出范围" in p.message for p in exc.problems):
            message = (
                f"这是第 {MAX_CHINESE_NUMBER + 1} 项：此处序号最多到第 {MAX_CHINESE_NUMBER} 项，请分组或删减"
            )
            return [spec.problem(first + (MAX_CHINESE_NUMBER,), message)]
    return []


_PUNCTUATION = "。，、；：！？,.;:!?"


def _text_start_problems(spec: Spec, path: Path_, text: str) -> list[Problem]:
    """A hand-typed ordinal, or a heading that starts with punctuation."""
    # §7.3.3 ordinals come from nesting: a paragraph or heading that starts with one was typed.
    written = written_ordinal(text.lstrip())
    if written:
        return [
            spec.problem(
                path,
                f"开头的“{written[1].group()}”像手写的序号；序号由层级自动生成，请删去"
                "（需要编号时用 heading 或 items）",
            )
        ]
    if path[-1] == "heading" and text.lstrip()[:1] in _PUNCTUATION:
        return [spec.problem(path, "标题不能以标点符号开头")]
    return []


__all__ = [
    "CheckedSchema",
    "SpecValidator",
    "field_name",
    "is_layered",
    "layered_document",
    "kind_of",
    "placeholders",
    "schema_of",
    "schema_registry",
    "validate",
    "validator_for",
]
