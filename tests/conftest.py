"""Shared fixtures: every example built once, and readers for the .docx parts.

The helpers here read the generated files back with python-docx, zipfile and lxml only;
they do not use wenshu's own reading code, so the layout tests check the files as Word
would see them.
"""

from __future__ import annotations

import http.server
import json
import os
import resource
import shutil
import sys
import threading
import time
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import pytest
from docx import Document
from lxml import etree
from ruamel.yaml import YAML

from wenshu.build.pipeline import build
from wenshu.office.libreoffice import SOFFICE_ENV

from .soffice_relay import shared_soffice

# `wenshu build` lays documents out with LibreOffice by default; CLI tests build without it
# (tests/test_pagination.py runs the pass on everything in one batch).
os.environ.setdefault("WENSHU_PAGINATE", "0")
# No resident process (wenshu.cli.resident): every `wenshu` the tests start runs in its own
# process, and none is left running after them; tests/test_resident.py turns it on for its own.
os.environ["WENSHU_SERVER"] = "0"

REPO = Path(__file__).resolve().parents[1]
# The seed notices live in shared/ beside the checkout (CI clones main next to it).
SEEDS = (
    next((p for p in (REPO.parent / "shared", Path("/work/shared")) if p.is_dir()), REPO.parent / "shared")
    / "reference"
    / "seeds"
)
EXAMPLES_DIR = REPO / "examples" / "notices"
EXAMPLES = sorted(EXAMPLES_DIR.glob("*.yaml"))
EXAMPLE_IDS = [p.stem for p in EXAMPLES]

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
NS = {"w": W_NS, "r": R_NS}


