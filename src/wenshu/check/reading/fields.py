"""Fields (``w:fldSimple`` and complex ``w:fldChar`` fields), as far as page numbers need them."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from wenshu.check.reading.ooxml import SKIP_IN_RUNS, wtag, wval

# Word and LibreOffice read a field's name in any case: { page } prints the page number as
# { PAGE } does (LibreOffice measured). PAGEREF and NUMPAGES are other fields.
_PAGE = re.compile(r"\s*PAGE\b", re.IGNORECASE)


def field_text(p: Any, shown: Callable[[Any], bool] | None = None) -> tuple[str, bool]:
    """A footer paragraph's text with a PAGE field written as ``N``, and whether it has one;
    the text of the runs ``shown`` says are not on the page (``Reader.shown``) left out, as the
    page leaves it out."""
    parts: list[str] = []
    has_page = False
    state = "text"  # inside a complex field: "code" until separate, "result" until end
    instr = ""
    stack = list(reversed(list(p)))
    while stack:
        el = stack.pop()
        if el.tag == wtag("fldSimple"):
            if _PAGE.match(el.get(wtag("instr")) or ""):
                has_page = True
                parts.append("N")
                continue
        if el.tag == wtag("r"):
            for child in el:
                if child.tag == wtag("fldChar"):
                    kind = wval(child, "fldCharType")
                    if kind == "begin":
                        state, instr = "code", ""
                    elif kind == "separate":
                        state = "result"
                        if _PAGE.match(instr):
                            has_page = True
                            parts.append("N")
                    elif kind == "end":
                        # ECMA-376 §17.16.18: the separate part and the cached result are
                        # optional (python-docx writes none); Word computes PAGE in a footer anyway.
                        if state == "code" and _PAGE.match(instr):
                            has_page = True
                            parts.append("N")
                        state = "text"
                elif child.tag == wtag("instrText"):
                    instr += child.text or ""
                elif (
                    child.tag == wtag("t")
                    and (state == "text" or (state == "result" and not _PAGE.match(instr)))
                    and (shown is None or shown(el))
                ):
                    parts.append(child.text or "")
            continue
        if el.tag not in SKIP_IN_RUNS:
            stack.extend(reversed(list(el)))
    return "".join(parts), has_page
