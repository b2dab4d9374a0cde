"""What LibreOffice may fetch or read when wenshu hands it a hostile file.

wenshu gives LibreOffice files it did not write in two places: ``check --render`` lays out a
.docx (an offline copy of it, :func:`wenshu.office.offline.offline_copy`), and ``import``
and ``fix`` convert a .doc, .wps, .odt or .rtf to .docx first. Neither may make LibreOffice
open an address on the network or a file outside the document. Each test first shows that
LibreOffice left to itself (a fresh profile, the file as it is) does fetch — else it would
prove nothing — and then that wenshu's way does not. A local server counts the requests; a
local file's access time tells whether anything read it.
"""

from __future__ import annotations

import base64
import gzip
import io
import os
import shutil
import subprocess
import sys
import time
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.conftest import PIXEL, cpu_seconds
from tests.soffice_relay import shared_soffice
from tests.test_hostile_check import DOC, EXTERNAL_REL, LINKED_PICTURE, SPEC, repack, run_check
from wenshu.build.pipeline import render
from wenshu.office.libreoffice import PROFILE_SETTINGS
from wenshu.office.offline import (
    is_html,
    is_xml,
    offline_copy,
    offline_html,
    offline_odf,
    offline_rtf,
    offline_xml,
)

# LibreOffice as wenshu runs it (its profile, environment, process), not the worker's shared one.
pytestmark = [pytest.mark.render, pytest.mark.own_office]

_RELS = "word/_rels/document.xml.rels"
_RELATIONSHIPS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
_IMAGE = _RELATIONSHIPS + "image"


@pytest.fixture(scope="module")
def base() -> bytes:
    """A real notice as wenshu writes it."""
    return render(SPEC, ("docx",)).files["docx"]


def _soffice(
    profile: Path,
    target: str,
    out: Path,
    *files: Path,
    settings: str | None = None,
    office: Path | str = "soffice",
) -> None:
    """LibreOffice converting ``files`` with the profile folder ``profile`` (fresh unless
    ``settings`` are written into it); ``office`` the soffice to run (see :func:`control`)."""
    if settings is not None:
        (profile / "user").mkdir(parents=True, exist_ok=True)
        (profile / "user" / "registrymodifications.xcu").write_text(settings, encoding="utf-8")
    subprocess.run(
        [str(office), f"-env:UserInstallation={profile.as_uri()}", "--headless", "--convert-to", target,
         "--outdir", str(out), *map(str, files)],
        capture_output=True, timeout=240, check=False, start_new_session=True,
    )  # fmt: skip


@pytest.fixture(scope="module")
def control() -> Iterator[Callable[..., None]]:
    """:func:`_soffice` for a control that must see LibreOffice fetch or read (or for making a
    file): handed to one LibreOffice kept running for this file for each of the two profiles —
    fresh, or with wenshu's settings — that a fresh one would have (tests/soffice_relay.py).
    Each start costs ~2 CPU seconds. Every such control asserts what LibreOffice did, so a
    running one that did less fails the test rather than weakening it; what must be shown *not*
    to happen (a copy fetching nothing), or under a PATH of the test's own (the EPS tools),
    runs in a LibreOffice of its own, as the case it controls does in wenshu's."""
    real = shutil.which("soffice") or "soffice"
    with shared_soffice(real, fresh=True) as fresh, shared_soffice(real) as safe:

        def run(profile: Path, target: str, out: Path, *files: Path, settings: str | None = None) -> None:
            assert settings in (None, PROFILE_SETTINGS)
            _soffice(
                profile, target, out, *files, settings=settings, office=fresh if settings is None else safe
            )

        yield run


def _import(path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "wenshu", "import", str(path), "-o", str(path.with_suffix(".yaml"))],
        capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip


# -- the offline copy of a .docx, on its own ---------------------------------------------------------


def _with_relationship(docx: bytes, rel: str) -> bytes:
    """``docx`` with a linked picture (a:blip r:link="rIdPixel") and ``rel`` for it."""
    return repack(
        docx,
        {
            DOC: lambda x: x.replace(b"<w:body>", b"<w:body>" + LINKED_PICTURE.encode(), 1),
            _RELS: lambda x: x.replace(b"</Relationships>", rel.encode() + b"</Relationships>"),
        },
    )


def test_offline_copy_alone_fetches_nothing(base, tmp_path, pixel_server, control):
    url, hits = pixel_server
    hostile = {
        # a picture whose relationship says it is a hyperlink (which the copy keeps): LibreOffice
        # goes by the id, not the type
        "typed-as-hyperlink": _with_relationship(
            base, EXTERNAL_REL.format(id="rIdPixel", type="hyperlink", url=f"{url}/typed-as-hyperlink.png")
        ),
        # TargetMode with a space: LibreOffice trims it and fetches
        "spaced-mode": _with_relationship(
            base,
            f'<Relationship Id="rIdPixel" Type="{_IMAGE}" Target="{url}/spaced-mode.png"'
            ' TargetMode=" External"/>',
        ),
    }
    given, copied = tmp_path / "given", tmp_path / "copied"
    given.mkdir(), copied.mkdir()
    for name, data in hostile.items():
        (given / f"{name}.docx").write_bytes(data)
        (copied / f"{name}.docx").write_bytes(offline_copy(data, name))
    control(tmp_path / "p1", "pdf", tmp_path / "out1", *sorted(given.iterdir()))
    assert {h.rsplit("/", 1)[-1] for h in hits} == {"typed-as-hyperlink.png", "spaced-mode.png"}, hits
    hits.clear()
    # the copy alone, without the safe profile wenshu also gives LibreOffice
    _soffice(tmp_path / "p2", "pdf", tmp_path / "out2", *sorted(copied.iterdir()))
    assert sorted((tmp_path / "out2").iterdir()), "LibreOffice converted nothing"
    assert hits == []


def test_offline_copy_keeps_a_real_hyperlink(base):
    rels = EXTERNAL_REL.format(id="rIdLink", type="hyperlink", url="http://example.org/clicked-only")
    link = '<w:p><w:hyperlink r:id="rIdLink"><w:r><w:t>链接</w:t></w:r></w:hyperlink></w:p>'
    docx = repack(
        base,
        {
            DOC: lambda x: x.replace(b"<w:body>", b"<w:body>" + link.encode(), 1),
            _RELS: lambda x: x.replace(b"</Relationships>", rels.encode() + b"</Relationships>"),
        },
    )
    with zipfile.ZipFile(io.BytesIO(offline_copy(docx, "link.docx"))) as z:
        assert b"clicked-only" in z.read(_RELS)


# -- files converted for import: .odt, .doc -----------------------------------------------------------

_ODT_NS = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
    'xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0" '
    'xmlns:svg="urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0" '
    'xmlns:form="urn:oasis:names:tc:opendocument:xmlns:form:1.0" '
    'xmlns:xforms="http://www.w3.org/2002/xforms" xmlns:xlink="http://www.w3.org/1999/xlink"'
)