# Files whose session-scoped fixture lays out many documents with LibreOffice (the page-flow
# sweep, the rendered examples) run first: pytest-xdist (told --no-loadscope-reorder in
# pyproject.toml) then starts each on its own worker at once, instead of one becoming a long
# last file that keeps the other worker waiting. The files that took most CPU time after them
# (measured, each 40–60 s of it) follow, so that the files left for the end are short ones.
SLOW_FILES_FIRST = (
    "test_pagination.py",
    "test_render.py",
    "test_import.py",
    "test_hostile_check.py",
    "test_hostile_office.py",
    "test_serve.py",
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The slowest files first; the rest keep their order (the sort is stable)."""
    rank = {name: i for i, name in enumerate(SLOW_FILES_FIRST)}
    items.sort(key=lambda item: rank.get(item.path.name, len(rank)))


# -- one LibreOffice per test worker --------------------------------------------------------------


@pytest.fixture(scope="session", autouse=True)
def shared_office() -> Iterator[Path | None]:
    """wenshu's soffice is tests/soffice_relay.py for the session (the launcher written here),
    which hands each conversion to one LibreOffice kept running for this worker, started on
    first use: starting LibreOffice costs ~2 CPU seconds, a small document's page a fraction
    of one. Yields the launcher (None without LibreOffice, or on Windows: then wenshu starts
    its own). The LibreOffice is ended with the session; tests marked ``own_office`` do not
    use it (:func:`_own_office`)."""
    from wenshu.errors import WenshuError
    from wenshu.office.libreoffice import find_soffice

    try:
        real = find_soffice()
    except WenshuError:
        real = None
    if real is None or sys.platform == "win32":  # (the relay locks with fcntl, ends with killpg)
        yield None
        return
    with shared_soffice(real) as launcher:
        before = os.environ.get(SOFFICE_ENV)
        os.environ[SOFFICE_ENV] = str(launcher)
        try:
            yield launcher
        finally:
            if before is None:
                del os.environ[SOFFICE_ENV]
            else:
                os.environ[SOFFICE_ENV] = before


@pytest.fixture(autouse=True)
def _own_office(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch, shared_office) -> None:
    """A test marked ``own_office`` runs LibreOffice as wenshu starts it, not the shared one."""
    if shared_office is not None and request.node.get_closest_marker("own_office"):
        monkeypatch.setenv(SOFFICE_ENV, own_office_env()[SOFFICE_ENV])


def own_office_env() -> dict[str, str]:
    """The environment for a wenshu process whose LibreOffice must be its own — one run under
    limits (memory, CPU) that must count LibreOffice's work and never pass to a shared one."""
    env = dict(os.environ)
    launcher = env.get(SOFFICE_ENV)
    config = Path(launcher).with_name("config.json") if launcher else None
    if config is not None and config.is_file():
        env[SOFFICE_ENV] = json.loads(config.read_text(encoding="utf-8"))["soffice"]
    return env


def cpu_seconds() -> float:
    """CPU seconds (user and system) used so far by this process and by the child processes
    it has waited for. The difference across a step bounds the work the step did however
    loaded the machine is: a wall clock also counts the time other processes (parallel test
    workers, other jobs) held the cores, and a time limit on it flakes under load."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    # process_time reads the process's own clock to the nanosecond (os.times counts 10 ms ticks).
    return time.process_time() + children.ru_utime + children.ru_stime


def read_as_commonmark(markdown: str) -> bool:
    """Does full CommonMark (with GFM tables and HTML) read ``markdown`` token for token
    as wenshu's reduced parser does? Every Markdown viewer then shows what Word shows."""
    from markdown_it import MarkdownIt

    from wenshu.render.docx import parser

    full = MarkdownIt("commonmark", {"html": True}).enable("table")
    return [t.as_dict() for t in full.parse(markdown)] == [t.as_dict() for t in parser().parse(markdown)]


def w(tag: str) -> str:
    """Clark name of a WordprocessingML tag or attribute: ``w("val")`` → ``{…main}val``."""
    return f"{{{W_NS}}}{tag}"


def wval(element: Any, attr: str = "val") -> str | None:
    """The ``w:<attr>`` of an element, or None when the element is missing."""
    return None if element is None else element.get(w(attr))


def on(element: Any) -> bool:
    """A WordprocessingML toggle (``<w:b/>``, ``<w:titlePg w:val="0"/>``) is on?"""
    return element is not None and wval(element) not in ("0", "false", "off")


def paragraph_text(p: Any) -> str:
    """Text of a ``w:p`` with ``w:br`` as newline and ``w:tab`` as tab (field codes left out)."""
    out = []
    for node in p.iter(w("t"), w("br"), w("tab"), w("cr")):
        if node.tag == w("t"):
            out.append(node.text or "")
        elif node.tag == w("tab"):
            if node.getparent().tag == w("r"):  # not a tab stop in w:pPr/w:tabs
                out.append("\t")
        else:
            out.append("\n")
    return "".join(out)


def style_id(p: Any) -> str | None:
    """The ``w:pStyle`` of a paragraph (None when it has none)."""
    return p.xpath("string(w:pPr/w:pStyle/@w:val)", namespaces=NS) or None


@dataclass
class DocxFile:
    """One generated .docx opened both as a python-docx Document and as raw XML parts."""

    path: Path
    _cache: dict[str, Any] = field(default_factory=dict, repr=False)

    # -- raw parts --------------------------------------------------------------------
    @cached_property
    def names(self) -> list[str]:
        with zipfile.ZipFile(self.path) as zf:
            return zf.namelist()

    def raw(self, name: str) -> bytes:
        """The bytes of a part, e.g. ``word/styles.xml``."""
        with zipfile.ZipFile(self.path) as zf:
            return zf.read(name)

    def xml(self, name: str) -> Any:
        """A part parsed with lxml (cached)."""
        if name not in self._cache:
            self._cache[name] = etree.fromstring(self.raw(name))
        return self._cache[name]

    @cached_property
    def document(self):
        """The python-docx Document."""
        return Document(str(self.path))

    @property
    def document_xml(self) -> Any:
        return self.xml("word/document.xml")

    @property
    def styles_xml(self) -> Any:
        return self.xml("word/styles.xml")

    @property
    def settings_xml(self) -> Any:
        return self.xml("word/settings.xml")

    @cached_property
    def rels(self) -> dict[str, str]:
        """Relationship id → part name for word/document.xml."""
        root = self.xml("word/_rels/document.xml.rels")
        out = {}
        for rel in root.iter(f"{{{PKG_REL_NS}}}Relationship"):
            target = rel.get("Target")
            out[rel.get("Id")] = target.lstrip("/") if target.startswith("/") else "word/" + target
        return out

    # -- body -------------------------------------------------------------------------
    @property
    def body(self) -> Any:
        return self.document_xml.find(w("body"))

    def body_paragraphs(self) -> list[Any]:
        """The body's own paragraphs (not those inside tables), in order."""
        return self.body.findall(w("p"))

    def all_body_paragraphs(self) -> list[Any]:
        """Every paragraph of the body, table cells included, in order."""
        return list(self.body.iter(w("p")))

    def tables(self) -> list[Any]:
        return self.body.findall(w("tbl"))

    def sections(self) -> list[Any]:
        """Every ``w:sectPr`` in document order (the last one is the body's own)."""
        return [s for s in self.body.iter(w("sectPr"))]

    def section_of(self, p: Any) -> Any:
        """The sectPr governing paragraph ``p``: the first one at or after it."""
        seen = False
        for element in self.body.iter(w("p"), w("sectPr")):
            if element is p:
                seen = True
            if seen and element.tag == w("sectPr"):
                return element
            if seen and element.tag == w("p"):
                sect = element.find("w:pPr/w:sectPr", NS)
                if sect is not None:
                    return sect
        return self.sections()[-1]

    # -- headers and footers ----------------------------------------------------------
    def header_footer(self, kind: str, which: str, section: Any | None = None) -> Any | None:
        """The header or footer part (``kind`` = header/footer) of type default/even/first."""
        section = section if section is not None else self.sections()[0]
        for ref in section.findall(w(f"{kind}Reference")):
            if ref.get(w("type")) == which:
                return self.xml(self.rels[ref.get(f"{{{R_NS}}}id")])
        return None

    def footer(self, which: str = "default", section: Any | None = None) -> Any | None:
        return self.header_footer("footer", which, section)

    def header(self, which: str = "default", section: Any | None = None) -> Any | None:
        return self.header_footer("header", which, section)

    def header_footer_parts(self) -> list[str]:
        return [n for n in self.names if n.startswith(("word/header", "word/footer")) and n.endswith(".xml")]

    # -- styles -----------------------------------------------------------------------
    @cached_property
    def styles(self) -> dict[str, Any]:
        return {s.get(w("styleId")): s for s in self.styles_xml.findall(w("style"))}

    def default_paragraph_style(self) -> str:
        for s in self.styles_xml.findall(w("style")):
            if s.get(w("type")) == "paragraph" and s.get(w("default")) in ("1", "true"):
                return s.get(w("styleId"))
        raise AssertionError("styles.xml has no default paragraph style")

    def style_chain(self, sid: str) -> list[Any]:
        """The style and its ``w:basedOn`` ancestors, nearest first."""
        chain = []
        seen = set()
        while sid and sid not in seen:
            seen.add(sid)
            style = self.styles.get(sid)
            assert style is not None, f"style {sid!r} is used but not defined in styles.xml"
            chain.append(style)
            sid = wval(style.find(w("basedOn")))
        return chain

    def style_find(self, sid: str, path: str) -> Any | None:
        """The first element at ``path`` (e.g. ``w:rPr/w:sz``) along the style chain."""
        for style in self.style_chain(sid):
            found = style.find(path, NS)
            if found is not None:
                return found
        return None

    def style_attr(self, sid: str, path: str, attr: str) -> str | None:
        """``w:<attr>`` of the first element at ``path`` carrying it along the style chain."""
        for style in self.style_chain(sid):
            found = style.find(path, NS)
            if found is not None and found.get(w(attr)) is not None:
                return found.get(w(attr))
        return None

    # -- effective run properties -----------------------------------------------------
    def paragraph_style(self, p: Any) -> str:
        return style_id(p) or self.default_paragraph_style()

    def effective_run_attr(self, p: Any, run: Any | None, path: str, attr: str) -> str | None:
        """A run property resolved run → paragraph style chain (docDefaults excluded)."""
        if run is not None:
            found = run.find(f"w:rPr/{path}", NS)
            if found is not None and found.get(w(attr)) is not None:
                return found.get(w(attr))
        return self.style_attr(self.paragraph_style(p), f"w:rPr/{path}", attr)

    def effective_ppr(self, p: Any, path: str, attr: str = "val") -> str | None:
        """A paragraph property resolved paragraph → style chain."""
        found = p.find(f"w:pPr/{path}", NS)
        if found is not None and found.get(w(attr)) is not None:
            return found.get(w(attr))
        return self.style_attr(self.paragraph_style(p), f"w:pPr/{path}", attr)

    def effective_toggle(self, p: Any, path: str) -> bool:
        """A paragraph toggle (``w:pageBreakBefore`` …) resolved paragraph → style chain."""
        found = p.find(f"w:pPr/{path}", NS)
        if found is not None:
            return on(found)
        return on(self.style_find(self.paragraph_style(p), f"w:pPr/{path}"))


@dataclass
class Example:
    """One example spec and its built outputs."""

    spec_path: Path
    docx_path: Path
    md_path: Path
    data: dict[str, Any]

    @property
    def stem(self) -> str:
        return self.spec_path.stem

    @property
    def format(self) -> str:
        return self.data["format"]

    @cached_property
    def docx(self) -> DocxFile:
        return DocxFile(self.docx_path)

    @cached_property
    def markdown(self) -> str:
        return self.md_path.read_text(encoding="utf-8")


def read_yaml(path: Path) -> Any:
    """Plain safe YAML reading, independent of wenshu's loader."""
    with open(path, encoding="utf-8") as fh:
        return YAML(typ="safe", pure=True).load(fh)


SPECS = {p.stem: read_yaml(p) for p in EXAMPLES}

# The attachments each example reproduces from its seed notice (/work/shared/reference/seeds):
# (name in 附件说明, title on the attachment page, landscape page). Written out here because a
# spec may take an attachment from a separate annex file (``file:``) whose name comes from data.
SEED_ATTACHMENTS: dict[str, list[tuple[str, str, bool]]] = {
    "cnipa-2018-city": [
        ("示范城市建设工作总结提纲", "示范城市建设工作总结提纲", False),
        ("国家知识产权强市创建工作方案", "国家知识产权强市创建工作方案", False),
        ("基本情况表", "基本情况表", False),
    ],
    "cnipa-2022-497": [
        ("2022年度示范企业申报推荐名额分配表", "2022年国家知识产权示范企业推荐名额", False),
        ("工作联系信息表", "工作联系信息表", False),
    ],
    "cnipa-2023-582": [
        ("国家知识产权强市建设试点城市名单", "国家知识产权强市建设试点城市名单", False),
        ("国家知识产权强县建设试点县名单", "国家知识产权强县建设试点县名单", False),
        (
            "国家知识产权强市建设试点示范城市推荐名额分配表",
            "国家知识产权强市建设试点示范城市推荐名额分配表",
            False,
        ),
        (
            "国家知识产权强县建设试点示范县推荐名额分配表",
            "国家知识产权强县建设试点示范县推荐名额分配表",
            False,
        ),
        ("联系人回执", "联系人回执", False),
    ],
    "henan-2023-38": [
        (
            "国家知识产权局办公室关于面向城市、县域开展知识产权强国建设试点示范评定工作的通知"
            "（国知办函运字〔2023〕582号）",
            "国家知识产权局办公室关于面向城市、县域开展知识产权强国建设试点示范评定工作的通知"
            "（国知办函运字〔2023〕582号）",
            False,
        ),
        ("工作方案参考提纲", "工作方案参考提纲", False),
        (
            "国家知识产权强市建设示范城市客观工作成效测评表",
            "国家知识产权强市建设示范城市客观工作成效测评表",
            True,
        ),
        (
            "国家知识产权强县建设示范县客观工作成效测评表",
            "国家知识产权强县建设示范县客观工作成效测评表",
            True,
        ),
    ],
}


def expected_attachments(stem: str, data: dict[str, Any]) -> list[tuple[str, str, bool]]:
    """(name, title, landscape) of each attachment: the seed's, or for a new example its spec's."""
    if stem in SEED_ATTACHMENTS:
        return SEED_ATTACHMENTS[stem]
    out = []
    for a in data.get("attachments") or []:
        if "file" in a:
            annex = read_yaml(EXAMPLES_DIR / a["file"])
            a = {**annex, **a}
        title = "".join(a.get("title_lines") or []) or a.get("title") or a["name"]
        out.append((a["name"], title, bool(a.get("landscape"))))
    return out


# Rows (header included) of each content table the seed gives, in document order.
SEED_TABLE_ROWS: dict[str, list[int]] = {
    "cnipa-2018-city": [14, 23],  # 基本情况表: items 1–13; items 14 (four sub-rows) to 32
    "cnipa-2022-497": [38, 6],  # 37 quota rows; contact form with 5 empty rows
    "cnipa-2023-582": [],
    "henan-2023-38": [32, 26],  # city form 31 indicators; county form 25
}
LETTER_IDS = [stem for stem, data in SPECS.items() if data["format"] == "letter"]
DOCUMENT_IDS = [stem for stem, data in SPECS.items() if data["format"] == "document"]


@pytest.fixture(scope="session")
def built_examples(tmp_path_factory) -> dict[str, Example]:
    """Every example in examples/notices built once into a temporary folder."""
    out = tmp_path_factory.mktemp("examples")
    built: dict[str, Example] = {}
    for spec in EXAMPLES:
        written = build(spec, out)
        names = sorted(p.name for p in written)
        assert names == sorted([f"{spec.stem}.docx", f"{spec.stem}.md"]), names
        built[spec.stem] = Example(spec, out / f"{spec.stem}.docx", out / f"{spec.stem}.md", read_yaml(spec))
    return built


@pytest.fixture(params=EXAMPLE_IDS)
def example(request, built_examples) -> Example:
    """Each built example in turn."""
    return built_examples[request.param]


@pytest.fixture(params=LETTER_IDS)
def letter_example(request, built_examples) -> Example:
    """Each example in 信函格式 (the cnipa 函)."""
    return built_examples[request.param]


@pytest.fixture(params=DOCUMENT_IDS)
def document_example(request, built_examples) -> Example:
    """Each example in 文件格式 (henan, with 版记)."""
    return built_examples[request.param]


# -- a local server counting what LibreOffice fetches -------------------------------------------

PIXEL = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489"
    "0000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)


class _Counter(http.server.BaseHTTPRequestHandler):
    hits: list[str] = []

    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        self.hits.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.send_header("Content-Length", str(len(PIXEL)))
        self.end_headers()
        self.wfile.write(PIXEL)

    # LibreOffice probes an address (OPTIONS, PROPFIND as WebDAV) before it fetches: a probe counts
    do_HEAD = do_OPTIONS = do_PROPFIND = do_GET

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def pixel_server() -> Iterator[tuple[str, list[str]]]:
    """A server on 127.0.0.1 (random port) answering every request with a one-pixel PNG:
    its address and the paths asked for; stopped after the test."""
    hits: list[str] = []
    handler = type("Handler", (_Counter,), {"hits": hits})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.timeout = 1
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.2}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", hits
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


def clear_wenshu_caches() -> None:
    """Forget everything wenshu read from the resource folders."""
    import sys

    for name, module in list(sys.modules.items()):
        if name == "wenshu" or name.startswith("wenshu."):
            for value in list(vars(module).values()):
                if callable(getattr(value, "cache_clear", None)):
                    value.cache_clear()


@pytest.fixture
def res(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A private copy of templates/, schemas/ and data/ that wenshu reads instead of the repo's."""

    from wenshu import resources

    root = tmp_path / "res"
    for name in ("templates", "schemas", "data"):
        shutil.copytree(REPO / name, root / name)
    monkeypatch.setattr(resources, "PACKAGE", root)
    clear_wenshu_caches()
    yield root
    monkeypatch.undo()
    clear_wenshu_caches()
