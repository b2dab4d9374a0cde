"""A command imports only what it needs: `wenshu --help` stays light."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HEAVY = ("docx", "docxtpl", "jinja2", "markdown_it", "cerberus", "lxml", "ruamel", "openpyxl")


def _modules_after(code: str, *, whole_names: bool = False) -> set[str]:
    name = "m" if whole_names else "m.split('.')[0]"
    probe = f"import sys\n{code}\nprint(' '.join(sorted({name} for m in sys.modules)))"
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return set(done.stdout.split())


def test_help_imports_no_document_library() -> None:
    loaded = _modules_after(
        "from click.testing import CliRunner\nfrom wenshu.cli.main import main\n"
        "assert CliRunner().invoke(main, ['--help']).exit_code == 0"
    )
    assert not loaded & set(HEAVY), sorted(loaded & set(HEAVY))


def test_schema_command_reads_no_yaml_parser_when_cached(tmp_path) -> None:
    """`wenshu schema notice` a second time: the schema comes from the JSON cache, and no
    YAML parser is loaded — neither ruamel nor PyYAML (the reader of specs, which this
    command reads none of)."""
    env = (
        f"import os\nos.environ['XDG_CACHE_HOME'] = {str(tmp_path)!r}\n"
        "os.environ.pop('WENSHU_NO_CACHE', None)\n"
    )
    run = (
        env + "from click.testing import CliRunner\nfrom wenshu.cli.main import main\n"
        "assert CliRunner().invoke(main, ['schema', 'notice']).exit_code == 0"
    )
    _modules_after(run)  # fills the cache
    loaded = _modules_after(run)
    assert "wenshu" in loaded  # the probe sees what the command used
    assert not loaded & {"ruamel", "yaml"}, sorted(loaded & {"ruamel", "yaml"})
    assert not loaded & {"docx", "docxtpl", "markdown_it", "lxml"}


def test_validate_imports_no_word_writer() -> None:
    """Checking a spec needs the schema and the rules, not python-docx or docxtpl; one file
    makes no round, so the rules between a round's files are not loaded either."""
    notice = str(Path(__file__).parents[1] / "examples" / "notices" / "cnipa-2023-582.yaml")
    loaded = _modules_after(
        "from click.testing import CliRunner\nfrom wenshu.cli.main import main\n"
        f"assert CliRunner().invoke(main, ['validate', {notice!r}]).exit_code == 0",
        whole_names=True,
    )
    assert "wenshu.validate" in loaded  # the probe sees what the command used
    unwanted = {"docx", "docxtpl", "openpyxl", "wenshu.compose.round"}
    assert not loaded & unwanted, sorted(loaded & unwanted)


def test_check_loads_neither_the_importer_nor_the_validator(tmp_path) -> None:
    """`wenshu check` of a Word file reads it and runs its rules: the importer (its YAML
    writer on ruamel), the spec validator (Cerberus) and the Word writer are other commands'."""
    from click.testing import CliRunner

    from wenshu.cli.main import main

    notice = str(Path(__file__).parents[1] / "examples" / "notices" / "cnipa-2023-582.yaml")
    built = CliRunner().invoke(
        main, ["build", notice, "-o", str(tmp_path), "--format", "docx", "--no-paginate"]
    )
    assert built.exit_code == 0, built.output
    docx = str(tmp_path / "cnipa-2023-582.docx")
    loaded = _modules_after(
        "from click.testing import CliRunner\nfrom wenshu.cli.main import main\n"
        f"r = CliRunner().invoke(main, ['check', {docx!r}])\n"
        "assert r.exit_code == 0, r.output",
        whole_names=True,
    )
    assert "wenshu.check.checker" in loaded  # the probe sees what the check used
    unwanted = {"ruamel", "cerberus", "docx", "docxtpl", "jinja2", "wenshu.importing", "wenshu.validate"}
    assert not loaded & unwanted, sorted(loaded & unwanted)


