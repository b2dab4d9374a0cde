"""A one-off `wenshu build` of a notice pays only for what it uses.

The libyaml reader of plain YAML (:mod:`wenshu.spec.libyaml`) must read a spec exactly as the
general parser does, or leave it to it: compared on every YAML file of the repository and
on generated documents. A build of a notice, and `wenshu validate`, must not import the
general YAML parser, the skeletons, docxtpl or the pagination pass.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ruamel.yaml.resolver import implicit_resolvers

from wenshu.errors import WenshuError
from wenshu.spec import libyaml
from wenshu.spec.load import MAX_DEPTH, parse_spec
from wenshu.text.width import SliceWidths, line_width

ROOT = Path(__file__).resolve().parents[1]
NOTICE = ROOT / "examples" / "notices" / "cnipa-2023-582.yaml"
YAML_FILES = sorted(
    p for folder in ("examples", "schemas", "data", "tests") for p in (ROOT / folder).rglob("*.yaml")
)


def _both(text: str) -> tuple[object, object]:
    """What the plain reader and the general parser make of ``text``: a Spec's (data,
    value positions, key positions) with the data's repr (types count), or the error."""

    def one(general: bool) -> object:
        try:
            spec = parse_spec(Path("x.yaml"), text, general=general)
        except WenshuError as exc:
            return ("error", [str(p) for p in exc.problems])
        return (repr(spec.data), spec.data, spec.value_pos, spec.key_pos)

    return one(False), one(True)


def test_plain_reader_reads_the_examples_as_the_parser_does() -> None:
    read = 0
    for path in YAML_FILES:
        text = path.read_text(encoding="utf-8-sig")
        plain, general = _both(text)
        assert plain == general, path
        read += libyaml.read(text, MAX_DEPTH) is not None
    # Most of them are plain YAML: the fast path is the usual one, not a rarity.
    assert read > len(YAML_FILES) // 2, read
    assert libyaml.read(NOTICE.read_text(encoding="utf-8"), MAX_DEPTH) is not None
    # A letter with a telephone number (010-62086559) too.
    letter = ROOT / "examples" / "letters" / "application.yaml"
    assert libyaml.read(letter.read_text(encoding="utf-8"), MAX_DEPTH) is not None


def test_plain_reader_resolves_scalars_as_ruamel_1_2() -> None:
    """Its resolver facts are ruamel's: every YAML 1.2 pattern other than bool and null starts
    with a character whose ASCII scalars the reader leaves to ruamel, and the bool and null
    words it knows are exactly the ones ruamel's patterns claim."""
    words = ["true", "True", "TRUE", "false", "False", "FALSE", "yes", "Yes", "on", "off", "tRUE"]
    words += ["null", "Null", "NULL", "~", "none", "nil", "nULL"]
    for versions, tag, regexp, first in implicit_resolvers:
        if (1, 2) not in versions:
            continue
        if tag.endswith(":bool"):
            assert {w for w in words if regexp.fullmatch(w)} == {
                "true",
                "True",
                "TRUE",
                "false",
                "False",
                "FALSE",
            }
        elif tag.endswith(":null"):
            assert {w for w in words if regexp.fullmatch(w)} == {"null", "Null", "NULL", "~"}
        else:
            assert set(first) <= libyaml.MAY_RESOLVE, tag


@pytest.mark.parametrize(
    "text",
    [
        "a: 1\nb: 2023-02-30\nc: 2023-07-18\nd: 81.5\ne: 0123\nf: true\ng: yes\nh: ~\ni: 1_000\n",
        "a:\n- x\n- y\nb: z\n",
        "a:\n  - k: v\n    m: n\n  -   p: q\n",
        "a: [x, 1, {k: v}, []]\nb: {}\n",
        "a: 'it''s # not'  # comment\nb: \"x: y\"\n",
        "a: x\n  continued\n",
        "a: x: y\n",
        "a: b\na: c\n",
        "- a\n- b\n",
        "a:\n",
        "a: |\n  x\n",
        "a: &x 1\nb: *x\n",
        "a: [x\n  , y]\n",
        "1: one\n2023: year\n",
        "a: \u3000x\n\u3000b: y\n",
        "a: 文字 #注释\nb: 文字#不是注释\nc: http://x\n",
        "a:\n  b:\n    c: [1, 2]\n  d: -1\n",
        "a: 1\r\nb:\r\n  - x # c\r\n  - 'y'\r\n",
        "a: 1\rb: 2\n",
        "a: [a,b, [c,d], { e: 1 }]\nb: [a]x\nc: [a, ]\nd: {a}\ne: [a: 1]\n",
        "-_: 0\n2023-02-30: x\n",  # keys that look like a number or a date and are none
        # telephone numbers (text), and hyphened numbers YAML might claim (left to ruamel)
        "a: 010-62086559\nb: 010-62086562  62086573\nc: 2023-9-8\nd: 1-2-3\ne: 2023-09-08 1\n",
        "a: 2023-9-8 10:00:00\nb: 2023-09-08 10:00:00\nc: -1-2\nd: 1--2\ne: 1-2-\nf: 12 -3\n",
    ],
)
def test_plain_reader_agrees_on_edges(text: str) -> None:
    plain, general = _both(text)
    assert plain == general


