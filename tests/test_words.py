"""Where a line of a cell ends between words where the titles' lexicon knows neither side:
jieba's segmentation (wenshu.text.words)."""

from __future__ import annotations

from wenshu.text.titles import breaks_between_words
from wenshu.text.words import WordBreaks, word_edges


def _lines(text: str, breaks: WordBreaks) -> list[str]:
    return [f"{text[:i]}/{text[i:]}" for i in range(1, len(text)) if i in breaks]


def test_the_lexicon_alone_took_unknown_runs_for_breakable():
    """What eyes11 found printed passed the lexicon: it could not tell “社会保/障” from “社会/保障”."""
    for text, inside in (("市人力资源社会保障局", 8), ("市工业和信息化局", 6), ("市文化广电和旅游局", 2)):
        assert inside in breaks_between_words(text)
        assert inside not in WordBreaks(text), _lines(text, WordBreaks(text))


def test_one_character_words_go_with_a_neighbour_and_units_with_their_number():
    # “师”, “局”, “市” are no words of their own: no line ends beside them
    assert word_edges("专利代理师数量") == {2}
    assert sorted(i for i in range(1, 10) if i in WordBreaks("市人力资源社会保障局")) == [5, 7]
    # particles and the like are: “每个地区不/超过”
    assert 5 in word_edges("每个地区不超过")
    # a number's unit goes with the number: “2024年/目标”, not “2024/年目标”
    assert word_edges("2024年目标") == {5}
    # the lexicon's words stay whole where jieba would cut them (“多元化/解”)
    assert 5 not in WordBreaks("纠纷多元化解机制") and 2 in WordBreaks("纠纷多元化解机制")
