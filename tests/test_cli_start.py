"""A command imports only what it needs: `wenshu --help` stays light."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HEAVY = ("docx", "docxtpl", "jinja2", "markdown_it", "cerberus", "lxml", "ruamel", "openpyxl")


def _modules_after(code: str) -> set[str]:
    probe = f"import sys\n{code}\nprint(' '.join(sorted(m.split('.')[0] for m in sys.modules)))"
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
    """`wenshu schema notice` a second time: the schema comes from the JSON cache."""
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
    assert "ruamel" not in loaded
    assert not loaded & {"docx", "docxtpl", "markdown_it", "lxml"}


def test_validate_imports_no_word_writer() -> None:
    """Checking a spec needs the schema and the rules, not python-docx or docxtpl."""
    notice = str(Path(__file__).parents[1] / "examples" / "notices" / "cnipa-2023-582.yaml")
    loaded = _modules_after(
        "from click.testing import CliRunner\nfrom wenshu.cli.main import main\n"
        f"assert CliRunner().invoke(main, ['validate', {notice!r}]).exit_code == 0"
    )
    assert not loaded & {"docx", "docxtpl", "openpyxl"}, sorted(loaded & {"docx", "docxtpl", "openpyxl"})
