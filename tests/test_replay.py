"""A batch letter's Markdown replayed from another letter's render (wenshu.render.replay) is
byte for byte the Markdown its template makes: for hostile values (Markdown and XML specials,
Extension-B characters, white space, names that break the title otherwise), for templates that
look at a value (its length, its characters, a comparison, a loop over it), and a template
doing what the replay cannot follow is never replayed."""

from __future__ import annotations

import itertools
from pathlib import Path
from types import SimpleNamespace

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import REPO
from wenshu.build.batch import load_batch
from wenshu.errors import WenshuError
from wenshu.render.markdown import environment, render_markdown
from wenshu.render.replay import Replays, own_leaves, record
from wenshu.spec.records import Record, RecordSpec
from wenshu.validate import validate

LETTERS = REPO / "examples" / "letters"


def batch_spec(folder: Path, records: str) -> Path:
    """The example 推荐函 spec with these records (and room in the quota for them)."""
    base = (LETTERS / "recommendations.yaml").read_text("utf-8").replace("data: recommendations.csv\n", "")
    base = base.replace("  国家知识产权强县建设试点县: 4\n", "  国家知识产权强县建设试点县: 4000\n")
    spec = folder / "letters.yaml"
    spec.write_text(base + "programme: 国家知识产权强县建设试点县\nrecords:\n" + records, encoding="utf-8")
    return spec


@pytest.fixture(scope="module")
def letters(tmp_path_factory):
    """A batch of benchmark-like letters: its spec and a first record to record from."""
    records = "".join(
        f"  - {{applicant: 示例市{i:04d}, rank: {i}, doc_number: 示知函〔2023〕{i}号}}\n"
        for i in range(1, 41)
    )
    return load_batch(batch_spec(tmp_path_factory.mktemp("replay"), records))


def full_and_replayed(replays: Replays, batch, values: dict) -> tuple[str, str] | None:
    """The Markdown of a record with ``values`` by the template and by ``replays`` (None: invalid)."""
    spec = RecordSpec(batch.spec, Record(batch.records[0].source, 2, values))
    try:
        kind, document = validate(spec)
    except WenshuError:
        return None
    full = render_markdown(kind, document, spec.name, steady=True)
    return full, replays.markdown(kind, document, values, spec.name)


def test_the_benchmark_letters_are_replayed_after_the_first(letters):
    replays = Replays()
    for record_ in letters.records:
        full, replayed = full_and_replayed(replays, letters, record_.values)
        assert replayed == full, record_.row
    assert replays.replayed == len(letters.records) - 1


# What the template or Markdown treats as more than text, characters beyond the BMP, white
# space, and lengths that break the title elsewhere or make it wrap.
HOSTILE = st.sampled_from(
    [
        "<",
        ">",
        "&",
        "&amp;",
        '"',
        "'",
        "*",
        "_",
        "`",
        "\\",
        "[",
        "]",
        "|",
        "#",
        "-",
        "1.",
        "~",
        "\u3000",
        " ",
        "\t",
        "\n",
        "𠀀",
        "𪚥",
        "示",
        "例",
        "市",
        "县",
        "区",
        "人民政府",
        "，",
        "（",
        "）",
        "签发人：",
        "A",
        "z",
        "0",
        "9",
        "知识产权局",
        "很长的名字" * 6,
        "\u200b",
        "{{ x }}",
        "{%",
        "<w:p>",
    ]
)
APPLICANT = st.lists(HOSTILE, min_size=0, max_size=12).map("".join)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(applicant=APPLICANT, rank=st.integers(min_value=-2, max_value=10**6), number=st.integers(1, 9999))
def test_hostile_values_replay_to_the_templates_markdown(letters, applicant, rank, number):
    replays = Replays()
    first = letters.records[0].values
    assert full_and_replayed(replays, letters, first) is not None  # recorded from this one
    values = {"applicant": applicant, "rank": rank, "doc_number": f"示知函〔2023〕{number}号"}
    both = full_and_replayed(replays, letters, values)
    if both is not None:
        assert both[1] == both[0]


_NAMES = itertools.count()


@pytest.fixture
def template(tmp_path, monkeypatch):
    """Write a template the kinds' environment (and the replay's, sharing its loader) can load."""
    folder = tmp_path / "templates"
    folder.mkdir()
    monkeypatch.setattr(environment().loader, "searchpath", [str(folder), *environment().loader.searchpath])

    def write(text: str) -> SimpleNamespace:
        name = f"replay-test-{next(_NAMES)}.md.j2"  # the steady environments keep a name's first template
        (folder / name).write_text(text, encoding="utf-8")
        return SimpleNamespace(template=name, source=str(folder / name), label="测试")

    return write