# Mostly what specs hold, sometimes anything YAML gives a meaning to.
_SAFE = st.text(alphabet="a中文1 0，：。（）e_tn", min_size=1, max_size=6).map(str.strip).filter(bool)
_HOSTILE = st.text(alphabet="a中1 0.:#-'\"[]{},~!&*|>?%@`e_tn", min_size=1, max_size=6)
_PLAIN_SPECIAL = st.sampled_from(["2023-07-18", "2023-02-30", "81.5", "true", "null", "yes", "12", "0"])
_SPECIAL = _PLAIN_SPECIAL | st.sampled_from(
    ["0123", "<<", "=", "1.", "-5", "1e3", "1_000", ".inf", "010-62086559", "1-2  3", "2023-9-8 1:00:00"]
)
_ANY_SCALAR = st.one_of(_SAFE, _SAFE, _SAFE, _HOSTILE, _SPECIAL)
_ANY_KEY = st.one_of(_SAFE, _SAFE, st.text(alphabet="ab中1_ :#-'", min_size=1, max_size=4))


def _tree(scalars: st.SearchStrategy[str], keys: st.SearchStrategy[str], depth: int = 0) -> st.SearchStrategy:
    if depth >= 3:
        return scalars
    inner = st.deferred(lambda: _tree(scalars, keys, depth + 1))
    return st.one_of(
        scalars,
        st.lists(inner, min_size=1, max_size=3),
        st.dictionaries(keys, inner, min_size=1, max_size=3),
    )


def _render(value: object, indent: int, style: st.DataObject) -> list[str]:
    """Block YAML of ``value`` at ``indent``, its layout drawn (compact items, indentless
    sequences, flow collections, quotes, comments, uneven indents)."""
    pad = " " * indent
    step = style.draw(st.sampled_from([1, 2, 4]))
    if isinstance(value, dict):
        lines = []
        for key, item in value.items():
            if not isinstance(item, dict | list) or style.draw(st.booleans()) and _flat(item):
                lines.append(f"{pad}{key}: {_inline(item, style)}")
                continue
            lines.append(f"{pad}{key}:" + style.draw(st.sampled_from(["", "  # c", " "])))
            shift = 0 if isinstance(item, list) and style.draw(st.booleans()) else step
            lines += _render(item, indent + shift, style)
        return lines
    if isinstance(value, list):
        lines = []
        for item in value:
            if isinstance(item, dict | list) and style.draw(st.booleans()):
                inner = _render(item, indent + 2, style)
                lines.append(f"{pad}- {inner[0].lstrip(' ')}")
                lines += inner[1:]
            elif isinstance(item, dict | list):
                lines.append(f"{pad}-")
                lines += _render(item, indent + step, style)
            else:
                lines.append(f"{pad}- {_inline(item, style)}")
        return lines
    return [f"{pad}{_inline(value, style)}"]


def _flat(value: object) -> bool:
    return all(not isinstance(v, dict | list) for v in (value.values() if isinstance(value, dict) else value))