def _odt(path: Path, body: str, forms: str = "") -> Path:
    """A minimal .odt at ``path``: a title paragraph, then ``body``; ``forms`` in office:forms."""
    content = (
        f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {_ODT_NS} office:version="1.2">'
        f"<office:body><office:text><office:forms>{forms}</office:forms>"
        f"<text:p>关于开展工作的通知</text:p>{body}<text:p>"
        '<text:a xlink:type="simple" xlink:href="http://example.org/clicked-only">链接</text:a></text:p>'
        "</office:text></office:body></office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
        'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
        '<manifest:file-entry manifest:full-path="/" '
        'manifest:media-type="application/vnd.oasis.opendocument.text"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    )
    with zipfile.ZipFile(path, "w") as z:
        z.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.text")
        z.writestr("content.xml", content, zipfile.ZIP_DEFLATED)
        z.writestr("META-INF/manifest.xml", manifest, zipfile.ZIP_DEFLATED)
    return path


def _xforms(src: str) -> str:
    return f'<xforms:model><xforms:instance src="{src}"/></xforms:model>'


def _linked_image(url: str) -> str:
    return (
        '<text:p><draw:frame draw:name="i1" svg:width="1cm" svg:height="1cm" text:anchor-type="as-char">'
        f'<draw:image xlink:href="{url}" xlink:type="simple" xlink:show="embed" xlink:actuate="onLoad"/>'
        "</draw:frame></text:p>"
    )


def test_import_of_an_odt_fetches_nothing(tmp_path, pixel_server, control):
    url, hits = pixel_server
    odt = _odt(tmp_path / "通知.odt", _linked_image(f"{url}/image.png"), _xforms(f"{url}/xforms.xml"))
    control(tmp_path / "control", "docx", tmp_path / "control-out", odt)
    assert any("xforms.xml" in h for h in hits) and any("image.png" in h for h in hits), hits
    hits.clear()
    result = _import(odt)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "关于开展工作的通知" in odt.with_suffix(".yaml").read_text(encoding="utf-8")
    assert hits == []


class _ReadWatch:
    """A local file and whether anything read it since :meth:`reset`: its access time is set
    far in the past, before its modification time, so that a read moves it even on a
    ``relatime`` mount."""

    def __init__(self, path: Path):
        self.path = path
        path.write_text("<data><secret>本机文件</secret></data>", encoding="utf-8")

    def reset(self) -> None:
        os.utime(self.path, (1000, self.path.stat().st_mtime))

    def read(self) -> bool:
        return self.path.stat().st_atime != 1000


@pytest.fixture
def read_watch(tmp_path) -> _ReadWatch:
    """A :class:`_ReadWatch`; skips where reading a file does not change its access time."""
    watch = _ReadWatch(tmp_path / "local-secret.xml")
    watch.reset()
    watch.path.read_bytes()
    if not watch.read():
        pytest.skip("reading a file leaves its access time here (noatime)")
    watch.reset()
    return watch


def test_import_of_an_odt_reads_no_local_file(tmp_path, read_watch, control):
    uri = read_watch.path.as_uri()
    odt = _odt(tmp_path / "通知.odt", _linked_image(uri), _xforms(uri))
    control(tmp_path / "control", "docx", tmp_path / "control-out", odt)
    assert read_watch.read(), "LibreOffice read nothing of the control: the test would prove nothing"
    read_watch.reset()
    result = _import(odt)
    assert result.returncode == 0, result.stdout + result.stderr
    assert not read_watch.read()


_DDE_SECTION = (
    '<text:section text:name="S1"><office:dde-source office:dde-application="soffice" '
    'office:dde-topic="{topic}" office:dde-item="" office:automatic-update="true"/>'
    "<text:p>DDE 缓存文字</text:p></text:section>"
)
_DDE_FIELD = (
    '<text:dde-connection-decls><text:dde-connection-decl office:name="D1" office:dde-application="soffice" '
    'office:dde-topic="{topic}" office:dde-item="" office:automatic-update="true"/>'
    "</text:dde-connection-decls>"
    '<text:p><text:dde-connection text:connection-name="D1">DDE 字段文字</text:dde-connection></text:p>'
)


def test_offline_odf_empties_a_dde_link(tmp_path, read_watch):
    """A DDE link in an .odt (a section's office:dde-source, a field's connection) with the
    application "soffice": LibreOffice with a fresh profile opened the file its topic names
    read-write, left its lock file ``.~lock.<name>#`` beside it and hung (strace; only the
    profile's "never update links" held it in wenshu's runs). Now the copy holds no DDE link,
    and LibreOffice alone, without wenshu's profile, opens nothing and converts it."""
    topic = str(read_watch.path)
    odt = _odt(tmp_path / "dde.odt", _DDE_SECTION.format(topic=topic) + _DDE_FIELD.format(topic=topic))
    copy = offline_odf(odt.read_bytes(), "dde.odt")
    with zipfile.ZipFile(io.BytesIO(copy)) as z:
        content = z.read("content.xml").decode("utf-8")
    assert topic not in content and "soffice" not in content, content
    assert "DDE 缓存文字" in content and "DDE 字段文字" in content
    (tmp_path / "copied").mkdir()
    copied = tmp_path / "copied" / "dde.odt"
    copied.write_bytes(copy)
    _soffice(tmp_path / "fresh", "docx", tmp_path / "out", copied)
    assert (tmp_path / "out" / "dde.docx").is_file()
    assert not read_watch.read()
    assert sorted(p.name for p in read_watch.path.parent.iterdir() if p.name.startswith(".~lock")) == []


_FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf")
_FONT_KEY = "{12345678-1234-1234-1234-123456789ABC}"


def _docx_embedding_a_font(docx: bytes) -> bytes:
    """``docx`` embedding an obfuscated font (ECMA-376 Part 1 §17.8.1: the first 32 bytes
    XOR the key's bytes) named EvilFont, used by a first paragraph."""
    import uuid

    key = uuid.UUID(_FONT_KEY).bytes[::-1]
    font = _FONT.read_bytes()
    odttf = bytes(b ^ key[i % 16] for i, b in enumerate(font[:32])) + font[32:]
    embed = f'<w:font w:name="EvilFont"><w:embedRegular r:id="rIdEvil" w:fontKey="{_FONT_KEY}"/></w:font>'
    rels = (
        '<?xml version="1.0" encoding="UTF-8"?><Relationships '
        'xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        f'<Relationship Id="rIdEvil" Type="{_RELATIONSHIPS}font" Target="fonts/font1.odttf"/></Relationships>'
    )
    used = (
        '<w:p><w:r><w:rPr><w:rFonts w:ascii="EvilFont" w:hAnsi="EvilFont"/></w:rPr>'
        "<w:t>Evil</w:t></w:r></w:p>"
    )
    odttf_type = (
        '<Default Extension="odttf" '
        'ContentType="application/vnd.openxmlformats-officedocument.obfuscatedFont"/>'
    )
    return repack(
        docx,
        {
            "word/fontTable.xml": lambda x: x.replace(b"</w:fonts>", embed.encode() + b"</w:fonts>"),
            "[Content_Types].xml": lambda x: x.replace(b"</Types>", odttf_type.encode() + b"</Types>"),
            DOC: lambda x: x.replace(b"<w:body>", b"<w:body>" + used.encode(), 1),
        },
        {"word/_rels/fontTable.xml.rels": rels.encode(), "word/fonts/font1.odttf": odttf},
    )


def test_offline_copies_embed_no_font(base, tmp_path):
    """A font embedded in a .docx or an .odt: LibreOffice (fresh profile or wenshu's) wrote
    it to user/temp/embeddedfonts/fromdocs/EvilFont.ttf and used it for the rest of its run
    (strace of ``check --render``: 6 opens before, none now). The copies name no embedded
    font; the text that used it stays."""
    copy = offline_copy(_docx_embedding_a_font(base), "font.docx")
    with zipfile.ZipFile(io.BytesIO(copy)) as z:
        fonts, body = z.read("word/fontTable.xml").decode(), z.read(DOC).decode()
    assert "embedRegular" not in fonts and 'w:name="EvilFont"' in fonts and "Evil</w:t>" in body
    face = (
        '<style:font-face style:name="EvilFont" svg:font-family="EvilFont"><svg:font-face-src>'
        '<svg:font-face-uri xlink:href="Fonts/evil.ttf" xlink:type="simple"/>'
        "</svg:font-face-src></style:font-face>"
    )
    style = 'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0"'
    odt = _odt(tmp_path / "font.odt", "<text:p>正文</text:p>").read_bytes()
    odt = repack(
        odt,
        {
            "content.xml": lambda x: x.replace(
                b"office:version", f"{style} office:version".encode(), 1
            ).replace(
                b"<office:body>",
                f"<office:font-face-decls>{face}</office:font-face-decls><office:body>".encode(),
            )
        },
        {"Fonts/evil.ttf": _FONT.read_bytes()},
    )
    with zipfile.ZipFile(io.BytesIO(offline_odf(odt, "font.odt"))) as z:
        content = z.read("content.xml").decode()
    assert "font-face-src" not in content and "Fonts/evil.ttf" not in content
    assert 'style:name="EvilFont"' in content and "正文" in content


def test_offline_odf_keeps_what_only_names(tmp_path):
    odt = _odt(tmp_path / "a.odt", _linked_image("Pictures/inside.png") + _linked_image("../outside.png"),
               _xforms("http://example.org/x.xml"))  # fmt: skip
    with zipfile.ZipFile(io.BytesIO(offline_odf(odt.read_bytes(), "a.odt"))) as z:
        content = z.read("content.xml").decode()
        assert z.namelist()[0] == "mimetype" and z.getinfo("mimetype").compress_type == zipfile.ZIP_STORED
    assert "Pictures/inside.png" in content and "http://example.org/clicked-only" in content
    assert "outside.png" not in content and "xforms:instance" not in content
    assert "example.org/x.xml" not in content


def test_import_of_a_doc_fetches_nothing(base, tmp_path, pixel_server, control):
    url, hits = pixel_server
    # A .doc linking a picture (an INCLUDEPICTURE field), written by LibreOffice from a .docx
    # under wenshu's profile (so that writing it fetches nothing).
    docx = tmp_path / "linked.docx"
    docx.write_bytes(
        _with_relationship(
            base, EXTERNAL_REL.format(id="rIdPixel", type="image", url=f"{url}/doc-picture.png")
        )
    )
    control(tmp_path / "p-write", "doc:MS Word 97", tmp_path, docx, settings=PROFILE_SETTINGS)
    doc = tmp_path / "linked.doc"
    assert doc.is_file()
    hits.clear()
    control(tmp_path / "control", "docx", tmp_path / "control-out", doc)
    assert hits, "the control fetched nothing: the test would prove nothing"
    hits.clear()
    result = _import(doc)
    assert result.returncode == 0, result.stdout + result.stderr
    assert hits == []


def test_import_of_a_doc_reads_no_local_picture(base, tmp_path, read_watch):
    """A binary .doc whose INCLUDEPICTURE field links a local file (``file://…``, as Word
    writes a linked picture): LibreOffice with a fresh profile opens the file and embeds it
    (strace: openat); under wenshu's profile it is not read (BlockUntrustedRefererLinks; "never
    update links" alone does not hold it) — but it was still asked after (access, stat), and
    on Windows asking after ``\\\\server\\share\\x.png`` connects to that server with the
    user's credentials. Now the copy LibreOffice is given names it nowhere
    (:func:`offline_binary_fields`): where strace runs, no call of the import names the file
    (on the old code: access and newfstatat). The same .doc fields DDE, DDEAUTO, INCLUDETEXT
    and LINK naming a local file are not touched even by a fresh profile (strace: no call
    names the file), so they prove nothing here."""
    read_watch.path.write_bytes(PIXEL)
    docx = tmp_path / "linked.docx"
    docx.write_bytes(
        _with_relationship(
            base, EXTERNAL_REL.format(id="rIdPixel", type="image", url=read_watch.path.as_uri())
        )
    )
    _soffice(tmp_path / "p-write", "doc:MS Word 97", tmp_path, docx, settings=PROFILE_SETTINGS)
    doc = tmp_path / "linked.doc"
    assert read_watch.path.as_uri().encode() in doc.read_bytes()  # the field, as Word would write it
    read_watch.reset()
    _soffice(tmp_path / "control", "docx", tmp_path / "control-out", doc)
    assert read_watch.read(), "the control read nothing: the test would prove nothing"
    read_watch.reset()
    strace = shutil.which("strace")
    trace = tmp_path / "import.trace"
    traced = [strace, "-f", "-o", str(trace), "-e", "trace=file"] if strace else []
    result = subprocess.run(
        [*traced, sys.executable, "-m", "wenshu", "import", str(doc), "-o", str(doc.with_suffix(".yaml"))],
        capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert not read_watch.read()
    if strace:
        named = [
            line for line in trace.read_text(errors="replace").splitlines() if read_watch.path.name in line
        ]
        assert named == [], named


def test_offline_binary_fields_name_no_file():
    """Fetching fields of a binary .doc in its UTF-16 and 8-bit text (as Word writes a UNC
    path: backslashes doubled), and a linked picture's record naming the file again: blanked
    in place, the file's length and every other byte kept — a field's shown result, a
    HYPERLINK, and an address in the document's own text."""
    from wenshu.office.offline import offline_binary_fields

    def wide(text: str) -> bytes:
        return text.encode("utf-16-le")

    name = b"file://server/share/linked-pic.png"
    unc = r'INCLUDEPICTURE "\\\\server\\share\\x.png" \\d'
    kept = [
        wide('\x13 HYPERLINK "\\\\server\\share\\doc.docx" \x14链接\x15'),
        b"see \\\\server\\share or http://www.example.org/a/very/long/address/on/the/page\r",
        wide('\x13 QUOTE "LINK" \x14LINK\x15'),
    ]
    blanked = [
        wide(f"\x13 {unc}\x14图片\x15"),
        wide('\x13  includetext "//server/share/a.doc"\x14正文\x15'),
        f"\x13 {unc}\x14picture\x15".encode(),
        b'\x13LINK Word.Document.8 "C:\\\\a.doc" ""\x15',
        b"\x00\x00" + bytes([len(name)]) + name + b"\x00\x00",  # the picture's record
    ]
    data = b"\xd0\xcf\x11\xe0" + b"\x07".join(kept + blanked) + b"\x00" * 8
    copy = offline_binary_fields(data)
    assert len(copy) == len(data)
    for part in kept:
        assert part in copy, part
    for text in ("server", "share"):
        assert copy.count(text.encode()) == 1 and copy.count(wide(text)) == 1, copy
    for part in (wide("图片\x15"), wide("正文\x15"), b"picture\x15", b"\x00\x00" + bytes([len(name)])):
        assert part in copy
    assert offline_binary_fields(b"".join(kept)) == b"".join(kept)


def _rtf(path: Path, instruction: str) -> Path:
    """An RTF file at ``path``: a title, a field of ``instruction`` (shown as 图), a last line."""
    path.write_text(
        "{\\rtf1\\ansi\\deff0{\\fonttbl{\\f0 Times;}}\n\\pard Title\\par\n"
        f"\\pard {{\\field{{\\*\\fldinst {instruction}}}{{\\fldrslt picture}}}}\\par\n\\pard end\\par\n}}\n",
        encoding="ascii",
    )
    return path


def test_import_of_an_rtf_copies_no_local_picture(tmp_path, read_watch, control):
    picture = tmp_path / "photo.png"
    picture.write_bytes(PIXEL)
    read_watch.path.write_bytes(PIXEL)
    read_watch.reset()
    rtf = _rtf(tmp_path / "通知.rtf", f'INCLUDEPICTURE "{read_watch.path}" \\\\d')
    control(tmp_path / "control", "docx", tmp_path / "control-out", rtf, settings=PROFILE_SETTINGS)
    with zipfile.ZipFile(tmp_path / "control-out" / "通知.docx") as z:
        assert any(n.startswith("word/media/") for n in z.namelist()), "the control embedded nothing"
    assert read_watch.read()
    read_watch.reset()
    result = _import(rtf)
    assert result.returncode == 0, result.stdout + result.stderr
    assert not read_watch.read()
    assert not (tmp_path / "通知.files").exists()
    assert "picture" in (tmp_path / "通知.yaml").read_text(encoding="utf-8")  # the field's result stays


def test_import_of_an_rtf_loads_no_font_and_names_no_file(tmp_path):
    """What else an RTF file may name or carry: a font embedded in its font table
    (``\\fontemb``, a TrueType font in hex) or named by file (``\\fontfile``), an attached
    template (``\\template``), a linked object (``\\objlink``), a linked picture of a shape
    or picture (``pibName``), a hyperlink base. LibreOffice 7.4 uses none of them, even with a
    fresh profile (strace: no call names a file, no font written to its embeddedfonts folder),
    so this is no proof of a guard of wenshu's, but it keeps the finding: where strace runs,
    the import asks after none of them and writes no font; the text is imported."""
    strace = shutil.which("strace")
    if strace is None:
        pytest.skip("strace is not installed")
    named = tmp_path / "named"
    named.mkdir()
    for name in ("font.ttf", "template.dot", "object.doc", "shape.png", "picture.png", "base.txt"):
        (named / name).write_bytes(PIXEL)
    rtf = tmp_path / "通知.rtf"
    rtf.write_text(
        "{\\rtf1\\ansi\\deff0{\\fonttbl{\\f0 Times;}"
        f"{{\\f1\\fnil EvilFont{{\\*\\fontemb\\fttruetype {_FONT.read_bytes().hex()}}};}}"
        f"{{\\f2\\fnil EvilFile{{\\*\\fontemb\\fttruetype{{\\*\\fontfile\\cpg1252 {named}/font.ttf}}}};}}}}\n"
        f"{{\\*\\template {named}/template.dot}}{{\\*\\hlinkbase {named.as_uri()}/base.txt}}\n"
        "\\pard\\f1 Title\\par\\pard\\f2 \\u27491?\\u25991?\\par\n"  # 正文
        "{\\object\\objlink\\objautlink\\objw100\\objh100{\\*\\objclass Word.Document.8}"
        f"{{\\*\\objname {named}/object.doc}}{{\\*\\objdata 01050000}}{{\\result{{\\pard linked\\par}}}}}}\n"
        "{\\shp{\\*\\shpinst\\shpleft0\\shptop0\\shpright1000\\shpbottom1000{\\sp{\\sn shapeType}{\\sv 75}}"
        f"{{\\sp{{\\sn pibName}}{{\\sv {named.as_uri()}/shape.png}}}}"
        "{\\sp{\\sn pibFlags}{\\sv 10}}}}\n"
        f"{{\\*\\shppict{{\\pict{{\\*\\picprop{{\\sp{{\\sn pibName}}{{\\sv {named}/picture.png}}}}"
        f"{{\\sp{{\\sn pibFlags}}{{\\sv 10}}}}}}\\pngblip\\picw10\\pich10 {PIXEL.hex()}}}}}\n"
        "\\pard end\\par\n}\n",
        encoding="utf-8",
    )
    trace = tmp_path / "import.trace"
    result = subprocess.run(
        [strace, "-f", "-o", str(trace), "-e", "trace=file",
         sys.executable, "-m", "wenshu", "import", str(rtf), "-o", str(rtf.with_suffix(".yaml"))],
        capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    calls = trace.read_text(errors="replace").splitlines()
    assert [c for c in calls if str(named) in c or "fromdocs/" in c] == []
    assert "正文" in rtf.with_suffix(".yaml").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    "instruction",
    [
        'INCLUDEPICTURE "/x.png" \\\\d',
        ' includepicture "/x.png"',
        '{\\\'49}NCLUDEPICTURE "/x.png"',
        '\\u73?NCLUDEPICTURE "/x.png"',
        '\\uc2\\u73??NCLUDETEXT "/x.txt"',
        'INC{\\b LU}DEPICTURE "/x.png"',
        'LINK Word.Document.8 "/x.doc" ""',
        'QUOTE {\\field{\\*\\fldinst INCLUDEPICTURE "/x.png"}}',
    ],
)
def test_offline_rtf_leaves_no_fetching_field(tmp_path, instruction):
    data = _rtf(tmp_path / "a.rtf", instruction).read_bytes()
    copy = offline_rtf(data)
    assert b"/x." not in copy and b'{\\*\\fldinst QUOTE ""}' in copy
    assert b"picture" in copy and b"end" in copy


def test_offline_rtf_keeps_other_fields(tmp_path):
    data = _rtf(tmp_path / "a.rtf", 'HYPERLINK "http://example.org/" \\\\bin0 PAGE').read_bytes()
    assert offline_rtf(data) == data


# -- a web page saved as .doc --------------------------------------------------------------------


def _page(uri: str) -> str:
    """A web page as a government site serves it saved as .doc: GB2312, a style sheet, a
    background and pictures, each naming ``uri``."""
    return (
        '<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312">'
        f'<link rel="stylesheet" type="text/css" href="{uri}"><style>@import url("{uri}");</style>'
        f'<meta http-equiv="refresh" content="0; url={uri}"><script src="{uri}"></script></head>'
        f'<body background="{uri}"><p align="center" style="background:url({uri})">关于开展工作的通知</p>'
        f'<img src="{uri}"><iframe src="{uri}"></iframe><object data="{uri}"></object><embed src="{uri}">'
        "<p>各有关单位：</p><p>请认真组织实施。</p></body></html>"
    )


def _imported_reading_nothing(tmp_path: Path, doc: Path, read_watch, control) -> None:
    """LibreOffice reads the watched file when it converts ``doc`` raw (the control, so the test
    proves something); ``wenshu import`` of ``doc`` succeeds and reads nothing."""
    control(tmp_path / "control", "docx", tmp_path / "control-out", doc, settings=PROFILE_SETTINGS)
    assert read_watch.read(), "LibreOffice read nothing of the control: the test would prove nothing"
    read_watch.reset()
    result = _import(doc)
    assert result.returncode == 0, result.stdout + result.stderr
    assert not read_watch.read()


def test_import_of_a_web_page_saved_as_doc_reads_no_local_file(tmp_path, read_watch, control):
    doc = tmp_path / "通知.doc"
    doc.write_bytes(_page(read_watch.path.as_uri()).encode("gb2312"))
    _imported_reading_nothing(tmp_path, doc, read_watch, control)
    text = (tmp_path / "通知.yaml").read_text(encoding="utf-8")
    assert "关于开展工作的通知" in text and "请认真组织实施。" in text  # its own encoding kept


def test_a_web_page_in_utf16_is_refused(tmp_path):
    doc = tmp_path / "通知.doc"
    doc.write_bytes(_page("file:///etc/hostname").encode("utf-16"))
    result = _import(doc)
    assert result.returncode != 0 and "Traceback" not in result.stderr
    assert "通知.doc" in result.stderr and "UTF-16" in result.stderr, result.stderr
    assert not (tmp_path / "通知.yaml").exists()


def test_import_of_a_flat_opendocument_saved_as_doc_reads_no_local_file(tmp_path, read_watch, control):
    """A flat OpenDocument file (.fodt: the package's XML in one file) under the name .doc:
    LibreOffice loads its XForms instance from the local disk as it does an .odt's."""
    uri = read_watch.path.as_uri()
    doc = tmp_path / "通知.doc"
    doc.write_text(
        f'<?xml version="1.0" encoding="UTF-8"?><office:document {_ODT_NS} office:version="1.2" '
        'office:mimetype="application/vnd.oasis.opendocument.text"><office:body><office:text>'
        f"<office:forms>{_xforms(uri)}</office:forms><text:p>关于开展工作的通知</text:p>"
        f"{_linked_image(uri)}<text:p>请认真组织实施。</text:p></office:text></office:body></office:document>",
        encoding="utf-8",
    )
    _imported_reading_nothing(tmp_path, doc, read_watch, control)
    assert "请认真组织实施。" in (tmp_path / "通知.yaml").read_text(encoding="utf-8")


def test_offline_xml_keeps_a_word_2003_picture_and_drops_a_linked_one():
    xml = (
        b'<?xml version="1.0"?>'
        b'<w:wordDocument xmlns:w="http://schemas.microsoft.com/office/word/2003/wordml" '
        b'xmlns:v="urn:schemas-microsoft-com:vml"><v:imagedata src="wordml://Picture 1"/>'
        b'<v:imagedata src="file:///x.png"/><v:imagedata src="../x.png"/></w:wordDocument>'
    )
    assert is_xml(xml) and not is_html(xml)
    copy = offline_xml(xml, "a.doc")
    assert b"wordml://Picture 1" in copy and b"x.png" not in copy


@pytest.mark.parametrize(
    "hostile",
    [
        '<link rel=stylesheet href="/x.css">',
        "<LINK REL=STYLESHEET HREF=/x.css>",
        '<img src="/x.png"><img src=x.png lowsrc="/x.png" dynsrc="/x.avi">',
        '<body background="/x.png">',
        '<table background="/x.png"><tr><td background="/x.png">',
        "<style>@import '/x.css';</style>",
        "<style>p { background: u\\72l(/x.png) }</style>",
        '<p style="background-image: u&#114;l(/x.png)">',
        "<p style=\"list-style-image: image-set('/x.png' 1x)\">",
        '<script src="/x.js"></script>',
        '<iframe src="/x.html"></iframe>',
        '<frameset><frame src="/x.html"></frameset>',
        '<object data="/x.doc"><param name=src value="/x.doc"></object>',
        '<embed src="/x.swf">',
        '<applet code="/x.class"></applet>',
        '<meta http-equiv="refresh" content="0; url=/x.html">',
        '<base href="file:///x./"><img src=a.png>',
        '<input type=image src="/x.png">',
        '<svg><image href="/x.png"/></svg>',
        "<!--[if gte mso 9]><xml><o:File HRef=/x.xml/></xml><![endif]-->",
        '<p <img src="/x.png">',
        '<a href="/x.html">链接</a>',
    ],
)
def test_offline_html_keeps_no_reference(hostile):
    copy = offline_html(f"<html><body>{hostile}<p>正文</p></body></html>".encode(), "a.doc").decode()
    assert "/x." not in copy and "x.png" not in copy, copy
    assert "正文" in copy


def test_offline_html_keeps_the_text_and_its_plain_formatting():
    page = (
        '\ufeff<html><head><meta charset="utf-8"><style>p.MsoNormal { font-size: 16pt }</style></head>'
        '<body><p class=MsoNormal align=center style="font-family:仿宋">一&amp;二 &#20108; 3 < 4</p>'
        "<table border=1><tr><td colspan=2>格</td></tr></table></body></html>"
    )
    copy = offline_html(page.encode(), "a.doc")
    assert copy.startswith(b"\xef\xbb\xbf<!DOCTYPE html>")
    text = copy.decode("utf-8-sig")
    assert "<style>p.MsoNormal { font-size: 16pt }</style>" in text
    assert (
        '<p class="MsoNormal" align="center" style="font-family:仿宋">一&amp;二 &#20108; 3 &lt; 4</p>' in text
    )
    assert '<td colspan="2">格</td>' in text and '<meta charset="utf-8">' in text


@pytest.mark.parametrize("tag", ["script", "object", "iframe", "textarea"])
def test_a_web_page_with_an_element_left_open_is_refused(tmp_path, tag):
    """A ``<script>`` (or another element dropped with all it holds) that is never closed holds
    the rest of the page: the old copy dropped it all, and the import went on with the page's
    first lines only, saying nothing. Now the import is refused, naming the line."""
    doc = tmp_path / "通知.doc"
    page = f"<html><body><p>关于开展工作的通知</p>\n<{tag}>var x = 1;\n<p>各有关单位：</p><p>请认真组织实施。"
    doc.write_bytes(page.encode("gb2312"))
    result = _import(doc)
    assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
    assert f"{doc}:2:1 网页中的 <{tag}> 没有结束标记 </{tag}>" in result.stderr, result.stderr
    assert not (tmp_path / "通知.yaml").exists() and not (tmp_path / "通知.files").exists()
    closed = page.replace("var x = 1;", f"var x = 1;</{tag}>")
    assert b"\xc7\xeb\xc8\xcf\xd5\xe6" in offline_html(closed.encode("gb2312"), "a.doc")  # 请认真


@pytest.mark.parametrize(
    ("data", "html"),
    [
        (b"<html><body>x</body></html>", True),
        (b"\xef\xbb\xbf  <!DOCTYPE html><p>x", True),
        (b"some text first <P>then a tag", True),
        ("<html>".encode("utf-16"), True),
        (b'<?xml version="1.0"?>\n<html xmlns="http://www.w3.org/1999/xhtml">', True),
        (b"plain text, 3 < 4", False),
        (b'<?xml version="1.0"?><w:wordDocument/>', False),
        (b"{\\rtf1 <html>}", False),
        (b"PK\x03\x04<html>", False),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1<html>", False),
    ],
)
def test_a_web_page_is_known_by_its_content(data, html):
    assert is_html(data) is html


# -- what a render writes -------------------------------------------------------------------------


def test_page_images_replace_a_link_and_follow_none(base, tmp_path):
    """``check --png DIR``: a page image's name already taken by a link (to a file elsewhere)
    is replaced, the file it pointed to untouched; only whole images appear under their names."""
    docx = tmp_path / "通知.docx"
    docx.write_bytes(base)
    pages, victim = tmp_path / "pages", tmp_path / "victim.txt"
    pages.mkdir()
    victim.write_text("not a page", encoding="utf-8")
    (pages / "通知-1.png").symlink_to(victim)
    result = subprocess.run(
        [sys.executable, "-m", "wenshu", "check", "--png", str(pages), str(docx)],
        capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert result.returncode in (0, 1) and "页面图片" in result.stdout, result.stdout + result.stderr
    assert victim.read_text(encoding="utf-8") == "not a page"
    first = pages / "通知-1.png"
    assert not first.is_symlink() and first.read_bytes().startswith(b"\x89PNG")
    assert sorted(p.name for p in pages.iterdir() if not p.name.startswith("通知-")) == []


# -- an SVG picture inside a .docx (check --render) ------------------------------------------------


def _svg(href: str) -> bytes:
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="90"'
        f' height="90"><image xlink:href="{href}" width="90" height="90"/><rect width="9" height="9"/></svg>'
    ).encode()


def _with_svg_picture(docx: bytes, svg: bytes, part: str = "word/media/image1.png") -> bytes:
    """``docx`` with a picture whose part, named like a PNG (or ``part``), holds ``svg``:
    LibreOffice goes by the content."""
    picture = LINKED_PICTURE.replace('r:link="rIdPixel"', 'r:embed="rIdPixel"')
    rel = f'<Relationship Id="rIdPixel" Type="{_IMAGE}" Target="/{part}"/>'
    return repack(
        docx,
        {
            DOC: lambda x: x.replace(b"<w:body>", b"<w:body>" + picture.encode(), 1),
            _RELS: lambda x: x.replace(b"</Relationships>", rel.encode() + b"</Relationships>"),
        },
        {part: svg},
    )


def test_render_of_an_svg_picture_reads_no_local_file(base, tmp_path, read_watch, control):
    """An SVG picture naming a local file (``<image xlink:href="file:///…">``) made LibreOffice
    read that file while ``check --render`` laid the document out (and draw it on the page
    images of ``--png``); in a part named .png or in an XML part outside word/, which the
    offline copy did not look into. Now the copy empties the reference."""
    uri = read_watch.path.as_uri()
    given = {
        "named-png": _with_svg_picture(base, _svg(uri)),
        "outside-word": _with_svg_picture(base, _svg(uri), "media/image1.xml"),
    }
    for name, data in given.items():
        (tmp_path / f"{name}.docx").write_bytes(data)
        read_watch.reset()
        control(tmp_path / f"control-{name}", "pdf", tmp_path / "control-out", tmp_path / f"{name}.docx")
        assert read_watch.read(), f"LibreOffice read nothing of the control {name}: the test proves nothing"
        read_watch.reset()
        code, output, _ = run_check("--render", str(tmp_path / f"{name}.docx"), limit=False, timeout=300)
        assert code in (0, 1), output
        assert "排版页数" in output and "未能按实际排版检查" not in output, output
        assert not read_watch.read(), name


@pytest.mark.parametrize(
    ("packed", "kept"),
    [
        pytest.param(lambda svg: svg, True, id="svg"),
        pytest.param(lambda svg: gzip.compress(svg), True, id="svgz"),
        # not XML as it stands: made a blank picture
        pytest.param(lambda svg: b"\x01\x00\x00\x00" + b" " * 60 + svg, False, id="after-other-bytes"),
    ],
)
def test_offline_copy_empties_what_an_svg_picture_names(base, packed, kept):
    copy = offline_copy(_with_svg_picture(base, packed(_svg("file:///etc/passwd"))), "svg.docx")
    with zipfile.ZipFile(io.BytesIO(copy)) as z:
        picture = z.read("word/media/image1.png")
    assert b"passwd" not in picture
    assert (b"<rect" in picture) is kept
    assert offline_copy(_with_svg_picture(base, _svg("#inside")), "svg.docx")  # a reference inside stays


def test_offline_copy_blanks_an_svg_it_cannot_read_safely(base):
    dtd = b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY u "file:///etc/passwd">]>' + _svg("&u;")
    copy = offline_copy(_with_svg_picture(base, dtd), "svg.docx")
    with zipfile.ZipFile(io.BytesIO(copy)) as z:
        assert z.read("word/media/image1.png").startswith(b"\x89PNG\r\n\x1a\n")


# -- an SVG picture inside a file import converts ---------------------------------------------------


def _svg_rtf(svg: bytes) -> bytes:
    return (
        b"{\\rtf1\\ansi\\deff0{\\fonttbl{\\f0 SimSun;}}\\pard \\u20851?\\u20110?\\par"
        b"{\\*\\shppict{\\pict{\\*\\picprop}\\pngblip\\picw90\\pich90\\picwgoal1350\\pichgoal1350\n"
        + b"\n".join(svg.hex().encode()[i : i + 64] for i in range(0, len(svg.hex()), 64))
        + b"}}\\par \\u27491?\\u25991?\\par}"
    )


def _svg_odt(path: Path, svg: bytes) -> Path:
    """An .odt showing the picture ``svg`` it holds, listed in its manifest."""
    with zipfile.ZipFile(_odt(path, _linked_image("Pictures/a.svg"))) as z:
        parts = {name: z.read(name) for name in z.namelist()}
    entry = b'<manifest:file-entry manifest:full-path="Pictures/a.svg" manifest:media-type="image/svg+xml"/>'
    parts["META-INF/manifest.xml"] = parts["META-INF/manifest.xml"].replace(
        b"</manifest:manifest>", entry + b"</manifest:manifest>"
    )
    parts["Pictures/a.svg"] = svg
    with zipfile.ZipFile(path, "w") as z:
        for name, data in parts.items():
            z.writestr(name, data, zipfile.ZIP_STORED if name == "mimetype" else zipfile.ZIP_DEFLATED)
    return path


def _svg_fodt(svg: bytes) -> bytes:
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><office:document {_ODT_NS} office:version="1.2" '
        'office:mimetype="application/vnd.oasis.opendocument.text"><office:body><office:text>'
        '<text:p>关于开展工作的通知</text:p><text:p><draw:frame draw:name="i1" svg:width="1cm" '
        'svg:height="1cm" '
        f'text:anchor-type="as-char"><draw:image><office:binary-data>{base64.b64encode(svg).decode()}'
        "</office:binary-data></draw:image></draw:frame></text:p><text:p>请认真组织实施。</text:p>"
        "</office:text></office:body></office:document>"
    ).encode()