LOOKING = [
    '{% if applicant == "示例甲市" %}甲{% else %}{{ applicant }}{% endif %}',
    "{% if applicant | length > 4 %}长{% endif %}{{ applicant }}",
    '{{ "县" if "县" in applicant else "市" }}{{ applicant }}',
    "{% for c in applicant %}{{ c }}、{% endfor %}",
    "{{ applicant[0] }}{{ applicant[-1] }}",
    "{% set parts = [applicant ~ '关于', '的函'] %}{{ parts | join('<br>') }}{{ parts[0] | length }}",
    "{{ (applicant ~ '关于推荐') | split_title | join('<br>') }}",
    "{{ rank + 1 }}{{ rank * 2 }}{% if rank > 3 %}后{% endif %}",
    "{{ applicant or '无' }}{{ applicant and '有' }}{{ not applicant }}",
    "{% set d = {'a': applicant} %}{{ d.a }}{{ d | length }}",
    "{{ [applicant, rank] | join('/') }}{{ [applicant, rank] }}",
]
VALUES = ["示例甲市", "示例乙县", "甲", "示例市很长很长的名字", "", "A&B", "𠀀𠀁"]


@pytest.mark.parametrize("text", LOOKING)
def test_a_template_looking_at_a_value_replays_only_what_it_would_make(template, text):
    kind = template(text)
    replays = Replays()
    replayed = 0
    for applicant in VALUES * 2:
        for rank in (1, 5):
            document = {"applicant": applicant, "rank": rank, "shared": "共同"}
            values = {"applicant": applicant, "rank": rank}
            before = replays.replayed
            try:
                full = render_markdown(kind, document, "x.yaml", steady=True)
            except WenshuError:  # the template fails on this value: so does the replay
                with pytest.raises(WenshuError):
                    replays.markdown(kind, document, values, "x.yaml")
                continue
            assert replays.markdown(kind, document, values, "x.yaml") == full, (applicant, rank)
            replayed += replays.replayed - before
    assert replayed  # the same value again always comes out the same way


@pytest.mark.parametrize(
    "text",
    [
        "{{ applicant[:2] }}",  # a slice
        "{% filter upper %}{{ applicant }}{% endfilter %}",
        '{% include "letters/parts.md.j2" %}{{ applicant }}',
        "{% set a, b = applicant %}{{ a }}",  # unpacking a value
        "{{ {applicant: 1} }}",  # a value as a key
        "{{ applicant.upper() }}",  # a method of a value
        "{% for x in [1, 2] %}{{ loop.changed(applicant) }}{% endfor %}",  # a method keeping state
        "\ue000{{ applicant }}",  # the stand-ins' own character
    ],
)
def test_what_the_replay_cannot_follow_is_never_replayed(template, text):
    kind = template(text)
    document = {"applicant": "示例市", "rank": 1}
    assert record(kind.template, document, own_leaves(document, document)) is None


def test_a_value_of_another_type_or_other_shared_values_are_rendered_in_full(template):
    kind = template("{{ shared }}{{ applicant }}{{ rank }}")
    replays = Replays()
    for document in (
        {"applicant": "甲", "rank": 1, "shared": "共"},
        {"applicant": "乙", "rank": "1", "shared": "共"},  # rank as text
        {"applicant": "丙", "rank": 2, "shared": "另"},  # another shared value
        {"applicant": "丁", "rank": 3, "shared": "共"},
    ):
        values = {"applicant": document["applicant"], "rank": document["rank"]}
        assert replays.markdown(kind, document, values, "x.yaml") == render_markdown(kind, document, "x")
    assert replays.replayed == 1  # 丁 only


def test_a_value_seen_inside_what_the_replay_cannot_look_into_is_never_replayed(template):
    # contact.values() is a view: its lengths, read unseen, would be the stand-ins' lengths.
    kind = template("{{ contact.values() | map('length') | join(',') }}")
    document = {"contact": {"name": "张示例", "phone": "0000"}}
    values = {"contact": {"name": "张示例", "phone": "0000"}}
    assert record(kind.template, document, own_leaves(values, document)) is None
    replays = Replays()
    for name in ("张示例", "李示例某", "王"):
        document = values = {"contact": {"name": name, "phone": "0000"}}
        full = render_markdown(kind, document, "x.yaml", steady=True)
        assert replays.markdown(kind, document, values, "x.yaml") == full
    assert replays.replayed == 0