def _inline(value: object, style: st.DataObject, flow: bool = False) -> str:
    if isinstance(value, list):
        return "[" + ", ".join(_inline(v, style, True) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_inline(v, style, True)}" for k, v in value.items()) + "}"
    if flow and style.draw(st.booleans()):
        return str(value)
    quote = style.draw(st.sampled_from(["", "", "'", '"']))
    text = str(value).replace("'", "''") if quote == "'" else str(value)
    return f"{quote}{text}{quote}" + style.draw(st.sampled_from(["", "", " # c", "  "]))


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.dictionaries(_SAFE, _tree(_SAFE | _PLAIN_SPECIAL, _SAFE), min_size=1, max_size=4), st.data())
def test_plain_reader_agrees_on_generated_specs(tree: dict[str, object], style: st.DataObject) -> None:
    """Spec-like documents in every layout: most are read by the plain reader."""
    text = "\n".join(_render(tree, 0, style)) + "\n"
    plain, general = _both(text)
    assert plain == general, text


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.dictionaries(_ANY_KEY, _tree(_ANY_SCALAR, _ANY_KEY), min_size=1, max_size=4), st.data())
def test_plain_reader_agrees_on_hostile_documents(tree: dict[str, object], style: st.DataObject) -> None:
    """Indicators, comments and quotes anywhere: read alike, or left to the parser."""
    text = "\n".join(_render(tree, 0, style)) + "\n"
    plain, general = _both(text)
    assert plain == general, text


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet="中文a1Z 、。“”（）\\\\·—…〔〕%.′", max_size=24))
def test_slice_widths_are_line_widths(text: str) -> None:
    """Title breaking measures slices by prefix sums: exactly what line_width says."""
    widths = SliceWidths(text)
    for start in range(len(text) + 1):
        for end in range(start, len(text) + 1):
            assert widths(start, end) == line_width(text[start:end]), (text, start, end)


