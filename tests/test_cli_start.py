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
    unwanted = {"cerberus", "wenshu.validate", "wenshu.compose.round", "wenshu.compose.catalogue", "docx"}
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