@pytest.mark.parametrize("case", ["x.rtf", "x.odt", "flat-opendocument.doc", "rtf-named.doc"])
def test_import_of_an_svg_picture_reads_no_local_file(tmp_path, read_watch, case, control):
    """A picture that is an SVG naming a local file (``<image xlink:href="file:///…">``): the
    profile does not stop LibreOffice reading that file and drawing it into the picture it
    converts, which import wrote beside the spec as 图1.png (a copy of the user's file, in an
    output they pass on). Now the SVG is made offline first, in each form import converts."""
    svg = _svg(read_watch.path.as_uri())
    doc = tmp_path / f"通知{Path(case).suffix}"
    if case == "x.odt":
        _svg_odt(doc, svg)
    else:
        doc.write_bytes(_svg_fodt(svg) if case.startswith("flat") else _svg_rtf(svg))
    _imported_reading_nothing(tmp_path, doc, read_watch, control)


def test_offline_rtf_keeps_a_picture_that_is_no_svg(tmp_path):
    png = (tmp_path / "p.png").write_bytes(b"") or bytes.fromhex(
        "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489"
        "0000000b4944415478da636000020000050001e9fadcd80000000049454e44ae426082"
    )
    rtf = _svg_rtf(png)
    assert offline_rtf(rtf) == rtf
    made = offline_rtf(_svg_rtf(_svg("file:///etc/passwd")))
    assert b"passwd".hex().encode() not in made and b"<rect".hex().encode() in made
    assert made.startswith(b"{\\rtf1") and made.count(b"{") == made.count(b"}")
    # the same picture as raw bytes after \binN: written again in hex, the \bin word gone
    svg = _svg("file:///etc/passwd")
    raw = b"{\\rtf1{\\pict\\pngblip\\bin%d %s}\\par}" % (len(svg), svg)
    made = offline_rtf(raw)
    assert b"passwd" not in made and b"\\bin" not in made and b"<rect".hex().encode() in made