def _modules_after_build(command: list[str], cache: Path) -> set[str]:
    probe = (
        "import os, sys\n"
        f"os.environ.update(WENSHU_PAGINATE='0', XDG_CACHE_HOME={str(cache)!r})\n"
        "os.environ.pop('WENSHU_NO_CACHE', None)\n"
        "from click.testing import CliRunner\nfrom wenshu.cli.main import main\n"
        f"r = CliRunner().invoke(main, {command!r})\n"
        "assert r.exit_code == 0, r.output\n"
        "print(' '.join(sorted(sys.modules)))"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return set(done.stdout.split())


def test_build_of_a_notice_imports_only_what_it_uses(tmp_path) -> None:
    """Once the caches hold its spec, schema, templates and frame, a build of a notice loads
    no YAML parser, neither the skeletons (``wenshu new``), the round's rules, docxtpl (frames
    are cached), the pagination pass nor the spreadsheet reader; none of the other commands'
    modules (the checker, the importer, the workbench and Flask), nor what only other kinds
    use (the annex kinds' catalogues and composers, the letters' rules). The spec checked
    by the first build, neither Cerberus, the validation rules nor Jinja2 (its checked values
    and Markdown are kept). Nor the word segmenter, jieba: no line of it ends between two
    characters the titles' lexicon does not know."""
    build = ["build", str(NOTICE), "-o", str(tmp_path / "out"), "--format", "docx"]
    _modules_after_build(build, tmp_path / "cache")  # fills the caches
    loaded = _modules_after_build(build, tmp_path / "cache")
    assert "wenshu.render.package" in loaded  # the probe sees what the build used
    unwanted = {
        "ruamel",
        "ruamel.yaml",
        "wenshu.skeleton",
        "jinja2.meta",
        "wenshu.compose.round",
        "docxtpl",
        "wenshu.build.paginate",
        "wenshu.office.libreoffice",
        "openpyxl",
        "yaml",
        "flask",
        "wenshu.check",  # a package stands for all its modules: loading one loads it
        "wenshu.importing",
        "wenshu.serve",
        "wenshu.cli.check",
        "wenshu.cli.importing",
        "wenshu.cli.serve",
        "wenshu.cli.specs",
        "wenshu.compose.annexes",
        "wenshu.rules.categories",
        "wenshu.spec.catalogue",
        "wenshu.rules.letters",
        "cerberus",
        "importlib.metadata",  # Cerberus's, for its version
        "wenshu.validate",
        "jinja2",
        "wenshu.render.markdown",
        # the word segmenter (0.6 s of CPU to load its dictionary): the notice's 附件说明 names
        # break where the lexicon knows the words (wenshu.text.words)
        "jieba",
    }
    assert not loaded & unwanted, sorted(loaded & unwanted)
    # `wenshu validate` (a command of wenshu.cli.specs) checks the round its files make (the
    # round's rules, the catalogue), and writes no Word file.
    validating = {
        "wenshu.cli.specs",
        "wenshu.compose.round",
        "wenshu.compose.annexes",
        "wenshu.rules.categories",
    }
    validating |= {"wenshu.spec.catalogue", "cerberus", "importlib.metadata", "wenshu.validate", "jinja2"}
    validating.add("wenshu.render.markdown")
    unwanted = (unwanted - validating) | {"docx", "difflib"}
    check = _modules_after_build(["validate", str(NOTICE)], tmp_path / "cache")
    assert not check & unwanted, sorted(check & unwanted)


def test_batch_of_letters_imports_only_what_it_uses(tmp_path) -> None:
    """Once the caches are filled, ``wenshu batch`` from a CSV reads its YAML and wenshu's own
    catalogue (a mapping keyed by year) without ruamel, and loads neither the skeletons,
    docxtpl, the spreadsheet reader nor the round's rules."""
    letters = ROOT / "examples" / "letters" / "recommendations.yaml"
    batch = ["batch", str(letters), "-o", str(tmp_path / "out"), "-j", "1", "--format", "docx"]
    _modules_after_build(batch, tmp_path / "cache")  # fills the caches
    loaded = _modules_after_build(batch, tmp_path / "cache")
    assert "wenshu.build.letter_shapes" in loaded  # the probe sees what the batch used
    unwanted = {"ruamel", "ruamel.yaml", "wenshu.skeleton", "docxtpl", "openpyxl"}
    unwanted |= {"wenshu.compose.round"}
    assert not loaded & unwanted, sorted(loaded & unwanted)


def _build(runner, spec: Path, out: Path, *more: str) -> tuple[int, str]:
    from wenshu.cli.main import main

    done = runner.invoke(main, ["build", str(spec), "-o", str(out), "--format", "docx,md", *more])
    return done.exit_code, done.output


def test_checks_kept_from_an_earlier_build_follow_every_file_read(tmp_path, monkeypatch) -> None:
    """A spec file checked by an earlier build is not checked again (its values and Markdown
    are kept), but what is built is always what a build without the cache makes: after an
    edit of an annex file it attaches (of the same size), as a draft, after an edit of the
    spec, and with an annex file gone (refused, as without the cache)."""
    import shutil

    from click.testing import CliRunner

    from wenshu import validate

    monkeypatch.setenv("WENSHU_PAGINATE", "0")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.delenv("WENSHU_NO_CACHE", raising=False)
    runner = CliRunner()
    for sub in ("notices", "annexes"):
        (tmp_path / sub).mkdir()
    spec = tmp_path / "notices" / "cnipa-2022-497.yaml"
    shutil.copy(ROOT / "examples" / "notices" / spec.name, spec)
    for name in ("quota-2022.yaml", "contact-form.yaml"):
        shutil.copy(ROOT / "examples" / "annexes" / name, tmp_path / "annexes" / name)
    annex = tmp_path / "annexes" / "quota-2022.yaml"
    checks = []
    real_validate = validate.validate

    def counted(checked, **options):
        checks.append(checked.path)
        return real_validate(checked, **options)

    monkeypatch.setattr(validate, "validate", counted)

    def both(name: str, *more: str) -> str:
        """The build's Markdown, with the cache and without; the two must be equal."""
        assert _build(runner, spec, tmp_path / name, *more)[0] == 0
        with monkeypatch.context() as plain:
            plain.setenv("WENSHU_NO_CACHE", "1")
            assert _build(runner, spec, tmp_path / f"{name}-plain", *more)[0] == 0
        for ext in ("md", "docx"):
            kept, fresh = (tmp_path / n / f"{spec.stem}.{ext}" for n in (name, f"{name}-plain"))
            assert kept.read_bytes() == fresh.read_bytes(), (name, ext)
        return (tmp_path / name / f"{spec.stem}.md").read_text(encoding="utf-8")

    first = both("first")
    checks.clear()
    assert both("again") == first
    assert checks.count(spec) == 1  # only the build without the cache checked the spec

    annex.write_text(
        annex.read_text(encoding="utf-8").replace("[北京市, 17]", "[北京市, 71]"), encoding="utf-8"
    )
    edited = both("annex edited")
    assert "71" in edited and edited != first

    both("draft", "--draft")

    spec.write_text(
        spec.read_text(encoding="utf-8").replace("date: 2022-05-26", "date: 2022-05-25"), encoding="utf-8"
    )
    assert "2022年5月25日" in both("spec edited")

    annex.unlink()
    code, output = _build(runner, spec, tmp_path / "gone")
    assert code == 1 and "找不到附件文件" in output
