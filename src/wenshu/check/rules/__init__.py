"""The rules, one module per group of GB/T 9704-2012 clauses:

===================  ==========================================================
:mod:`.page`         §5.1 paper, §5.2.1 margins and 版心
:mod:`.grid`         §5.2.3 22 lines × 28 characters (line and character pitch)
:mod:`.fonts`        §5.2.2 fonts and sizes of every element (and §7.2.4 red mark)
:mod:`.head`         §7.2 版头: mark, 发文字号, 签发人, the red rule, completeness
:mod:`.letter`       §10.1 信函格式's double rules
:mod:`.body`         §7.3 主体: title, 主送机关, indents, ordinals, 署名, dates, 附注
:mod:`.attachments`  §7.3.4 附件说明, §7.3.7 附件
:mod:`.page_numbers` §7.5 页码 (§10.1 none on a letter's first page)
:mod:`.record`       §7.4 版记
===================  ==========================================================

Each module registers its rules in :data:`wenshu.check.registry.RULES`; the ``--render``
rules are :mod:`wenshu.check.render`'s. :data:`CHECKS` runs them in the order reports list
what they find.
"""

from __future__ import annotations

from collections.abc import Callable

from wenshu.check.findings import Findings
from wenshu.check.recognise import Recogniser
from wenshu.check.rules import attachments, body, fonts, grid, head, page, page_numbers, record

CHECKS: tuple[Callable[[Recogniser, Findings], None], ...] = (
    page.check_page,
    grid.check_grid,
    fonts.check_fonts,
    head.check_head,
    body.check_main,
    body.check_signature_date,
    body.check_ordinals,
    attachments.check_attachments,
    page_numbers.check_footers,
    record.check_record,
    head.check_completeness,
    body.check_title_breaks,
    attachments.check_listed,
    attachments.check_order,
    attachments.check_titles,
    body.check_no_text_page,
)


def run_checks(doc: Recogniser, out: Findings) -> None:
    """Apply every rule to ``doc``, collecting what departs from the standard in ``out``."""
    for check in CHECKS:
        check(doc, out)
