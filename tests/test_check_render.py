"""``wenshu check --render`` prints the figures on the page, and says what it could not measure
instead of printing a wrong figure: the 实测行距 is the distance of adjacent lines on the page (not
twice it where empty lines stand between paragraphs, not the nominal 28.95 pt), and no 每行字数
when LibreOffice sets a character grid's characters two cells apart (Word keeps one a cell)."""

from __future__ import annotations

from pathlib import Path

import pytest

from wenshu.build.pipeline import render
from wenshu.check import check_files

from .test_check import DOC, LETTER, STYLES, mutate, replace_once
from .test_check_real import CORPUS

_EXACT = 'w:line="579" w:lineRule="exact"'


@pytest.mark.render
def test_render_check_does_not_report_what_it_did_not_measure(tmp_path: Path):
    spec = tmp_path / "letter.yaml"
    spec.write_text(LETTER, encoding="utf-8")
    letter = render(spec).files["docx"]
    # lines 18 pt apart throughout (36 pt across an empty line)
    tight = tmp_path / "tight.docx"
    tight.write_bytes(mutate(letter, STYLES, lambda t: t.replace(_EXACT, 'w:line="360" w:lineRule="exact"')))
    # 28 characters a line by the character grid (15.79 pt cells) with 16 pt text, no character spacing
    gridded = tmp_path / "gridded.docx"
    gridded.write_bytes(
        mutate(
            mutate(
                letter,
                STYLES,
                lambda t: t.replace('<w:spacing w:val="-5"/>', "").replace(
                    '<w:kern w:val="2"/><w:sz w:val="32"/><w:szCs w:val="32"/>',
                    '<w:kern w:val="2"/><w:sz w:val="21"/><w:szCs w:val="21"/>',
                    1,
                ),
            ),
            DOC,
            replace_once(
                '<w:docGrid w:linePitch="579"/>',
                '<w:docGrid w:type="linesAndChars" w:linePitch="579" w:charSpace="-849"/>',
            ),
        )
    )
    tight_report, grid_report = check_files([tight, gridded], render=True)
    assert tight_report.render_error is None and grid_report.render_error is None
    assert tight_report.measurements.get("line_pitch_pt") == pytest.approx(18, abs=0.1), tight_report.notes
    # the grid file: lines really 28.95 pt apart, characters two cells apart on LibreOffice's page
    assert grid_report.measurements.get("line_pitch_pt") == pytest.approx(28.95, abs=0.1), grid_report.notes
    (note,) = [n for n in grid_report.notes if "两格" in n]
    assert "每行只排出约 14 字" in note and "每行 28 字" in note, note
    assert "chars_per_full_line" not in grid_report.measurements
    assert "render-chars" not in grid_report.codes


@pytest.mark.render
@pytest.mark.skipif(not (CORPUS / "mechi_test2_orig.docx").is_file(), reason=f"真实公文语料不在 {CORPUS}")
def test_the_pitch_of_a_half_pitch_file_is_the_one_on_the_page():
    """mechi_test2_orig (Word's default single spacing, 五号): its body lines print 15.6 pt apart,
    and 31.2 pt where an empty line stands between paragraphs; the report said 31.2."""
    (report,) = check_files([CORPUS / "mechi_test2_orig.docx"], render=True)
    assert report.render_error is None, report.render_error
    assert report.measurements.get("line_pitch_pt") == pytest.approx(15.6, abs=0.1), report.measurements


@pytest.mark.render
def test_render_check_measures_the_pages_round_a_tightened_one(tmp_path: Path):
    """henan-2023-38 after the pagination pass: page four's lines are tightened to 25.25 pt
    (§7.3.5.5) to keep the signature with the 正文, and, its tables aside, those lines are most
    of the document's — the measured pitch. ``check --render`` measured no full page at all
    (“没有排满后续页的正文页”): it now counts page three at the grid's pitch (22 lines), measures a
    tightened page that runs on at its own pitch (22 or more), and names the tightened page it
    cannot judge (page four ends with a paragraph: the run-in heading's lines went overleaf)."""
    from wenshu.build.paginate import paginate
    from wenshu.office.libreoffice import LibreOffice

    spec = Path(__file__).resolve().parents[1] / "examples/rounds/henan-2023/henan-2023-38.yaml"
    with LibreOffice() as office:
        (done,) = paginate({"henan": render(spec).files["docx"]}, office).values()
    path = tmp_path / "henan.docx"
    path.write_bytes(done.docx)
    (report,) = check_files([path], render=True)
    print(report.measurements, report.notes)
    assert report.render_error is None and "render-lines" not in report.codes
    assert report.measurements["line_pitch_pt"] == pytest.approx(25.25, abs=0.1)
    assert report.measurements["lines_per_full_page"] == {3: 22}
    tightened = report.measurements.get("lines_per_tightened_page", {})
    assert all(n >= 22 for n in tightened.values())
    assert 4 in tightened or any("第 4 页收紧了行距" in n for n in report.notes), report.notes
    assert not any("未测每页行数" in n for n in report.notes)
