"""Real rendering: every example laid out by LibreOffice, measured from the PDF.

All examples (and a few deliberately broken files) go through ONE LibreOffice run in a
session fixture; the tests then read the measurements: 22 lines on every full page,
28 characters on every full line, page numbers odd right / even left, title and body on
page one. Marked ``render``: they need LibreOffice, poppler-utils and fonts-noto-cjk.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from wenshu import layout as L
from wenshu.check import Report, check_files
from wenshu.cli.main import main
from wenshu.office.libreoffice import SOFFICE_ENV

from .test_check import LETTER, STYLES, in_style, mutate, part_with, replace_once
from .test_pagination import PAGE_FLOW
from .test_same_text import EXAMPLE_IDS, EXAMPLE_SPECS, examples  # noqa: F401  (fixture)

# Files broken on purpose: what the rendered check must then report.
BROKEN = {
    "line-600": ("render-lines", STYLES, lambda t: t.replace('w:line="579"', 'w:line="600"')),
    "no-char-spacing": (
        "render-chars",
        STYLES,
        in_style("WsBody", '<w:spacing w:val="-5"/>', '<w:spacing w:val="0"/>'),
    ),
}


@pytest.fixture(scope="session")
def rendered(examples, tmp_path_factory) -> dict[str, Report]:  # noqa: F811
    """name → report, for every example output and every broken file, from one LibreOffice run."""
    work = tmp_path_factory.mktemp("render")
    paths: dict[str, Path] = {out.name: out.docx for out in examples.all_outputs()}
    base = paths["notices/cnipa-2023-582"].read_bytes()
    for name, (_, part, change) in BROKEN.items():
        paths[name] = work / f"{name}.docx"
        paths[name].write_bytes(mutate(base, part, change))
    even = part_with(base, 'w:jc w:val="left"/></w:pPr><w:r><w:t xml:space="preserve">— ')
    paths["even-right"] = work / "even-right.docx"
    paths["even-right"].write_bytes(
        mutate(base, even, replace_once('w:jc w:val="left"', 'w:jc w:val="right"'))
    )
    reports = check_files(list(paths.values()), render=True)
    return dict(zip(paths, reports, strict=True))


def _render_codes(report: Report) -> set[str]:
    return {d.code for d in report.deviations if d.code.startswith("render-")}


@pytest.mark.render
@pytest.mark.parametrize("spec", EXAMPLE_SPECS, ids=EXAMPLE_IDS)
def test_every_full_page_is_22_lines_of_28_characters(examples, rendered, spec):  # noqa: F811
    for out in examples.outputs(spec):
        report = rendered[out.name]
        assert report.error is None, report.error
        lines = report.measurements["lines_per_full_page"]
        assert set(lines.values()) <= {L.LINES_PER_PAGE}, f"{out.name}: {lines}"
        if "chars_per_full_line" in report.measurements:
            assert report.measurements["chars_per_full_line"] == L.CHARS_PER_LINE, out.name
        if "line_pitch_pt" in report.measurements:  # a form of tables has no body lines to measure
            assert abs(report.measurements["line_pitch_pt"] - L.LINE_PITCH_TWIPS / L.TWIPS_PER_PT) < 0.1
        # Page flow (signature page, 版记, table breaks) needs the pagination pass these
        # unpaginated builds skip: tests/test_pagination.py measures it after the pass.
        others = _render_codes(report) - PAGE_FLOW
        assert not others, "\n".join(str(d) for d in report.deviations)


@pytest.mark.render
def test_the_grid_was_really_measured(rendered):
    """Not vacuous: many full pages and full lines were found among the examples."""
    pages = sum(len(r.measurements.get("lines_per_full_page", {})) for r in rendered.values())
    lines = [r for r in rendered.values() if "chars_per_full_line" in r.measurements]
    assert pages >= 10
    assert len(lines) >= 10
    assert sum("line_pitch_pt" in r.measurements for r in rendered.values()) >= 10


@pytest.mark.render
@pytest.mark.parametrize("name", sorted(BROKEN))
def test_rendered_check_sees_a_broken_grid(rendered, name):
    code = BROKEN[name][0]
    assert code in _render_codes(rendered[name]), "\n".join(str(d) for d in rendered[name].deviations)


@pytest.mark.render
def test_rendered_check_sees_even_page_numbers_on_the_right(rendered):
    report = rendered["even-right"]
    misplaced = [d for d in report.deviations if d.code == "render-page-number-place"]
    assert misplaced and all(int(loc.part.split()[1]) % 2 == 0 for loc in misplaced[0].locations)


@pytest.mark.render
def test_rendered_letters_have_no_number_on_page_one(examples, rendered):  # noqa: F811
    report = rendered["notices/cnipa-2023-582"]
    assert report.measurements["pages"] > 2
    assert "render-page-number" not in _render_codes(report)
    assert any("未安装" in note for note in report.notes)  # substituted fonts are named


@pytest.mark.render
def test_merged_letters_restart_their_page_numbers(examples, tmp_path):  # noqa: F811
    """Two multi-page letters merged for printing: each first page unnumbered, then — 2 — …"""
    from wenshu.render.merge import merge_docx

    letter = examples.outputs(next(p for p in EXAMPLE_SPECS if p.stem == "cnipa-2023-582"))[0].docx
    merged = tmp_path / "merged.docx"
    merged.write_bytes(merge_docx([letter.read_bytes(), letter.read_bytes()]))
    (report,) = check_files([merged], render=True)
    assert report.measurements["pages"] > 4
    assert not {c for c in report.codes if c.startswith("render-page-number")}, report.codes


@pytest.mark.render
def test_a_copy_saved_by_libreoffice_checks_clean(examples, tmp_path):  # noqa: F811
    """A realistic foreign file: wenshu's letter opened and saved again as .docx by LibreOffice
    (new style ids, borders moved onto table cells, its own settings)."""
    source = next(o for o in examples.all_outputs() if o.name == "notices/cnipa-2023-582").docx
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}",
            "--headless",
            "--convert-to",
            "docx:MS Word 2007 XML",
            "--outdir",
            str(tmp_path),
            str(source),
        ],
        capture_output=True,
        timeout=300,
        check=True,
    )
    report = check_files([tmp_path / source.name])[0]
    assert report.ok, "\n".join(str(d) for d in report.deviations)


@pytest.mark.render
def test_build_pdf_beside_the_docx(tmp_path):
    spec = tmp_path / "letter.yaml"
    spec.write_text(LETTER, encoding="utf-8")
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["build", str(spec), "-o", str(out), "--pdf"])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == ["letter.docx", "letter.md", "letter.pdf"]
    text = subprocess.run(["pdftotext", str(out / "letter.pdf"), "-"], capture_output=True, text=True).stdout
    assert "特此通知" in text and "国知办函运字" in text


@pytest.mark.render
def test_batch_pdf_beside_every_letter(tmp_path):
    spec = Path(__file__).resolve().parents[1] / "examples" / "letters" / "recommendations.yaml"
    out = tmp_path / "letters"
    result = CliRunner().invoke(main, ["batch", str(spec), "-o", str(out), "--pdf"])
    assert result.exit_code == 0, result.output
    letters = sorted(p.stem for p in out.glob("*.docx"))
    assert letters and sorted(p.stem for p in out.glob("*.pdf")) == letters


@pytest.mark.render
def test_check_png_writes_page_images(tmp_path):
    spec = tmp_path / "letter.yaml"
    spec.write_text(LETTER, encoding="utf-8")
    CliRunner().invoke(main, ["build", str(spec), "-o", str(tmp_path)])
    pngs = tmp_path / "png"
    result = CliRunner().invoke(main, ["check", str(tmp_path / "letter.docx"), "--png", str(pngs)])
    assert result.exit_code == 0, result.output
    images = sorted(pngs.glob("letter-*.png"))
    assert images and images[0].read_bytes().startswith(b"\x89PNG")


def test_build_pdf_without_libreoffice_says_how_to_install(tmp_path, monkeypatch):
    monkeypatch.setenv(SOFFICE_ENV, str(tmp_path / "no-such-soffice"))
    spec = tmp_path / "letter.yaml"
    spec.write_text(LETTER, encoding="utf-8")
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["build", str(spec), "-o", str(out), "--pdf"])
    assert result.exit_code == 1
    assert "未找到 LibreOffice" in result.output and "apt-get install" in result.output
    assert "Traceback" not in result.output
    assert not out.exists() or not any(out.iterdir())


def test_check_render_without_libreoffice(tmp_path, monkeypatch):
    monkeypatch.setenv(SOFFICE_ENV, str(tmp_path / "no-such-soffice"))
    spec = tmp_path / "letter.yaml"
    spec.write_text(LETTER, encoding="utf-8")
    CliRunner().invoke(main, ["build", str(spec), "-o", str(tmp_path)])
    result = CliRunner().invoke(main, ["check", "--render", str(tmp_path / "letter.docx")])
    assert result.exit_code == 1
    assert "未找到 LibreOffice" in result.output and "Traceback" not in result.output


def test_the_sandbox_judges_fields_and_attributes_as_jinja_does() -> None:
    """The template environment's quick ways (a plain dict's field looked up at once, the
    safety of an attribute of a plain type asked once per type and name) give what Jinja's
    sandbox gives: a key is a field unless dict has an attribute of that name, and what
    would change a value or reach Python's insides stays refused, the second time too."""
    import jinja2
    from jinja2.sandbox import SecurityError

    from wenshu.render.markdown import environment

    env = environment()
    fields = env.from_string(
        "{{ d.title }}|{{ d['items'] }}|{{ d.items is callable }}|{{ m.head is defined }}"
    )
    module = env.from_string("{% macro head() %}x{% endmacro %}").module
    for _ in range(2):
        assert fields.render(d={"title": "题", "items": "项"}, m=module) == "题|项|True|True"
        for unsafe, value in (("d.update", {}), ("d.__class__", {}), ("d.append", []), ("d.__len__", "文")):
            with pytest.raises((SecurityError, jinja2.UndefinedError)):
                env.from_string("{{ " + unsafe + " }}").render(d=value)
    with pytest.raises(jinja2.UndefinedError):
        env.from_string("{{ d.missing }}").render(d={"title": "题"})
