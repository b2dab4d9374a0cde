"""``wenshu check`` against hostile Word files: bombs, lies, traps and absurd content.

Every input is generated here at run time from a notice wenshu builds (nothing large is
stored). Each case runs the real CLI in a subprocess limited to 1.5 GB of address space and
60 seconds, and must end with exit 0 or 1 (never 3, never a traceback or a kill), printing a
Chinese message that names the file and, where there is one, the part. The renders check
that LibreOffice fetches nothing a document links to and leaves nothing behind on a timeout.
"""

from __future__ import annotations

import io
import json
import os
import re
import resource
import struct
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import cpu_seconds
from wenshu.build.pipeline import render
from wenshu.check import Location, check_docx, check_files, format_text
from wenshu.check.reading.numbering import AutoNumbering
from wenshu.office.offline import offline_copy

REPO = Path(__file__).resolve().parents[1]
SPEC = REPO / "examples" / "notices" / "cnipa-2023-582.yaml"
DOC, STYLES, NUMBERING = "word/document.xml", "word/styles.xml", "word/numbering.xml"
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
# What every case must stay within: the limits, with room for a loaded machine.
# What LibreOffice fetches and leaves behind, and its timeout, as wenshu runs it: not the worker's
# shared LibreOffice (tests/soffice_relay.py).
pytestmark = pytest.mark.own_office

SECONDS = 60
ADDRESS_SPACE = 1536 * 1024 * 1024
# Where the generated paragraphs go: after the first level-one heading of the notice.
AFTER = "一、工作思路</w:t></w:r></w:p>"
BODY_TEXT = "各地要结合实际认真组织实施，确保各项任务落到实处"


@pytest.fixture(scope="module")
def base() -> bytes:
    """A real notice as wenshu writes it (letter format, headers, footers, numbering)."""
    return render(SPEC, ("docx",)).files["docx"]


def repack(
    docx: bytes, changes: dict[str, Callable[[bytes], bytes]], extra: dict[str, bytes] | None = None
) -> bytes:
    """``docx`` with some parts passed through a change and some parts added."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(docx)) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename in changes:
                data = changes[item.filename](data)
            zout.writestr(item.filename, data)
        for name, data in (extra or {}).items():
            zout.writestr(name, data)
    return out.getvalue()


def in_body(xml: str) -> Callable[[bytes], bytes]:
    """A change putting ``xml`` (paragraphs) into the body after the first heading."""
    return lambda data: data.decode().replace(AFTER, AFTER + xml, 1).encode()


def body_of(docx: bytes, inner: bytes) -> bytes:
    """``docx`` whose document.xml body is replaced by ``inner`` (bytes, for big bodies)."""
    with zipfile.ZipFile(io.BytesIO(docx)) as z:
        xml = z.read(DOC)
    start = xml.index(b"<w:body>") + len(b"<w:body>")
    end = xml.index(b"<w:sectPr", start)
    return repack(docx, {DOC: lambda _: xml[:start] + inner + xml[end:]})


def central_entry(data: bytes, name: str) -> int:
    """Offset of ``name``'s central directory entry."""
    at = 0
    while True:
        at = data.index(b"PK\x01\x02", at)
        length = struct.unpack_from("<H", data, at + 28)[0]
        if data[at + 46 : at + 46 + length] == name.encode():
            return at
        at += 4


def local_entry(data: bytes, central: int) -> int:
    return struct.unpack_from("<I", data, central + 42)[0]


def patched(docx: bytes, name: str, patch: Callable[[bytearray, int, int], None]) -> bytes:
    """``docx`` with ``name``'s local and central headers changed by ``patch(data, local, central)``."""
    data = bytearray(docx)
    central = central_entry(docx, name)
    patch(data, local_entry(docx, central), central)
    return bytes(data)


