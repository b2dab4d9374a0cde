"""Issue 14: rounds whose categories are data, prose attached by file, notice skeletons,
warnings on silently accepted mismatches, and options honoured everywhere they are taken."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from wenshu.cli import main
from wenshu.extract import docx_blocks, markdown_blocks
from wenshu.pipeline import render

REPO = Path(__file__).resolve().parents[1]
EXAMPLES = REPO / "examples"


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


# -- 2. any kind attaches by file -------------------------------------------------------------
NOTICE = """kind: notice
format: letter
issuer: 示例局
doc_number: 示函〔2023〕1号
title: 示例局关于印发工作方案的通知
recipients: 各单位
body: [现将有关方案印发给你们，请认真贯彻执行。]
signature: 示例局
date: 2023-07-18
attachments:
  - file: plan.yaml
  - file: cultivation.yaml
"""


def test_notice_attaches_a_work_plan_and_a_document_by_file(tmp_path):
    shutil.copy(EXAMPLES / "work_plans" / "sample-city-demonstration-plan.yaml", tmp_path / "plan.yaml")
    shutil.copy(
        EXAMPLES / "work_plans" / "cnipa-demo-enterprise-cultivation-plan.yaml", tmp_path / "cultivation.yaml"
    )
    rendered = render(write(tmp_path, "notice.yaml", NOTICE))
    blocks = markdown_blocks(rendered.markdown)
    # The 附件说明 names each attached file's own title; each page carries its label and title.
    assert "附件：1.示例市国家知识产权强市建设示范城市工作方案（2022—2024年）" in blocks
    assert "2.国家知识产权示范企业培育工作方案" in blocks
    # The plan's content (its four parts) and the document's body follow their titles.
    plan_text = "\n".join(blocks[blocks.index("附件1") : blocks.index("附件2")])
    for part in ("一、总体要求", "二、重点任务和重大工程", "三、实施步骤", "四、保障条件"):
        assert part in plan_text
    assert any(b.startswith("为做好国家知识产权示范企业") for b in blocks[blocks.index("附件2") :])
    # The document's own 页首标注 “附件4” is not printed: the notice labels its attachments.
    assert "附件4" not in blocks
    assert docx_blocks(rendered.files["docx"]) == blocks
