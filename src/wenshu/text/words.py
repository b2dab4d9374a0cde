"""Where a line of Chinese text ends between words: the lexicon's word edges
(:mod:`wenshu.text.titles`) where it knows the words on both sides, else the word
segmentation of jieba (its own dictionary of some 350,000 words, an HMM for words it does not
hold, and the lexicon's words added to it).

A hand-kept lexicon cannot know every word a cell holds (“社会保障”, “信息化”, “结构”,
“召开”): where it knows neither side of a place, it used to take the place for one between
words, and LibreOffice's break “市人力资源社会保/障局” passed. jieba is loaded only when such a
place must be judged — a build whose cells and 附件说明 names break where the lexicon knows
the words, or that breaks none, never loads it: loading its dictionary takes some 0.6 s of
CPU (benchmarks/cold_start.py), ten times Pandoc's whole run on a notice.
"""

from __future__ import annotations

import logging
import marshal
import sys
from collections.abc import Container
from functools import cache, lru_cache
from typing import Any

from wenshu.resources import cache_dir, read_cache_file, write_cache_file
from wenshu.text.titles import breaks_between_words, lexicon, sure_breaks

# One-character words a line may end beside (particles, conjunctions, prepositions, negations,
# a few verbs and pronouns: “不超过”, “……经费/占……比重”, “每个”). Any
# other one-character word jieba finds (“市”, “局”, “师”, “解” of “多元化/解”) belongs to a
# word beside it, whichever: a line does not end on either side of it.
_OWN_WORDS = frozenset("的地得之和与及或并且而等对向从由于以为在按把被将给至到不未非没是有占每各其该也都又")


def _is_ideograph(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff"


@cache
def _tokenizer() -> Any:
    """jieba's tokenizer with its default dictionary and the lexicon's words."""
    # jieba 0.42 imports pkg_resources (setuptools) only to open its own data files: 0.1 s of
    # CPU. Without it, it opens them by path (jieba._compat).
    hidden = "pkg_resources" not in sys.modules
    if hidden:
        sys.modules["pkg_resources"] = None  # type: ignore[assignment]
    try:
        import jieba
    finally:
        if hidden:
            del sys.modules["pkg_resources"]
    jieba.setLogLevel(logging.CRITICAL)  # it logs its progress, and tracebacks, on stderr
    tokenizer = jieba.Tokenizer()
    _load_dictionary(tokenizer, jieba.__version__)
    lex = lexicon()
    for word in sorted(lex.words | lex.other_words):
        tokenizer.add_word(word)
    return tokenizer


def _load_dictionary(tokenizer: Any, version: str) -> None:
    """Give ``tokenizer`` its dictionary's prefix table (``FREQ``, ``total``): from wenshu's
    user cache, signed (:func:`~wenshu.resources.read_cache_file`), or made from the dictionary
    jieba ships (1 s of CPU; loaded from the cache, 0.4 s) and kept there. Not jieba's own
    cache: it is a file of a fixed name in the shared temporary folder, which another user's
    jieba may have written (or cannot let this user replace), loaded unchecked."""
    folder = cache_dir()
    target = folder / "words" / f"jieba-{version}.marshal" if folder else None
    kept = read_cache_file(target) if target else None
    if kept is not None:
        tokenizer.FREQ, tokenizer.total = marshal.loads(kept)
    else:
        tokenizer.FREQ, tokenizer.total = tokenizer.gen_pfdict(tokenizer.get_dict_file())
        if target:
            write_cache_file(target, marshal.dumps((tokenizer.FREQ, tokenizer.total)))
    tokenizer.initialized = True


def preload() -> None:
    """Load jieba and its dictionary now (the resident server, before it forks)."""
    _tokenizer()


@lru_cache(maxsize=4096)
def word_edges(text: str) -> frozenset[int]:
    """The positions (0 < i < len) between two words of ``text`` as jieba segments it (a number
    and its unit one word), where neither word is a single Chinese character other than a word
    of its own (``_OWN_WORDS``)."""
    tokens: list[str] = []
    for token in _tokenizer().lcut(text, HMM=True):
        if tokens and tokens[-1][-1:].isdigit() and len(token) == 1 and _is_ideograph(token):
            tokens[-1] += token  # a number's unit (“2024年”, “100个”) is a word with it
        else:
            tokens.append(token)
    out, at = set(), 0
    for left, right in zip(tokens, tokens[1:], strict=False):
        at += len(left)
        if not any(len(t) == 1 and _is_ideograph(t) and t not in _OWN_WORDS for t in (left, right)):
            out.add(at)
    return frozenset(out)


class WordBreaks(Container[int]):
    """The places a line of ``text`` may end between words: those the lexicon is sure of
    (:func:`~wenshu.text.titles.sure_breaks`), and of the others it does not rule out
    (:func:`~wenshu.text.titles.breaks_between_words`) those jieba finds between words
    (:func:`word_edges`, asked only then)."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.sure = sure_breaks(text)
        self.possible = breaks_between_words(text)

    def __contains__(self, i: object) -> bool:
        if i in self.sure:
            return True
        return i in self.possible and i in word_edges(self.text)