def _png(side: int) -> bytes:
    """A PNG of ``side`` × ``side`` pixels of noise (so it stays large in any file)."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    rows = b"".join(b"\0" + os.urandom(3 * side) for _ in range(side))
    header = struct.pack(">IIBBBBB", side, side, 8, 2, 0, 0, 0)
    body = chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")
    return b"\x89PNG\r\n\x1a\n" + body


def _doc_with_a_png(tmp_path: Path, control) -> tuple[bytes, tuple[int, int]]:
    """A binary .doc LibreOffice made, holding one PNG picture, and where the PNG's bytes
    stand in it (to be overwritten, same length, by the picture under test)."""
    rtf = tmp_path / "source.rtf"
    rtf.write_bytes(_svg_rtf(_png(40)))
    control(tmp_path / "make", "doc", tmp_path, rtf)
    made = (tmp_path / "source.doc").read_bytes()
    start = made.index(b"\x89PNG")
    return made, (start, made.index(b"IEND", start) + 8)


def test_import_of_a_doc_with_an_svg_picture_is_refused(tmp_path, read_watch, control):
    """A binary .doc whose picture holds an SVG naming a local file (a made-up file: Word
    writes SVG into no .doc): LibreOffice reads that file while converting, and a binary
    .doc cannot be rewritten. The file is refused, with why, nothing written, nothing read;
    a .doc with a PNG picture still imports."""
    made, (start, end) = _doc_with_a_png(tmp_path, control)
    svg = _svg(read_watch.path.as_uri())
    svg = svg.replace(b"</svg>", b"<!--" + b"x" * (end - start - len(svg) - 7) + b"--></svg>")
    doc = tmp_path / "通知.doc"
    doc.write_bytes(made[:start] + svg + made[end:])
    control(tmp_path / "control", "docx", tmp_path / "control-out", doc, settings=PROFILE_SETTINGS)
    assert read_watch.read(), "LibreOffice read nothing of the control: the test would prove nothing"
    read_watch.reset()
    result = _import(doc)
    assert result.returncode == 1 and "SVG 图片" in result.stderr and str(doc) in result.stderr, result.stderr
    assert "Traceback" not in result.stderr
    assert not read_watch.read() and not doc.with_suffix(".yaml").exists()
    plain = tmp_path / "图片.doc"
    plain.write_bytes(made)
    result = _import(plain)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "图片.files" / "图1.png").is_file()


_OLE_OBJECT = (
    '<w:p><w:r><w:object w:dxaOrig="1440" w:dyaOrig="1440"><v:shape xmlns:v="urn:schemas-microsoft-com:vml"'
    ' id="_x0000_i1025" type="#_x0000_t75" style="width:72pt;height:72pt"><v:imagedata r:id="rIdOleImg"/>'
    '</v:shape><o:OLEObject xmlns:o="urn:schemas-microsoft-com:office:office" Type="Embed"'
    ' ProgID="Word.Document.12" ShapeID="_x0000_i1025" DrawAspect="Content" ObjectID="_1" r:id="rIdOle"/>'
    "</w:object></w:r></w:p>"
)


def test_render_of_an_embedded_document_reads_no_local_file(base, tmp_path, read_watch, control):
    """An embedded Word document (an OLE object) whose own picture is an SVG naming a local
    file: LibreOffice opens the embedded document to draw it and reads that file; the offline
    copy did not look inside. Now an embedded document is emptied (its picture shows it)."""
    inner = _with_svg_picture(base, _svg(read_watch.path.as_uri()))
    rels = (
        f'<Relationship Id="rIdOle" Type="{_RELATIONSHIPS}package" Target="embeddings/a.docx"/>'
        f'<Relationship Id="rIdOleImg" Type="{_IMAGE}" Target="media/ole.png"/>'
    )
    outer = repack(
        base,
        {
            DOC: lambda x: x.replace(b"<w:body>", b"<w:body>" + _OLE_OBJECT.encode(), 1),
            _RELS: lambda x: x.replace(b"</Relationships>", rels.encode() + b"</Relationships>"),
            "[Content_Types].xml": lambda x: x.replace(
                b"</Types>",
                b'<Default Extension="docx" ContentType="application/vnd.openxmlformats-officedocument.'
                b'wordprocessingml.document"/><Default Extension="png" ContentType="image/png"/></Types>',
            ),
        },
        {"word/embeddings/a.docx": inner, "word/media/ole.png": _png(8)},
    )
    path = tmp_path / "embedded.docx"
    path.write_bytes(outer)
    control(tmp_path / "control", "pdf", tmp_path / "control-out", path)
    assert read_watch.read(), "LibreOffice read nothing of the control: the test would prove nothing"
    read_watch.reset()
    code, output, _ = run_check("--render", str(path), limit=False, timeout=300)
    assert code in (0, 1), output
    assert "排版页数" in output and "未能按实际排版检查" not in output, output
    assert not read_watch.read()


# -- an EPS picture: PostScript run by the programs LibreOffice finds on PATH -------------------------

_EPS = b"%!PS-Adobe-3.0 EPSF-3.0\n%%BoundingBox: 0 0 100 100\nnewpath 0 0 moveto 100 100 lineto stroke\n"


@pytest.fixture
def eps_tools(tmp_path, monkeypatch) -> Path:
    """Programs named gs, pstoedit and convert first on PATH, each leaving a mark in the
    folder it returns when run: Ghostscript and ImageMagick as a user may have them."""
    tools, marks = tmp_path / "tools", tmp_path / "marks"
    tools.mkdir(), marks.mkdir()
    for name in ("gs", "pstoedit", "convert"):
        (tools / name).write_text(
            f"#!/bin/sh\ntouch '{marks}/{name}'\ncat >/dev/null\nexit 1\n", encoding="ascii"
        )
        (tools / name).chmod(0o755)
    monkeypatch.setenv("PATH", f"{tools}{os.pathsep}{os.environ['PATH']}")
    return marks


@pytest.mark.parametrize("case", ["check --render", "import .rtf"])
def test_an_eps_picture_runs_no_program(base, tmp_path, eps_tools, case):
    """An EPS picture in a .docx being rendered, or in an .rtf being imported: LibreOffice ran
    pstoedit, Ghostscript and ImageMagick's convert from PATH on its PostScript (a program
    from whoever made the file; Ghostscript's -dSAFER has been escaped before). Now wenshu's
    LibreOffice finds stand-ins that do nothing first, and the document is still laid out."""
    if case == "check --render":
        path = tmp_path / "eps.docx"
        path.write_bytes(_with_svg_picture(base, _EPS))
    else:
        path = tmp_path / "通知.rtf"
        path.write_bytes(_svg_rtf(_EPS))
    _soffice(tmp_path / "control", "pdf", tmp_path / "control-out", path, settings=PROFILE_SETTINGS)
    assert sorted(p.name for p in eps_tools.iterdir()), "LibreOffice ran nothing for the control"
    for mark in eps_tools.iterdir():
        mark.unlink()
    if case == "check --render":
        code, output, _ = run_check("--render", str(path), limit=False, timeout=300)
        assert code in (0, 1) and "排版页数" in output and "未能按实际排版检查" not in output, output
    else:
        result = _import(path)
        assert result.returncode == 0, result.stderr
    assert list(eps_tools.iterdir()) == []


def _eps_odt(path: Path) -> Path:
    """An .odt showing an EPS picture it holds."""
    return _svg_odt(path, _EPS)


@pytest.mark.parametrize("case", ["x.docx", "x.rtf", "x.odt", "flat-opendocument.doc"])
def test_the_offline_copy_holds_no_eps_picture(base, tmp_path, eps_tools, case):
    """The stand-ins of ``test_an_eps_picture_runs_no_program`` are shell scripts: on Windows
    they are no programs, and LibreOffice would find the user's Ghostscript (gswin64c.exe)
    all the same (reasoned, not tried on Windows). Now the copy it is
    given holds a blank picture in place of the EPS, on every system: LibreOffice converting
    the copy alone, with the user's PATH, runs nothing."""
    from wenshu.office.offline import offline_package

    given = tmp_path / "given" / f"通知{Path(case).suffix}"
    given.parent.mkdir()
    if case == "x.docx":
        given.write_bytes(_with_svg_picture(base, _EPS))
        copy = offline_copy(given.read_bytes(), case)
    elif case == "x.rtf":
        given.write_bytes(_svg_rtf(_EPS))
        copy = offline_rtf(given.read_bytes())
    elif case == "x.odt":
        _eps_odt(given)
        copy, _ = offline_package(given.read_bytes(), case)
    else:
        given.write_bytes(_svg_fodt(_EPS))
        copy = offline_xml(given.read_bytes(), case)
    _soffice(tmp_path / "control", "pdf", tmp_path / "control-out", given, settings=PROFILE_SETTINGS)
    assert list(eps_tools.iterdir()), "LibreOffice ran nothing for the control"
    for mark in eps_tools.iterdir():
        mark.unlink()
    copied = tmp_path / "copied" / given.name
    copied.parent.mkdir()
    copied.write_bytes(copy)
    _soffice(tmp_path / "copy", "pdf", tmp_path / "copy-out", copied, settings=PROFILE_SETTINGS)
    assert (tmp_path / "copy-out" / given.with_suffix(".pdf").name).is_file()
    assert list(eps_tools.iterdir()) == []
    assert b"%!PS" not in copy and _EPS.hex().encode() not in copy


