"""How building a table scales with its rows: 300, 3,000 and 30,000 rows, end to end.

Two kinds of table are built from generated specs, .docx and .md, validation included:

- a name list grouped by province (the 3,000-row case is “every county”): 序号 | 省份 | 名称,
  the province cell merged down its group;
- a plain four-column table inside a notice's attachment.

For each size the script prints the seconds and the cost per row, and the per-row cost
relative to the smallest size: close to 1.0 when the time is linear in the rows.

    python benchmarks/tables.py            # 300, 3000, 30000
    python benchmarks/tables.py 300 3000   # other sizes
"""

from __future__ import annotations

import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from wenshu.build.pipeline import render

SIZES = (300, 3_000, 30_000)
PROVINCES = (
    "河北省",
    "山西省",
    "江苏省",
    "浙江省",
    "安徽省",
    "河南省",
    "湖北省",
    "湖南省",
    "四川省",
    "云南省",
)


def name_list_spec(rows: int) -> str:
    """A name list of ``rows`` counties in ten provincial groups."""
    lines = ["kind: name_list", "name: 县（市、区）名单", "programme: 试点县", "groups:"]
    per = -(-rows // len(PROVINCES))
    made = 0
    for province in PROVINCES:
        count = min(per, rows - made)
        if count <= 0:
            break
        lines.append(f"  - province: {province}")
        lines.append("    names:")
        lines += [f"      - 示例{made + i + 1}县" for i in range(count)]
        made += count
    return "\n".join(lines) + "\n"


def notice_table_spec(rows: int) -> str:
    """A notice whose attachment is a four-column table of ``rows`` rows."""
    head = """kind: notice
format: letter
issuer: 示例局
doc_number: 示函〔2023〕1号
title: 示例局关于印发统计表的通知
recipients: 各有关单位
body:
  - 现将统计表印发给你们。
signature: 示例局
date: 2023-07-18
attachments:
  - name: 统计表
    body:
      - table:
          columns: [序号, 单位, 数量, 备注]
          widths: [1, 5, 2, 3]
          rows:
"""
    return head + "".join(
        f"            - [{i}, 示例单位{i}, {i % 97}, 备注{i % 13}]\n" for i in range(1, rows + 1)
    )


def measure(make: Callable[[int], str], rows: int, folder: Path) -> float:
    """Seconds to load, validate and render one generated spec to .docx and .md."""
    path = folder / f"bench-{rows}.yaml"
    path.write_text(make(rows), encoding="utf-8")
    start = time.perf_counter()
    rendered = render(path)
    elapsed = time.perf_counter() - start
    assert rendered.files["docx"] and rendered.files["md"]
    return elapsed


def main(sizes: tuple[int, ...]) -> None:
    """Print seconds, milliseconds per row and the per-row ratio for each size."""
    cases = (("名单（按省分组，省份合并）", name_list_spec), ("通知附件中的四栏表", notice_table_spec))
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        measure(name_list_spec, 10, folder)  # warm up: imports, templates, frames
        for title, make in cases:
            print(title)
            print(f"{'行数':>8} {'秒':>9} {'毫秒/行':>9} {'每行比':>7}")
            base = None
            for rows in sizes:
                seconds = measure(make, rows, folder)
                per_row = seconds / rows
                base = base or per_row
                print(f"{rows:>10} {seconds:>10.2f} {per_row * 1000:>11.3f} {per_row / base:>9.2f}")
            print()


if __name__ == "__main__":
    main(tuple(int(a) for a in sys.argv[1:]) or SIZES)
