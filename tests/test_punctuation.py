"""Punctuation (GB/T 15834): what import puts right is what validation refuses — one range of
Chinese characters and one table of full-width marks serve both."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

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