def test_import_of_a_doc_with_an_eps_picture_is_refused(tmp_path, eps_tools, control):
    """A binary .doc holding an EPS picture cannot be rewritten: it is refused, saying why,
    and LibreOffice never sees it."""
    made, (start, end) = _doc_with_a_png(tmp_path, control)
    eps = _EPS + b"%" + b"x" * (end - start - len(_EPS) - 2) + b"\n"
    doc = tmp_path / "通知.doc"
    doc.write_bytes(made[:start] + eps + made[end:])
    _soffice(tmp_path / "control", "docx", tmp_path / "control-out", doc, settings=PROFILE_SETTINGS)
    ran = list(eps_tools.iterdir())
    for mark in ran:
        mark.unlink()
    result = _import(doc)
    assert result.returncode == 1 and "EPS" in result.stderr and str(doc) in result.stderr, result.stderr
    assert "Traceback" not in result.stderr and not doc.with_suffix(".yaml").exists()
    assert list(eps_tools.iterdir()) == []
    assert ran, "LibreOffice ran nothing for the control"


def test_an_rtf_nested_too_deep_is_refused_at_once(tmp_path):
    """200,000 nested groups (a 1 MB RTF file): LibreOffice converted for the whole timeout
    (150 s) before import gave up. Now the nesting is counted first and the file refused."""
    rtf = tmp_path / "通知.rtf"
    rtf.write_bytes(b"{\\rtf1\\ansi " + b"{\\b " * 200_000 + b"text" + b"}" * 200_000 + b"\\par}")
    before = cpu_seconds()
    started = time.monotonic()
    result = _import(rtf)
    assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
    assert f"{rtf} RTF 分组嵌套超过 1000 层" in result.stderr, result.stderr
    assert time.monotonic() - started < 60 and cpu_seconds() - before < 10
    assert not rtf.with_suffix(".yaml").exists()
    # as deep as a file may be, and escaped braces, which are text: converted
    rtf.write_bytes(
        b"{\\rtf1\\ansi " + b"\\{" * 3000 + b"{\\b " * 990 + b"\\u20851?\\u20110?" + b"}" * 990 + b"\\par}"
    )
    assert _import(rtf).returncode == 0
