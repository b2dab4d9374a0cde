"""Hostile text: a long line that opens a bracket and never closes it is read in time linear in
its length — by validation (a spec's paragraph), by import (a Word file's paragraph put right)
and by check (the paragraph above a 成文日期); so is a long run of spaces by the Markdown
writer. Each bound fails on a pattern that backtracks (``\\(([^()]*[CJK][^()]*)\\)``: 20,000
characters took 3.5 CPU s, 150,000 minutes; ``[ \\t]*\\r?\\n[ \\t]*``: 60,000 spaces 69 s).
"""

from __future__ import annotations

import io

import pytest
from click.testing import CliRunner
from docx import Document

from tests.conftest import cpu_seconds
from wenshu.check import check_docx
from wenshu.check.recognise import is_seal_remark
from wenshu.cli.main import main
from wenshu.text.punctuation import punctuation_problem, tidy_punctuation

LONG = 30_000


@pytest.mark.parametrize("text", ["(" + "中" * LONG, "中(" * LONG, "a)(" + "中 " * LONG])
def test_punctuation_of_an_unclosed_bracket_is_read_at_once(text):
    started = cpu_seconds()
    assert punctuation_problem(text) is None
    assert tidy_punctuation(text) == text
    assert cpu_seconds() - started < 0.5


def test_punctuation_finds_the_first_slip_as_before():
    assert "半角括号“(中文)”" in punctuation_problem("甲(中文)乙, 丙")
    assert "半角标点“,”" in punctuation_problem("甲, 乙(中文)")
    assert punctuation_problem("(abc) 中文(12)") is None
    assert tidy_punctuation("(abc)(中文)(" + "中" * 10) == "(abc)（中文）(" + "中" * 10


def test_a_spec_with_an_unclosed_bracket_validates_at_once(tmp_path):
    spec = tmp_path / "notice.yaml"
    spec.write_text(
        "kind: document\ntitle: 关于开展检查的通知\nbody:\n"
        f"  - 正文(说明{'中' * 100_000}\n  - 正文(说明)。\n",
        encoding="utf-8",
    )
    started = cpu_seconds()
    result = CliRunner().invoke(main, ["validate", str(spec)])
    assert cpu_seconds() - started < 5
    assert result.exit_code != 0 and "Traceback" not in result.output
    assert "notice.yaml" in result.output and "半角括号“(说明)”" in result.output


def test_a_seal_remark_is_known_at_once():
    assert is_seal_remark("（此处加盖印章）") and is_seal_remark("(签章)")
    for text in ("（此处）", "（印章）后", "（印章"):
        assert not is_seal_remark(text)
    started = cpu_seconds()
    assert not is_seal_remark("（" + "印章" * LONG)
    assert cpu_seconds() - started < 0.5


def test_check_reads_an_unclosed_bracket_above_the_date_at_once():
    doc = Document()
    for text in ("关于开展检查的通知", "各单位：", "正文。", "（" + "盖章" * 12_000, "2024年1月1日"):
        doc.add_paragraph(text)
    data = io.BytesIO()
    doc.save(data)
    started = cpu_seconds()
    report = check_docx(data.getvalue(), "hostile.docx")
    assert cpu_seconds() - started < 3
    assert report.error is None and report.deviations


def test_a_long_run_of_spaces_is_escaped_at_once():
    # md_escape joins lines: a run of spaces no newline ends was tried at each of its spaces
    from wenshu.render.markdown import md_escape

    started = cpu_seconds()
    assert md_escape("中" + " " * 40_000 + "*文") == "中" + " " * 40_000 + "\\*文"
    assert cpu_seconds() - started < 0.5
    assert md_escape("a  \r\n  b\n中 \n\t文 \n") == "a b中文"


