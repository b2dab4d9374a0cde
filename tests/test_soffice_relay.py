"""The suite's shared LibreOffice (tests/soffice_relay.py, set up in tests/conftest.py) lays out
the page as a LibreOffice wenshu starts itself does, and a conversion handed to it starts no
LibreOffice: else the render tests would prove things of another page, or save nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import REPO, cpu_seconds
from wenshu.build.pipeline import render
from wenshu.office.libreoffice import LibreOffice, read_pages

pytestmark = pytest.mark.render


def test_the_shared_libreoffice_prints_the_same_pages_and_is_not_started_again(shared_office, tmp_path):
    if shared_office is None:
        pytest.skip("no shared LibreOffice here (no LibreOffice, or Windows)")
    real = json.loads((shared_office.parent / "config.json").read_text(encoding="utf-8"))["soffice"]
    # 14 pages: 正文, attachments, landscape tables, the 版记
    docx = tmp_path / "henan.docx"
    docx.write_bytes(render(REPO / "examples" / "notices" / "henan-2023-38.yaml", ("docx",)).files["docx"])
    with LibreOffice(real) as office:
        own = read_pages(office.convert([docx], tmp_path / "own")[docx])
    with LibreOffice() as office:
        assert Path(office.binary) == shared_office
        shared = read_pages(office.convert([docx], tmp_path / "shared")[docx])  # (started, if not yet)
        started = cpu_seconds()
        again = read_pages(office.convert([docx], tmp_path / "again")[docx])
        seconds = cpu_seconds() - started
    assert len(own) == 14
    assert shared == own and again == own  # every line's text and box, on every page
    # This process and its children: wenshu, the relay and soffice handing the files over
    # (starting LibreOffice takes ~2 CPU seconds; the shared one's work is not counted here).
    assert seconds < 0.7, seconds