def test_a_template_edited_between_batches_counts_from_the_next(tmp_path, monkeypatch):
    """The workbench runs batches in its own process: a template edited after one batch
    must be the one the next batch renders (replayed, steady and shared alike)."""
    from wenshu.build.batch import run_batch
    from wenshu.render.replay import steady_replays

    folder = tmp_path / "templates"
    (folder / "letters").mkdir(parents=True)
    name = "letters/recommendation_letter.md.j2"
    original = (REPO / "templates" / name).read_text("utf-8")
    (folder / name).write_text(original, encoding="utf-8")
    monkeypatch.setattr(environment().loader, "searchpath", [str(folder), *environment().loader.searchpath])
    records = "".join(
        f"  - {{applicant: 示例县{i:03d}, rank: {i}, doc_number: 示知函〔2023〕{i}号}}\n" for i in range(1, 6)
    )
    spec = batch_spec(tmp_path, records)
    try:
        for round, edit in enumerate(["", "认真", "再次"]):
            (folder / name).write_text(original.replace("进行了审核", f"进行了{edit}审核"), encoding="utf-8")
            out = tmp_path / f"out{round}"
            result = run_batch(load_batch(spec), out, jobs=1)
            assert result.succeeded == 5
            texts = [p.read_text("utf-8") for p in sorted(out.glob("*.md"))]
            assert len(texts) == 5 and all(f"进行了{edit}审核。" in t for t in texts), (edit, texts[-1])
    finally:
        monkeypatch.undo()
        steady_replays()  # the templates as they are for the tests that follow


def test_a_later_batch_command_compiles_no_template(letters, tmp_path):
    """The templates a batch command compiles — the kind's, and their rewritten form the first
    letter's recording uses — are kept in the user cache: a later command compiles none of
    them, and writes the same letters."""
    import os
    import subprocess
    import sys

    program = (
        "import sys, jinja2\n"
        "compiled = []\n"
        "parse = jinja2.Environment._parse\n"
        "jinja2.Environment._parse = lambda self, *a: compiled.append(a[1]) or parse(self, *a)\n"
        "from wenshu.cli.main import main\n"
        "try:\n"
        "    main(sys.argv[1:])\n"
        "except SystemExit as end:\n"
        "    assert not end.code, end.code\n"
        "print(len(compiled))\n"
    )
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache"), "WENSHU_PAGINATE": "0"}
    env.pop("WENSHU_NO_CACHE", None)
    compiled = []
    spec = str(letters.spec.path)
    for out in ("first", "again"):
        done = subprocess.run(
            [sys.executable, "-c", program, "batch", spec, "-o", str(tmp_path / out), "-j", "1"],
            capture_output=True,
            text=True,
            env=env,
            check=True,
        )
        compiled.append(int(done.stdout.strip().splitlines()[-1]))
    assert compiled[0] > 0 and compiled[1] == 0, compiled
    first = {p.name: p.read_bytes() for p in (tmp_path / "first").iterdir()}
    assert len(first) == 2 * len(letters.records)
    assert first == {p.name: p.read_bytes() for p in (tmp_path / "again").iterdir()}


def test_templates_compiled_otherwise_are_compiled_again_under_another_salt(tmp_path, monkeypatch):
    """A compiled template kept under one salt (a stamp of the code that compiled it) is not
    used under another, nor by the plain templates' cache; nor is any under another Jinja."""
    import jinja2

    from wenshu.render.markdown import template_cache

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.delenv("WENSHU_NO_CACHE", raising=False)
    compiled = []

    class Counting(jinja2.Environment):
        def _parse(self, source, name, filename):
            compiled.append(name)
            return super()._parse(source, name, filename)

    def compile_with(cache):
        env = Counting(loader=jinja2.DictLoader({"t.j2": "{{ x }}!"}), bytecode_cache=cache)
        assert env.get_template("t.j2").render(x=1) == "1!"
        return len(compiled)

    assert compile_with(template_cache("traced", "one")) == 1
    assert compile_with(template_cache("traced", "one")) == 1  # kept
    assert compile_with(template_cache("traced", "two")) == 2  # another salt: compiled again
    assert compile_with(template_cache()) == 3  # the plain templates' folder is another
    assert compile_with(template_cache()) == 3
    # another Jinja: its runtime may differ where its bytecode format does not
    monkeypatch.setattr(jinja2, "__version__", jinja2.__version__ + ".other")
    assert compile_with(template_cache()) == 4
    assert compile_with(template_cache("traced", "one")) == 5