def test_check_reads_a_paragraph_opening_with_many_spaces_at_once():
    # the spaces before the text are counted (空二字 typed as spaces): the run's width once
    doc = Document()
    for text in ("关于开展检查的通知", "各单位：", " " * 60_000 + "正文。", "\u3000\u3000正文。"):
        doc.add_paragraph(text)
    data = io.BytesIO()
    doc.save(data)
    started = cpu_seconds()
    report = check_docx(data.getvalue(), "hostile.docx")
    assert cpu_seconds() - started < 1.5
    said = [str(d) for d in report.deviations if "15000.0 字" in d.actual]
    assert len(said) == 1 and "段首应左空二字" in said[0] and "正文第 3 段" in said[0], said


@pytest.mark.parametrize("command", ["import", "fix"])
def test_a_word_file_of_more_text_than_a_spec_holds_is_refused_and_nothing_written(tmp_path, command):
    # its spec would be over the 512 KB a spec may have: written, wenshu itself refused to read it
    doc = Document()
    doc.add_paragraph("关于开展检查的通知")
    for _ in range(40):
        doc.add_paragraph("各地要认真组织实施。" * 1_500)
    source = tmp_path / "长文.docx"
    doc.save(source)
    args = [command, str(source)] + (["--no-paginate"] if command == "fix" else [])
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    assert "长文.docx 文字过多，无法导入" in result.output and "上限 512 KB" in result.output
    assert "最长的是第 2 段（15000 字" in result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["长文.docx"]


def test_a_long_title_of_like_words_is_split_at_once(tmp_path):
    # every break between 知识产权 and 知识产权 costs the same: the search for the best lines
    # pruned nothing and took minutes from about eight lines on (50 s for 149 characters)
    from wenshu.text.titles import line_width, split_title

    started = cpu_seconds()
    lines = split_title("关于" + "知识产权" * 10_000 + "的通知")
    assert cpu_seconds() - started < 3
    assert len(lines) >= 2_000 and all(line_width(line) <= 20 for line in lines)
    spec = tmp_path / "notice.yaml"
    spec.write_text(
        f"kind: document\ntitle: 关于{'知识产权' * 40}的通知\nbody:\n  - 正文。\n", encoding="utf-8"
    )
    started = cpu_seconds()
    result = CliRunner().invoke(main, ["build", str(spec), "-o", str(tmp_path / "out"), "--no-paginate"])
    assert cpu_seconds() - started < 10
    assert result.exit_code == 0 and "Traceback" not in result.output, result.output
    lines = (tmp_path / "out" / "notice.md").read_text(encoding="utf-8").splitlines()
    assert any("知识产权" in line for line in lines)


def test_import_of_a_title_of_many_lines_of_like_words_is_at_once(tmp_path):
    # import splits a title of several lines again, to tell wenshu's own lines from the
    # author's: this one took minutes (the search of test_a_long_title_of_like_words…)
    doc = Document()
    title = doc.add_paragraph()
    for i in range(10):
        run = title.add_run("知识产权" * 4)
        if i < 9:
            run.add_break()
    for text in ("各单位：", "正文。", "国家知识产权局", "2024年1月1日"):
        doc.add_paragraph(text)
    source = tmp_path / "长标题.docx"
    doc.save(source)
    started = cpu_seconds()
    result = CliRunner().invoke(main, ["import", str(source)])
    assert cpu_seconds() - started < 10
    assert result.exit_code == 0 and "Traceback" not in result.output, result.output
    assert "知识产权知识产权" in (tmp_path / "长标题.yaml").read_text(encoding="utf-8")


def test_check_reads_a_title_of_thousands_of_lines_at_once():
    # the lines Word wraps a one-line title into were measured afresh from each line on, and
    # its breaks likewise (quadratic: 24,000 characters took 16 s, 100,000 minutes)
    doc = Document()
    doc.add_paragraph("关于" + "知识产权" * 6_000 + "的通知").alignment = 1  # centred: a title
    for text in ("各单位：", "正文。", "国家知识产权局", "2024年1月1日"):
        doc.add_paragraph(text)
    data = io.BytesIO()
    doc.save(data)
    started = cpu_seconds()
    report = check_docx(data.getvalue(), "hostile.docx")
    assert cpu_seconds() - started < 5
    assert report.error is None and report.deviations
