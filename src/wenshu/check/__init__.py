"""Check any Word file (.docx) against GB/T 9704-2012.

The checker reads the package through :mod:`wenshu.safezip` (sizes bounded before anything
is inflated) and lxml only (not python-docx, not wenshu's own writer), resolves every
property the way Word does (direct formatting → character style → paragraph style chain →
document defaults), identifies the elements of an official document, and reports each
deviation with its clause, where it is, what was found and what the standard expects.
Every expected value comes from :mod:`wenshu.layout`.

The package, in the order a file goes through it:

- :mod:`.reading` — opening the file and reading it as a reader of the page sees it;
  public model: :func:`read_document` → :class:`~.reading.model.Document`.
- :mod:`.recognise` — which paragraph is which element; public: :func:`recognise` →
  :class:`~.recognise.Recognised`, roles named once in :mod:`.roles` (:class:`Role`).
- :mod:`.rules` — the checks, one module per group of clauses, registered in
  :data:`RULES` (:mod:`.registry`).
- :mod:`.render` — ``--render``: what the pages LibreOffice lays out show (offline).
- :mod:`.findings`, :mod:`.report`, :mod:`.options` — deviations, reports and their text
  and JSON, ``--select``/``--ignore``/``--profile``.

``check_files(..., render=True)`` (``wenshu check --render``) adds measurements of the pages
LibreOffice actually lays out. Every file gets a report: one that cannot be read says why, one
that cannot be laid out keeps its static findings.
"""

from __future__ import annotations

from wenshu.check.checker import analyse, check_docx, check_files
from wenshu.check.findings import Deviation, Location
from wenshu.check.options import CheckOptions, Profile, load_profile
from wenshu.check.reading import (
    Cell,
    Document,
    HeaderFooter,
    Indents,
    Paragraph,
    Run,
    Section,
    Spacing,
    Table,
    read_document,
)
from wenshu.check.reading.styles import font_class
from wenshu.check.recognise import Item, Recognised, head_info_kind, recognise, record_kind
from wenshu.check.registry import RULES, Rule, RuleRegistry
from wenshu.check.report import Report, format_json, format_rules, format_text
from wenshu.check.roles import ROLE_NAMES, Role

__all__ = [
    "RULES",
    "ROLE_NAMES",
    "Cell",
    "CheckOptions",
    "Deviation",
    "Document",
    "HeaderFooter",
    "Indents",
    "Item",
    "Location",
    "Paragraph",
    "Profile",
    "Recognised",
    "Report",
    "Role",
    "Rule",
    "RuleRegistry",
    "Run",
    "Section",
    "Spacing",
    "Table",
    "analyse",
    "check_docx",
    "check_files",
    "font_class",
    "format_json",
    "format_rules",
    "format_text",
    "head_info_kind",
    "load_profile",
    "read_document",
    "recognise",
    "record_kind",
]