def run_check(*args: str, limit: bool = True, timeout: float = 3 * SECONDS) -> tuple[int, str, float]:
    """Run ``wenshu check`` in a subprocess (1.5 GB, killed after ``timeout`` s, a bound for a
    hang): exit code, output, and the CPU seconds it took."""

    def confine() -> None:
        if limit:
            resource.setrlimit(resource.RLIMIT_AS, (ADDRESS_SPACE, ADDRESS_SPACE))

    start = cpu_seconds()
    result = subprocess.run(
        [sys.executable, "-m", "wenshu", "check", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        preexec_fn=confine,  # noqa: PLW1509 - the child only sets its own limit
        check=False,
    )
    seconds = cpu_seconds() - start
    return result.returncode, result.stdout + result.stderr, seconds


def assert_refused_cleanly(code: int, output: str, seconds: float, name: str, *expected: str) -> None:
    assert code in (0, 1), output
    assert "Traceback" not in output and "内部错误" not in output, output
    assert name in output, output
    for text in expected:
        assert text in output, output
    assert re.search(r"[\u4e00-\u9fff]", output), output
    assert seconds < SECONDS, seconds


# -- the package: bombs, lies, encryption, not-a-file ---------------------------------------------


def _declares(size: int) -> Callable[[bytearray, int, int], None]:
    def patch(data: bytearray, local: int, central: int) -> None:
        struct.pack_into("<I", data, local + 22, size)
        struct.pack_into("<I", data, central + 24, size)

    return patch


def _encrypted_flag(data: bytearray, local: int, central: int) -> None:
    data[local + 6] |= 1
    data[central + 8] |= 1


def _aes(data: bytearray, local: int, central: int) -> None:
    struct.pack_into("<H", data, local + 8, 99)
    struct.pack_into("<H", data, central + 10, 99)


def _many_members(docx: bytes) -> bytes:
    return repack(docx, {}, {f"junk/part{i}.xml": b"" for i in range(6000)})


PACKAGE_CASES: dict[str, tuple[Callable[[bytes], bytes], tuple[str, ...]]] = {
    # a member declaring 4 GB (the most a plain zip header holds): refused before inflating
    "declares-4GB": (lambda d: patched(d, DOC, _declares(0xFFFFFFF0)), (DOC, "过大")),
    # declaring less than it holds: the capped read stops at the declared size
    "declares-too-little": (lambda d: patched(d, DOC, _declares(100)), (DOC,)),
    # a real 60 MB document.xml of 10 million empty paragraphs (~60 KB compressed)
    "60MB-of-paragraphs": (lambda d: body_of(d, b"<w:p/>" * 10_000_000), (DOC, "过大")),
    # 30 MB of runs: under the part's size limit, over its element limit
    "5M-runs": (lambda d: body_of(d, b"<w:p>" + b"<w:r/>" * 5_000_000 + b"</w:p>"), (DOC, "元素过多")),
    # styles and numbering each under the part's element limit, together over the file's
    "parts-adding-up": (
        lambda d: repack(
            d,
            {
                STYLES: lambda x: x.replace(
                    b"</w:styles>", b"<w:style>" + b"<w:r/>" * 3_500_000 + b"</w:style></w:styles>"
                ),
                NUMBERING: lambda x: x.replace(
                    b"</w:numbering>", b"<w:num>" + b"<w:r/>" * 3_500_000 + b"</w:num></w:numbering>"
                ),
            },
        ),
        ("全文元素过多",),
    ),
    # 100,000 paragraphs of text besides the notice's own: over the paragraph limit
    "100k-paragraphs": (lambda d: repack(d, {DOC: in_body(_paragraphs(100_000))}), ("正文段落过多",)),
    "entity-bomb": (
        lambda d: repack(
            d,
            {
                DOC: lambda x: (
                    b'<?xml version="1.0"?><!DOCTYPE w [<!ENTITY a "aaaaaaaaaa">'
                    + b"".join(
                        f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">'.encode()
                        for i in range(9)
                    )
                    + b"]>"
                    + x.split(b"?>", 1)[1].replace(b"\xe4\xb8\x80\xe3\x80\x81", b"&j;", 1)
                )
            },
        ),
        (DOC, "DTD"),
    ),
    "deep-nesting": (
        lambda d: body_of(d, b"<w:p><w:r>" + b"<w:sdt>" * 100_000 + b"</w:sdt>" * 100_000 + b"</w:r></w:p>"),
        (DOC, "嵌套过深"),
    ),
    "malformed-xml": (lambda d: repack(d, {STYLES: lambda x: x[: len(x) // 2]}), (STYLES, "损坏")),
    "encryption-flag": (lambda d: patched(d, DOC, _encrypted_flag), ("已加密", DOC)),
    "aes": (lambda d: patched(d, DOC, _aes), ("已加密", DOC)),
    "ole2-encrypted": (
        lambda d: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 4096,
        ("已加密", "不加密的 .docx"),
    ),
    "not-a-zip": (lambda d: b"PK\x03\x04" + b"\x00" * 200, ("损坏",)),
    "6000-members": (_many_members, ("部分过多",)),
}


@pytest.mark.parametrize("case", list(PACKAGE_CASES))
def test_hostile_package_is_refused_cleanly(base, tmp_path, case):
    make, expected = PACKAGE_CASES[case]
    path = tmp_path / f"{case}.docx"
    path.write_bytes(make(base))
    code, output, seconds = run_check(str(path))
    assert_refused_cleanly(code, output, seconds, path.name, *expected)
    assert code == 1


def _fifo(tmp_path: Path) -> Path:
    path = tmp_path / "pipe.docx"
    os.mkfifo(path)
    return path


def _zero(tmp_path: Path) -> Path:
    path = tmp_path / "zero.docx"
    path.symlink_to("/dev/zero")
    return path


def _sparse(tmp_path: Path) -> Path:
    path = tmp_path / "sparse.docx"
    with path.open("wb") as fh:
        fh.truncate(5 * 1024**3)  # 5 GB declared, nothing written
    return path


@pytest.mark.parametrize(
    ("make", "expected"),
    [(_fifo, "不是普通文件"), (_zero, "不是普通文件"), (_sparse, "文件过大")],
    ids=["fifo", "dev-zero", "sparse-5GB"],
)
def test_not_a_regular_file_is_refused_before_reading(tmp_path, make, expected):
    path = make(tmp_path)
    code, output, seconds = run_check(str(path), timeout=30)
    assert_refused_cleanly(code, output, seconds, path.name, expected)
    assert code == 1


# -- absurd content: the file is checked, within bounds --------------------------------------------


def _numbered(fmt: str, start: str) -> Callable[[bytes], bytes]:
    return lambda d: repack(
        d,
        {
            DOC: in_body(
                "".join(
                    '<w:p><w:pPr><w:numPr><w:ilvl w:val="0"/><w:numId w:val="77"/></w:numPr></w:pPr>'
                    f"<w:r><w:t>{BODY_TEXT}</w:t></w:r></w:p>"
                    for _ in range(5)
                )
            ),
            NUMBERING: lambda x: x.replace(
                b"</w:numbering>",
                f'<w:abstractNum w:abstractNumId="77"><w:lvl w:ilvl="0"><w:start w:val="{start}"/>'
                f'<w:numFmt w:val="{fmt}"/><w:lvlText w:val="%1."/></w:lvl></w:abstractNum>'
                '<w:num w:numId="77"><w:abstractNumId w:val="77"/></w:num></w:numbering>'.encode(),
            ),
        },
    )


def _parent(i: int, depth: int, cycle: bool) -> str:
    if i:
        return f"Deep{i - 1}"
    return f"Deep{depth - 1}" if cycle else "WsBody"


def _deep_styles(depth: int, cycle: bool = False) -> Callable[[bytes], bytes]:
    styles = "".join(
        f'<w:style w:type="paragraph" w:styleId="Deep{i}"><w:name w:val="Deep{i}"/>'
        f'<w:basedOn w:val="{_parent(i, depth, cycle)}"/>'
        f'<w:pPr><w:ind w:firstLine="{i % 7}"/></w:pPr></w:style>'
        for i in range(depth)
    )
    paragraphs = "".join(
        f'<w:p><w:pPr><w:pStyle w:val="Deep{depth - 1 - i}"/></w:pPr>'
        f"<w:r><w:t>{BODY_TEXT}{i}</w:t></w:r></w:p>"
        for i in range(1000)
    )
    return lambda d: repack(
        d,
        {
            STYLES: lambda x: x.replace(b"</w:styles>", styles.encode() + b"</w:styles>"),
            DOC: in_body(paragraphs),
        },
    )


def _size_zero(d: bytes) -> bytes:
    zero = re.compile(rb'<w:sz w:val="\d+"/>')
    return repack(
        d,
        {
            STYLES: lambda x: zero.sub(b'<w:sz w:val="0"/>', x),
            DOC: in_body(
                '<w:p><w:r><w:rPr><w:sz w:val="0"/><w:spacing w:val="-99999"/></w:rPr>'
                f"<w:t>{BODY_TEXT}</w:t></w:r></w:p>"
            ),
            "word/footer1.xml": lambda x: zero.sub(b'<w:sz w:val="0"/>', x),
            "word/footer2.xml": lambda x: zero.sub(b'<w:sz w:val="0"/>', x),
        },
    )


def _has_parts(docx: bytes, *names: str) -> bool:
    with zipfile.ZipFile(io.BytesIO(docx)) as z:
        return all(n in z.namelist() for n in names)


CONTENT_CASES: dict[str, Callable[[bytes], bytes]] = {
    "numbering-10^12-letters": _numbered("upperLetter", "1000000000000"),
    "numbering-10^12-roman": _numbered("upperRoman", "1000000000000"),
    "numbering-negative-ideograph": _numbered("ideographDigital", "-5"),
    "basedOn-5000-deep": _deep_styles(5000),
    "basedOn-cycle": _deep_styles(300, cycle=True),
    "font-size-zero": _size_zero,
}


@pytest.mark.parametrize("case", list(CONTENT_CASES))
def test_absurd_content_is_checked_within_bounds(base, tmp_path, case):
    path = tmp_path / f"{case}.docx"
    path.write_bytes(CONTENT_CASES[case](base))
    code, output, seconds = run_check("--format", "json", str(path))
    assert code in (0, 1), output
    report = json.loads(output)["files"][0]
    assert report["error"] is None, report["error"]
    assert report["file"].endswith(path.name)
    assert seconds < SECONDS


def test_huge_start_values_are_clamped():
    """A start of 10^12 draws what Word draws for its largest start, not 4 × 10^10 letters."""
    from lxml import etree

    root = etree.fromstring(
        f'<w:numbering xmlns:w="{W}"><w:abstractNum w:abstractNumId="1"><w:lvl w:ilvl="0">'
        '<w:start w:val="1000000000000"/><w:numFmt w:val="upperLetter"/><w:lvlText w:val="%1."/></w:lvl>'
        '</w:abstractNum><w:num w:numId="1"><w:abstractNumId w:val="1"/></w:num></w:numbering>'
    )
    label = AutoNumbering(root).label("1", 0)
    assert label == "G" * 1261 + "."  # 32,767 = 26 × 1,260 + 7: the 7th letter, 1,261 times


# -- many files: a bad one never costs the others their report --------------------------------------


def test_every_file_is_reported_when_one_is_damaged(base, tmp_path):
    """A footer is parsed only when the footer checks need it: damage there used to abort the run."""
    good, bad, broken = tmp_path / "good.docx", tmp_path / "bad-footer.docx", tmp_path / "broken.docx"
    good.write_bytes(base)
    footer = next(n for n in zipfile.ZipFile(io.BytesIO(base)).namelist() if n.startswith("word/footer"))
    bad.write_bytes(repack(base, {footer: lambda x: x[:-20]}))
    broken.write_bytes(b"PK\x03\x04 not really")
    code, output, seconds = run_check("--format", "json", str(good), str(bad), str(broken), str(good))
    assert code == 1
    files = json.loads(output)["files"]
    assert [Path(f["file"]).name for f in files] == [
        "good.docx",
        "bad-footer.docx",
        "broken.docx",
        "good.docx",
    ]
    assert files[0]["error"] is None and files[3]["error"] is None
    assert footer in files[1]["error"] and "损坏" in files[1]["error"]
    assert "损坏" in files[2]["error"]
    code, text, _ = run_check(str(good), str(bad), str(broken))
    assert code == 1 and text.count("good.docx：符合") == 1 and "bad-footer.docx：无法检查" in text, text
    assert seconds < SECONDS


# -- scaling: checking is linear in the paragraphs --------------------------------------------------


def _paragraphs(count: int) -> str:
    """``count`` body paragraphs each with the same deviation (15 pt text), so one finding
    collects ``count`` places: the case that was quadratic."""
    return "".join(
        '<w:p><w:pPr><w:pStyle w:val="WsBody"/></w:pPr><w:r><w:rPr><w:sz w:val="30"/></w:rPr>'
        f"<w:t>第{i}段：{BODY_TEXT}。</w:t></w:r></w:p>"
        for i in range(count)
    )


def test_check_scales_linearly(base, monkeypatch):
    """Work per paragraph (comparisons of places) and time per paragraph stay flat from 300 to
    3,000 paragraphs; a list search for repeated places made them grow with the count."""
    compared = 0
    original = Location.__eq__

    def counting(self: Location, other: object) -> bool:
        nonlocal compared
        compared += 1
        return original(self, other)

    monkeypatch.setattr(Location, "__eq__", counting)
    per_paragraph = {}
    for count in (300, 3000):
        docx = repack(base, {DOC: in_body(_paragraphs(count))})
        compared = 0
        start = time.process_time()  # processor time: other work on the machine does not count
        report = check_docx(docx)
        seconds = time.process_time() - start
        assert max(len(d.locations) for d in report.deviations) >= count
        per_paragraph[count] = (compared / count, seconds / count)
    (work_small, time_small), (work_large, time_large) = per_paragraph[300], per_paragraph[3000]
    assert work_large <= 1.5 * work_small + 1, per_paragraph
    assert time_large <= 3 * time_small, per_paragraph  # generous: the machine is shared


@pytest.mark.render  # slow (about half a minute), not a render
def test_50000_paragraphs_are_checked_in_time(base, tmp_path):
    """The largest size of benchmarks/check_scaling.py, through the CLI with every place in JSON."""
    path = tmp_path / "50k.docx"
    path.write_bytes(repack(base, {DOC: in_body(_paragraphs(50_000))}))
    code, output, seconds = run_check("--format", "json", str(path))
    assert code == 1, output
    report = json.loads(output)["files"][0]
    assert report["error"] is None
    assert max(len(d["locations"]) for d in report["deviations"]) >= 50_000
    assert seconds < SECONDS


# -- rendering offline ------------------------------------------------------------------------------

LINKED_PICTURE = (
    '<w:p><w:r><w:drawing><wp:inline xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/'
    'wordprocessingDrawing"><wp:extent cx="95250" cy="95250"/><wp:docPr id="900" name="pixel"/>'
    '<a:graphic xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main">'
    '<a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/picture">'
    '<pic:pic xmlns:pic="http://schemas.openxmlformats.org/drawingml/2006/picture"><pic:nvPicPr>'
    '<pic:cNvPr id="900" name="pixel.png"/><pic:cNvPicPr/></pic:nvPicPr><pic:blipFill>'
    '<a:blip r:link="rIdPixel"/><a:stretch><a:fillRect/></a:stretch></pic:blipFill><pic:spPr>'
    '<a:xfrm><a:off x="0" y="0"/><a:ext cx="95250" cy="95250"/></a:xfrm><a:prstGeom prst="rect">'
    "<a:avLst/></a:prstGeom></pic:spPr></pic:pic></a:graphicData></a:graphic></wp:inline>"
    "</w:drawing></w:r></w:p>"
)
EXTERNAL_REL = (
    '<Relationship Id="{id}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/{type}"'
    ' Target="{url}" TargetMode="External"/>'
)


def linking(docx: bytes, url: str) -> bytes:
    """``docx`` that links an image, a template, a VML picture and an INCLUDEPICTURE field at ``url``."""
    field = (
        '<w:p><w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText xml:space="preserve"> INCLUDE'
        '</w:instrText></w:r><w:r><w:instrText xml:space="preserve">PICTURE "'
        f'{url}/field.png" \\d </w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r>'
        '<w:r><w:t>图</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r></w:p>'
        f"<w:p><w:fldSimple w:instr=' INCLUDETEXT \"{url}/text.docx\" '>"
        "<w:r><w:t>文</w:t></w:r></w:fldSimple></w:p>"
    )
    vml = (
        '<w:p><w:r><w:pict><v:shape xmlns:v="urn:schemas-microsoft-com:vml" style="width:1pt;height:1pt">'
        f'<v:imagedata src="{url}/vml.png"/></v:shape></w:pict></w:r></w:p>'
    )
    rels = EXTERNAL_REL.format(id="rIdPixel", type="image", url=f"{url}/pixel.png") + EXTERNAL_REL.format(
        id="rIdLink", type="hyperlink", url=f"{url}/clicked-only"
    )
    settings_rels = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        + EXTERNAL_REL.format(id="rIdTpl", type="attachedTemplate", url=f"{url}/template.dotx")
        + "</Relationships>"
    )
    return repack(
        docx,
        {
            DOC: lambda x: x.replace(b"<w:body>", b"<w:body>" + (LINKED_PICTURE + field + vml).encode(), 1),
            "word/_rels/document.xml.rels": lambda x: x.replace(
                b"</Relationships>", rels.encode() + b"</Relationships>"
            ),
            "word/settings.xml": lambda x: re.sub(
                rb"(<w:settings[^>]*>)", rb'\1<w:attachedTemplate r:id="rIdTpl"/>', x, count=1
            ),
        },
        {"word/_rels/settings.xml.rels": settings_rels.encode()},
    )


def test_offline_copy_removes_what_could_be_fetched(base):
    url = "http://127.0.0.1:9"
    copy = offline_copy(linking(base, url), "linked.docx")
    with zipfile.ZipFile(io.BytesIO(copy)) as z:
        texts = {n: z.read(n).decode() for n in z.namelist() if n.endswith((".xml", ".rels"))}
    fetched = [n for n, t in texts.items() if url in t]
    # the hyperlink stays (followed only on a click); nothing else names the address
    assert fetched == ["word/_rels/document.xml.rels"], fetched
    assert "clicked-only" in texts["word/_rels/document.xml.rels"]
    assert "pixel.png" not in texts["word/_rels/document.xml.rels"]
    assert "INCLUDE" not in texts[DOC] and 'QUOTE ""' in texts[DOC]
    assert "http://schemas.openxmlformats.org/drawingml/2006/picture" in texts[DOC]  # a name, kept
    assert check_docx(copy).error is None


@pytest.mark.render
def test_render_fetches_nothing(base, tmp_path, pixel_server):
    url, hits = pixel_server
    path = tmp_path / "linked.docx"
    path.write_bytes(linking(base, url))
    # The control: LibreOffice itself, given the file as it is, fetches the linked picture.
    profile = tmp_path / "profile"
    subprocess.run(
        ["soffice", f"-env:UserInstallation={profile.as_uri()}", "--headless", "--convert-to", "pdf",
         "--outdir", str(tmp_path / "control"), str(path)],
        capture_output=True, timeout=180, check=False, start_new_session=True,
    )  # fmt: skip
    assert hits, "the control render fetched nothing: the test would prove nothing"
    hits.clear()
    code, output, seconds = run_check("--render", str(path), limit=False, timeout=300)
    assert code in (0, 1), output
    assert "排版页数" in output and "未能按实际排版检查" not in output, output
    assert hits == []


def _our_processes(marker: str) -> list[str]:
    found = []
    for proc in Path("/proc").iterdir():
        if proc.name.isdigit():
            try:
                command = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            except OSError:
                continue
            if marker in command:
                found.append(command)
    return found


@pytest.mark.render
def test_render_timeout_keeps_findings_names_file_and_cleans_up(base, tmp_path, monkeypatch):
    import wenshu.office.libreoffice as pdf

    scratch = tmp_path / "tmp"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))  # every temporary folder in sight
    monkeypatch.setattr(pdf, "START_SECONDS", 1)  # LibreOffice cannot even start in 1 s
    monkeypatch.setattr(pdf, "SECONDS_PER_FILE", 0)
    files = [tmp_path / "slow.docx", tmp_path / "slower.docx"]
    for path in files:
        path.write_bytes(repack(base, {DOC: in_body(_paragraphs(3))}))
    reports = check_files(files, render=True)
    for path, report in zip(files, reports, strict=True):
        # each file is given up in turn, named, and keeps its static findings
        assert report.render_error and "超时" in report.render_error, report
        assert report.error is None and report.deviations
        text = format_text(report)
        assert text.startswith(str(path)) and "未能按实际排版检查" in text and "§" in text, text
    time.sleep(1)
    assert _our_processes(str(scratch)) == []
    assert list(scratch.rglob("lu*.tmp")) == [] and list(scratch.iterdir()) == []


# -- safezip, as the .xlsx reader uses it ---------------------------------------------------------


def _zip(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members.items():
            z.writestr(name, data)
    return out.getvalue()


def test_safezip_reads_within_its_limits(tmp_path):
    from wenshu.errors import WenshuError
    from wenshu.safezip import open_package

    data = _zip(
        {"xl/workbook.xml": b"<workbook/>", "xl/sharedStrings.xml": b"<sst>" + b"x" * 5000 + b"</sst>"}
    )
    package = open_package(data, "名单.xlsx", max_member=10_000, max_total=20_000, max_members=10)
    assert package.namelist() == ["xl/workbook.xml", "xl/sharedStrings.xml"]
    assert package.read("xl/workbook.xml") == b"<workbook/>"
    with pytest.raises(WenshuError, match="缺少 xl/styles.xml"):
        package.read("xl/styles.xml")
    limits = {"max_member": 1_000, "max_total": 20_000, "max_members": 10}
    with pytest.raises(WenshuError, match="xl/sharedStrings.xml 部分过大") as caught:
        open_package(data, "名单.xlsx", **limits)
    assert caught.value.problems[0].file == "名单.xlsx"
    with pytest.raises(WenshuError, match="解压后过大"):
        open_package(data, "名单.xlsx", max_member=10_000, max_total=4_000, max_members=10)
    path = tmp_path / "名单.xlsx"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512)
    with pytest.raises(WenshuError, match="不加密的 .xlsx"):
        open_package(path, "名单.xlsx", max_member=10_000, max_total=20_000)
    path.write_bytes(data)
    package = open_package(path, "名单.xlsx", max_member=10_000, max_total=20_000)
    try:
        assert package.read("xl/workbook.xml") == b"<workbook/>"
    finally:
        package.close()
    with pytest.raises(WenshuError, match="是纯文本文件，不是 Excel 文件"):
        open_package(b"name,row\n", "名单.xlsx", max_member=10, max_total=10, max_members=1)


# -- the public reading layer (wenshu import reads through it) meets the same files ----------


@pytest.mark.parametrize(
    "case",
    ["declares-4GB", "entity-bomb", "deep-nesting", "malformed-xml", "not-a-zip", "aes", "encryption-flag"],
)
def test_read_document_refuses_a_hostile_package_with_a_wenshu_error(base, case):
    from wenshu.check import read_document
    from wenshu.errors import WenshuError

    make, expected = PACKAGE_CASES[case]
    with pytest.raises(WenshuError) as caught:
        read_document(make(base), f"{case}.docx")
    message = "；".join(p.message for p in caught.value.problems)
    assert all(part in message for part in expected), message
    assert all(p.file == f"{case}.docx" for p in caught.value.problems)


@pytest.mark.parametrize("case", list(CONTENT_CASES))
def test_read_document_reads_absurd_content_within_bounds(base, case):
    from wenshu.check import read_document, recognise

    started = cpu_seconds()
    result = recognise(read_document(CONTENT_CASES[case](base), f"{case}.docx"))
    assert result.paragraphs and all(len(item.text) < 10_000 for item in result.paragraphs)
    assert cpu_seconds() - started < SECONDS


# -- what reaches the terminal -------------------------------------------------------------------

_FORGED = "\x1b]0;pwned\x07\x1b[2J\nfake.docx：符合标准"


def test_control_characters_in_a_file_name_reach_no_terminal(base, tmp_path):
    """A received file's name may hold any character but "/": ESC sequences the terminal
    obeys (here: retitle the window, clear the screen) and a line feed starting a forged
    line of output. ``check`` printed the name as it is; now every control character is
    shown as an escape, in the report and in an error."""
    good = tmp_path / f"通知{_FORGED}.docx"
    good.write_bytes(base)
    bad = tmp_path / f"坏{_FORGED}.docx"
    bad.write_bytes(b"not a zip")
    code, output, _ = run_check(str(good), str(bad))
    assert code == 1 and "Traceback" not in output
    assert "\x1b" not in output and "\x07" not in output, output
    assert not any(line.startswith("fake.docx") for line in output.splitlines()), output
    assert "通知\\x1b]0;pwned\\x07\\x1b[2J\\x0afake.docx：" in output, output


def test_control_characters_in_a_file_name_keep_the_json_valid(base, tmp_path):
    """``--format json`` is read by programs: a name with DEL or a C1 control (json.dumps
    leaves them raw) is written as a JSON escape, not the terminal escape ``\\x7f`` that no
    JSON reader accepts."""
    import json

    name = f"通知\x7f\x85{_FORGED}.docx"
    (tmp_path / name).write_bytes(base)
    code, output, _ = run_check("--format", "json", str(tmp_path / name))
    assert code in (0, 1) and not any(c in output for c in "\x1b\x07\x7f\x85"), output
    assert json.loads(output)["files"][0]["file"].endswith(name)


def test_control_characters_in_a_data_file_reach_no_terminal(tmp_path):
    """A CSV cell may hold any character: a column name with ESC sequences, echoed in the
    error naming it, is shown escaped."""
    import shutil

    from tests.conftest import REPO

    folder = tmp_path / "letters"
    shutil.copytree(REPO / "examples" / "letters", folder)
    data = folder / "recommendations.csv"
    header, first = data.read_text(encoding="utf-8-sig").splitlines()[:2]
    data.write_text(f"{header},\x1b[8m隐藏\n{first},x\n", encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "wenshu", "validate", str(folder / "recommendations.yaml")],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert result.returncode == 1 and "\x1b" not in result.stdout + result.stderr, result.stderr
    assert "第6列“\\x1b[8m隐藏”不是" in result.stderr, result.stderr


@pytest.mark.parametrize("main", ["word/document.bin", "body/main.xml"])
def test_offline_copy_rewrites_the_main_part_whatever_its_name(base, main):
    """The package's relationships may name any part as the document (``word/document.bin``,
    ``body/main.xml``): LibreOffice lays it out all the same. The copy used to rewrite only
    parts named ``word/….xml``, leaving such a document's INCLUDEPICTURE and INCLUDETEXT
    fields and its VML picture's address as they were; now every XML part is rewritten."""
    url = "http://127.0.0.1:9"
    folder, name = main.rsplit("/", 1)
    moved = {}
    with zipfile.ZipFile(io.BytesIO(linking(base, url))) as z:
        for part in z.namelist():
            data = z.read(part)
            if part == DOC:
                part = main
            elif part == "word/_rels/document.xml.rels":
                part = f"{folder}/_rels/{name}.rels"
                if folder != "word":
                    data = re.sub(rb'Target="(?!http)', b'Target="../word/', data)
            elif part in ("_rels/.rels", "[Content_Types].xml"):
                data = data.replace(DOC.encode(), main.encode())
            moved[part] = data
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for part, data in moved.items():
            z.writestr(part, data)
    with zipfile.ZipFile(io.BytesIO(offline_copy(out.getvalue(), "moved.docx"))) as z:
        document = z.read(main).decode()
    assert "INCLUDE" not in document and url not in document, document
    assert "关于" in document  # the text stays


@pytest.mark.parametrize("encoding", ["utf-16-be", "utf-32-be", "utf-16-le"])
def test_offline_copy_rewrites_a_document_part_in_utf16_or_utf32(base, encoding):
    """A part named .xml was rewritten only when its bytes began with ``<`` (or a UTF-16 byte-order
    mark): ``word/document.xml`` in UTF-16BE without a mark (``\\x00<``) kept its INCLUDEPICTURE
    field, which LibreOffice, reading that encoding, fetched."""
    url = "http://127.0.0.1:9"
    field = (
        f"<w:p><w:fldSimple w:instr=' INCLUDEPICTURE \"{url}/x.png\" \\d '>"
        "<w:r><w:t>图</w:t></w:r></w:fldSimple></w:p>"
    )

    def encoded(data: bytes) -> bytes:
        text = in_body(field)(data).decode()
        return text.replace('encoding="UTF-8"', f'encoding="{encoding[:6].upper()}"', 1).encode(encoding)

    docx = repack(base, {DOC: encoded})
    with zipfile.ZipFile(io.BytesIO(docx)) as z:
        assert z.read(DOC)[:4] != b"<?xm"  # the test's own premise
    with zipfile.ZipFile(io.BytesIO(offline_copy(docx, "utf16.docx"))) as z:
        document = z.read(DOC).decode("utf-8")
    assert "INCLUDEPICTURE" not in document and url not in document
    assert "关于" in document  # the text stays


ALT_CHUNK_REL = (
    '<Relationship Id="rIdChunk" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/aFChunk"'
    ' Target="afchunk.htm"/>'
)


@pytest.mark.parametrize(
    "page",
    [
        b'<!DOCTYPE html><html><body><p>\xe9\x99\x84\xe5\x8a\xa0</p><img src="http://127.0.0.1:9/x.png"></body></html>',
        b"<html><body>\xe4\xb8\x80<br>\xe4\xba\x8c</body></html>",
    ],
    ids=["doctype", "br"],
)
def test_offline_copy_blanks_an_html_alt_chunk_rather_than_refusing_the_file(base, page):
    """An HTML part a w:altChunk brings in (word/afchunk.htm, as Word and many exporters write)
    went through the strict XML reading: ``<!DOCTYPE html>`` refused the file as holding a DTD,
    ``<br>`` as damaged. It is blanked instead (HTML may load pictures), the rest laid out."""
    docx = repack(
        base,
        {
            DOC: in_body('<w:altChunk r:id="rIdChunk"/>'),
            "word/_rels/document.xml.rels": lambda x: x.replace(
                b"</Relationships>", ALT_CHUNK_REL.encode() + b"</Relationships>"
            ),
        },
        {"word/afchunk.htm": page},
    )
    with zipfile.ZipFile(io.BytesIO(offline_copy(docx, "chunk.docx"))) as z:
        assert z.read("word/afchunk.htm") == b""
        assert "关于" in z.read(DOC).decode()
