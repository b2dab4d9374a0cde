"""Titles that hold a name no word list knows (an applicant's, an organisation's, a region's):
the template passes the names it puts into the title whole, the splitter keeps each whole
(§7.3.1 标题回行时词意完整), and a build whose title still breaks inside a word warns."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from wenshu import layout as L
from wenshu.build.document import render_spec
from wenshu.build.pipeline import render
from wenshu.office.libreoffice import LibreOffice, read_pages
from wenshu.spec.load import load_spec
from wenshu.text.titles import broken_words, line_width, printed_lines, split_title

REPO = Path(__file__).resolve().parents[1]
LETTER = REPO / "examples" / "rounds" / "enterprise-scores" / "recommendation-letter.yaml"
TITLE = "河南省知识产权局关于推荐示例智能装备有限公司申报示范企业的函"
EXPECTED = ["河南省知识产权局关于推荐", "示例智能装备有限公司申报示范企业的函"]


def _title_lines(markdown: str) -> list[str]:
    heading = next(line for line in markdown.splitlines() if line.startswith("# "))
    return heading[2:].split("<br>")


def test_a_passed_in_name_is_not_broken():
    """Unknown to the word list, 示例智能装备有限公司 broke as 示例智／能装备 (the cheapest
    balanced cut); passed in as a name, the title breaks after 关于推荐."""
    assert split_title(TITLE, names=["示例智能装备有限公司"]) == EXPECTED
    assert broken_words(
        ["河南省知识产权局关于推荐示例智", "能装备有限公司申报示范企业的函"], ["示例智能装备有限公司"]
    ) == [(1, "示例智能装备有限公司")]


def test_a_name_wider_than_a_line_breaks_after_one_of_its_parts():
    name = "河南省郑州市金水区示例街道示例社区综合服务中心"
    assert line_width(name) > L.TITLE_CHARS_PER_LINE
    lines = split_title(f"关于推荐{name}申报示范企业的函", names=[name])
    assert len(lines) > 1 and all(line_width(x) <= L.TITLE_CHARS_PER_LINE for x in lines)
    # each break inside the name falls after 省, 市 or 区, never between two of its characters
    ends = [sum(map(len, lines[: i + 1])) - 4 for i in range(len(lines) - 1)]
    inside = [name[:n] for n in ends if 0 < n < len(name)]
    assert inside and all(head.endswith(("省", "市", "区")) for head in inside), lines


def test_the_recommendation_letter_title_keeps_the_applicant_whole():
    assert _title_lines(render_spec(load_spec(LETTER), ("md",)).markdown) == EXPECTED


def test_a_title_the_splitter_must_break_inside_a_name_warns(tmp_path):
    """An applicant's name wider than a line with no part to break after: the title cannot be
    broken whole; the build says so (file, line, field), and still builds."""
    name = "示例智能装备研究开发制造销售服务一体化有限责任合伙企业"
    shutil.copytree(LETTER.parent, tmp_path / "round")
    spec = tmp_path / "round" / LETTER.name
    spec.write_text(
        LETTER.read_text(encoding="utf-8").replace("applicant: 示例智能装备有限公司", f"applicant: {name}"),
        encoding="utf-8",
    )
    rendered = render_spec(load_spec(spec), ("md",))
    line = next(n for n, text in enumerate(spec.read_text(encoding="utf-8").splitlines(), 1) if name in text)
    found = [w for w in rendered.warnings if "自动分行" in w.message]
    assert len(found) == 1, rendered.warnings
    assert (found[0].line, found[0].field) == (line, "applicant")
    assert name in found[0].message and "词意完整" in found[0].message
    assert spec.name in str(found[0])


def test_the_examples_titles_need_no_warning():
    rendered = render_spec(load_spec(LETTER), ("md",))
    assert not [w for w in rendered.warnings if "自动分行" in w.message]


@pytest.mark.render
def test_the_letter_prints_its_title_as_broken(tmp_path):
    if not shutil.which("pdftotext"):
        pytest.skip("poppler-utils not installed")
    docx = render(LETTER, ("docx",)).files["docx"]
    with LibreOffice() as office:
        pdf = office.convert_bytes({"letter": docx})["letter"]
    (tmp_path / "letter.pdf").write_bytes(pdf)
    rows = [r.text for r in read_pages(tmp_path / "letter.pdf")[0].rows]
    assert printed_lines(TITLE, rows) == EXPECTED


def test_a_batch_letter_replayed_keeps_its_own_name_whole(tmp_path):
    """Letters whose titles take the splitter (the 推荐 part wider than a line): another
    letter's replay splits its own title, around its own applicant, exactly as its full render."""
    from tests.test_replay import batch_spec, full_and_replayed
    from wenshu.build.batch import load_batch
    from wenshu.render.replay import Replays

    names = ["示例市高新技术产业开发区", "示例县经济技术开发区管理委员会", "示例市示例区智能装备产业园区"]
    records = "".join(
        f"  - {{applicant: {n}, rank: {i}, doc_number: 示知函〔2023〕{i}号}}\n"
        for i, n in enumerate(names, 1)
    )
    batch = load_batch(batch_spec(tmp_path, records))
    replays = Replays()
    for record_ in batch.records:
        full, replayed = full_and_replayed(replays, batch, record_.values)
        assert replayed == full
        lines = _title_lines(full)
        assert len(lines) > 1 and not broken_words(lines, [record_.values["applicant"]]), lines
    assert replays.replayed == len(names) - 1


def test_a_title_breaks_before_shenbao_rather_than_inside_the_name():
    name = "示例市示例区智能装备产业园区"
    title = f"示例省知识产权局关于推荐{name}申报国家知识产权强县建设试点县的函"
    assert split_title(title, names=[name]) == [
        "示例省知识产权局关于推荐",
        name,
        "申报国家知识产权强县建设试点县的函",
    ]


def test_hand_written_title_lines_are_left_to_title_breaks(tmp_path):
    """``title_lines`` are the writer's own (judged by the ``title_breaks`` warning): the
    warning on the splitter's lines does not judge them again."""
    shutil.copytree(LETTER.parent, tmp_path / "round")
    spec = tmp_path / "round" / LETTER.name
    lines = "\n".join(
        f"  - {x}" for x in ["河南省知识产权局关于推荐示例智", "能装备有限公司申报示范企业的函"]
    )
    spec.write_text(
        LETTER.read_text(encoding="utf-8") + f"title: {TITLE}\ntitle_lines:\n{lines}\n", encoding="utf-8"
    )
    rendered = render_spec(load_spec(spec), ("md",))
    assert _title_lines(rendered.markdown) == [
        "河南省知识产权局关于推荐示例智",
        "能装备有限公司申报示范企业的函",
    ]
    assert not [w for w in rendered.warnings if "自动分行" in w.message]