def test_new_skeleton_loads_no_validator() -> None:
    """`wenshu new notice` renders a skeleton; only ``--relay`` reads and validates another
    spec, so without it neither Cerberus nor the round's rules and catalogues are loaded."""
    loaded = _modules_after(
        "from click.testing import CliRunner\nfrom wenshu.cli.main import main\n"
        "r = CliRunner().invoke(main, ['new', 'notice'])\n"
        "assert r.exit_code == 0 and '【待补】' in r.output, r.output",
        whole_names=True,
    )
    assert "wenshu.skeleton" in loaded  # the probe sees what the command used
    unwanted = {"cerberus", "wenshu.validate", "wenshu.compose.round", "wenshu.spec.catalogue", "docx"}
    assert not loaded & unwanted, sorted(loaded & unwanted)


def test_build_renders_a_frame_once_and_then_needs_no_docxtpl(tmp_path) -> None:
    """`wenshu build` of one notice: the first run renders its frame through docxtpl and
    keeps it in the cache; the next run reads it from there, imports neither docxtpl nor the
    pagination pass, and writes the same bytes as a run without any cache."""
    notice = str(Path(__file__).parents[1] / "examples" / "notices" / "cnipa-2023-582.yaml")

    def build(out: str, cache: str | None) -> set[str]:
        env = "import os\nos.environ['WENSHU_PAGINATE'] = '0'\n" + (
            f"os.environ['XDG_CACHE_HOME'] = {cache!r}\nos.environ.pop('WENSHU_NO_CACHE', None)\n"
            if cache
            else "os.environ['WENSHU_NO_CACHE'] = '1'\n"
        )
        return _modules_after(
            env + "from click.testing import CliRunner\nfrom wenshu.cli.main import main\n"
            f"r = CliRunner().invoke(main, ['build', {notice!r}, '-o', {out!r}, '--format', 'docx'])\n"
            "assert r.exit_code == 0, r.output",
            whole_names=True,
        )

    cache = str(tmp_path / "cache")
    assert "docxtpl" in build(str(tmp_path / "first"), cache)
    loaded = build(str(tmp_path / "second"), cache)
    assert "docxtpl" not in loaded
    assert not loaded & {"wenshu.build.paginate", "wenshu.office.libreoffice"}
    build(str(tmp_path / "uncached"), None)
    written = [(tmp_path / d / "cnipa-2023-582.docx").read_bytes() for d in ("first", "second", "uncached")]
    assert written[0] == written[1] == written[2]


