"""Punctuation (GB/T 15834): what import puts right is what validation refuses — one range of
Chinese characters and one table of full-width marks serve both."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from wenshu.cli.main import main
from wenshu.importing.outline import ordinal_of
from wenshu.text.punctuation import punctuation_problem, tidy_punctuation

# The basic block, extension A and a compatibility ideograph: all Chinese to both.
_CHINESE = "通知如下部署㐀䶵豈"
_MARKS = ',;:?!.()"，。、；：！？（）”’'


@pytest.mark.parametrize(
    ("typed", "tidied"),
    [
        ("通知如下.", "通知如下。"),  # refused before, but was not put right
        ("条件.现将", "条件。现将"),
        ("部署, 现将", "部署， 现将"),
        ("㐀,", "㐀，"),  # extension A: was put right, but not refused
        ("豈;", "豈；"),
        ("(注意)", "（注意）"),
        ("((注))", "（（注））"),
        ("同意。。", "同意。"),
    ],
)
def test_what_is_refused_is_put_right(typed: str, tidied: str) -> None:
    assert punctuation_problem(typed) is not None
    assert tidy_punctuation(typed) == tidied
    assert punctuation_problem(tidied) is None


@pytest.mark.parametrize("typed", ["3.5亿元", "见附件1.docx", "www.gov.cn", "第3.2条", "通知v1.0版"])
def test_full_stops_that_end_no_chinese_sentence_are_left(typed: str) -> None:
    assert punctuation_problem(typed) is None
    assert tidy_punctuation(typed) == typed


def test_an_ordinal_typed_with_a_full_stop_is_left_for_the_outline() -> None:
    """“一.总则” is a heading whose ordinal import reads (and writes as a level), not a sentence."""
    assert tidy_punctuation("一.总则") == "一.总则"
    assert tidy_punctuation("十二.其他.见下") == "十二.其他。见下"
    found = ordinal_of(tidy_punctuation("一.总则"))
    assert found is not None and found.level == 1


@given(st.text(alphabet=_CHINESE + _MARKS + "ab1 ", max_size=30))
def test_tidied_text_is_never_refused(typed: str) -> None:
    tidied = tidy_punctuation(typed)
    assert punctuation_problem(tidied) is None, (typed, tidied)


# GB/T 15834—2011 4.13.3.1: a telephone number's parts are joined by the short hyphen
# (“010-62086559”, as the 2022 and Henan seeds write it), not the dash of a span (“2021—2035年”).
_PHONES = ("010-62086559", "0371-65928665", "010-62086562  62086573")


@pytest.mark.parametrize("phone", _PHONES)
def test_a_phone_numbers_hyphen_is_neither_refused_nor_changed(phone: str) -> None:
    for text in (phone, f"联系电话：{phone}", f"（联系人：张三；联系电话：{phone}）"):
        assert punctuation_problem(text) is None
        assert tidy_punctuation(text) == text


def test_a_phone_number_passes_validate_build_check_and_fix_unchanged(tmp_path: Path) -> None:
    """The hyphen survives every step a civil servant takes: the spec validates, the letter's
    contact line and the notice's contacts print it, check finds nothing, and fix reads it back
    into the spec and writes it out as it was."""
    letter = tmp_path / "letter.yaml"
    letter.write_text(
        (Path(__file__).parents[1] / "examples" / "letters" / "application.yaml")
        .read_text(encoding="utf-8")
        .replace("phone: 0000-87654321", "phone: 010-62086559"),
        encoding="utf-8",
    )
    notice = tmp_path / "notice.yaml"
    notice.write_text(
        "kind: notice\nformat: document\nissuer: 示例省知识产权局\ndoc_number: 示知〔2023〕38号\n"
        "title: 关于示例工作的通知\nrecipients: 各市知识产权局\n"
        "body:\n  - 请于9月1日前报送材料，咨询电话：0371-65928665。\n"
        "signature: 示例省知识产权局\ndate: 2023-08-01\n"
        "contacts:\n  lines:\n    - 联系人：张三\n    - 电话：010-62086559  62084853\n",
        encoding="utf-8",
    )
    runner = CliRunner()
    result = runner.invoke(main, ["validate", str(letter), str(notice)])
    assert result.exit_code == 0, result.output
    out = tmp_path / "out"
    result = runner.invoke(main, ["build", str(letter), str(notice), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "联系电话：010-62086559）" in (out / "letter.md").read_text(encoding="utf-8")
    printed = (out / "notice.md").read_text(encoding="utf-8")
    assert "咨询电话：0371-65928665。" in printed and "电话：010-62086559  62084853" in printed
    result = runner.invoke(main, ["check", str(out / "letter.docx"), str(out / "notice.docx")])
    assert result.exit_code == 0, result.output
    assert "电话" not in result.output and "—" not in result.output
    fixed = tmp_path / "fixed"
    result = runner.invoke(
        main, ["fix", "--no-paginate", "-o", str(fixed), str(out / "letter.docx"), str(out / "notice.docx")]
    )
    assert result.exit_code == 0, result.output
    assert "phone: 010-62086559" in (fixed / "letter.yaml").read_text(encoding="utf-8")
    assert "联系电话：010-62086559）" in (fixed / "letter.md").read_text(encoding="utf-8")
    refixed = (fixed / "notice.md").read_text(encoding="utf-8")
    assert "咨询电话：0371-65928665。" in refixed and "电话：010-62086559  62084853" in refixed
    assert "—" not in (fixed / "notice.yaml").read_text(encoding="utf-8").split("contacts", 1)[-1]