def test_the_last_collections_skip_what_the_command_loaded() -> None:
    """At the real exit the objects the imports made are frozen before the interpreter's own
    collections walk them (~40 M instructions of a batch command); a process running one
    command after another, as the tests do, still collects between them."""
    probe = (
        "import atexit, gc\n"
        "atexit.register(lambda: print('frozen at exit', gc.get_freeze_count() > 10_000))\n"
        "from click.testing import CliRunner\nfrom wenshu.cli.main import main\n"
        "assert CliRunner().invoke(main, ['--help']).exit_code == 0\n"
        "print('frozen meanwhile', gc.get_freeze_count() > 0)\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split("\n")[:2] == ["frozen meanwhile False", "frozen at exit True"]


def test_batch_reads_its_spec_again_without_pyyaml(tmp_path) -> None:
    """`wenshu batch` a second time over the same spec: the spec's plain YAML is taken from
    the user cache, as read the first time, and PyYAML is not imported (nor anything the
    letters' shape, kept too, would need: python-docx, lxml, markdown-it)."""
    spec = tmp_path / "letters.yaml"
    spec.write_text(
        "kind: recommendation_letter\nissuer: 示例省知识产权局\n"
        "basis:\n  title: 国家知识产权局办公室关于开展试点示范评定工作的通知\n"
        "  doc_number: 国知办函运字〔2023〕582号\n  date: 2023-07-18\n  deadline: 2023-09-15\n"
        "programme: 国家知识产权强市建设示范城市\nreview: 经审核，申报材料完整、真实、准确，符合申报条件。\n"
        "date: 2023-09-08\ncontact:\n  name: 张示例\n  phone: 0000-12345678\n"
        "records:\n- {applicant: 示例市一, rank: 1, doc_number: 示知函〔2023〕1号}\n"
        "- {applicant: 示例市二, rank: 2, doc_number: 示知函〔2023〕2号}\n",
        encoding="utf-8",
    )
    env = (
        f"import os\nos.environ['XDG_CACHE_HOME'] = {str(tmp_path / 'cache')!r}\n"
        "os.environ.pop('WENSHU_NO_CACHE', None)\n"
    )
    args = ["batch", str(spec), "-o", str(tmp_path / "out"), "-j", "1"]
    run = (
        env + "from click.testing import CliRunner\nfrom wenshu.cli.main import main\n"
        f"done = CliRunner().invoke(main, {args!r})\n"
        "assert done.exit_code == 0, done.output"
    )
    first = _modules_after(run)
    assert "yaml" in first  # the first run read the spec with PyYAML
    again = _modules_after(run)
    assert "wenshu" in again
    assert not again & {"yaml", "ruamel", "docx", "lxml", "markdown_it"}, sorted(again & {"yaml", "ruamel"})


def test_a_kept_spec_is_the_spec_read(tmp_path, monkeypatch) -> None:
    """The spec from the cache has the data (types too) and the positions of every key and
    value that reading it gives; an edited file is read again."""
    from wenshu.spec.load import load_spec, parse_spec

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.delenv("WENSHU_NO_CACHE", raising=False)
    notice = Path(__file__).parents[1] / "examples" / "notices" / "cnipa-2023-582.yaml"
    copy = tmp_path / "notice.yaml"
    copy.write_text(notice.read_text(encoding="utf-8"), encoding="utf-8")
    read = parse_spec(copy, copy.read_text(encoding="utf-8"))
    for _ in range(2):  # the first keeps it, the second is taken from the cache
        kept = load_spec(copy)
        assert repr(kept.data) == repr(read.data)
        assert (kept.value_pos, kept.key_pos) == (read.value_pos, read.key_pos)
    assert any((tmp_path / "cache" / "wenshu" / "specs").iterdir())
    copy.write_text(copy.read_text(encoding="utf-8").replace("2023", "2024"), encoding="utf-8")
    assert "2024" in repr(load_spec(copy).data)


def test_a_registry_knows_the_entries_of_the_modules_that_provide_them() -> None:
    """The rules and warnings registered by the letters' and the annex kinds' modules are
    there (listed, found) once the validator, which names those modules, is imported, though
    nothing imported those modules themselves; not before (the registries cannot name the
    modules that import them)."""
    probe = (
        "import sys\nfrom wenshu.rules.advice import ADVICE\nfrom wenshu.rules.checks import CHECKS\n"
        "print('basis_dates' in CHECKS)\nimport wenshu.validate\n"
        "print('wenshu.rules.categories' in sys.modules, 'wenshu.rules.letters' in sys.modules)\n"
        "print('basis_dates' in CHECKS, 'score_tables' in CHECKS.names(), 'categories' in ADVICE)"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["False", "False", "False", "True", "True", "True"]


def test_every_command_is_where_the_list_says() -> None:
    """Each entry of the commands' list (imported only when its command runs) names a Click
    command of that very name, and ``--help`` lists them all."""
    import importlib

    from click.testing import CliRunner

    from wenshu.cli.commands import COMMANDS
    from wenshu.cli.main import main

    for name, where in COMMANDS.items():
        module, _, attribute = where.partition(":")
        assert getattr(importlib.import_module(module), attribute).name == name, where
    shown = CliRunner().invoke(main, ["--help"]).output
    assert all(f"  {name} " in shown for name in COMMANDS), shown
