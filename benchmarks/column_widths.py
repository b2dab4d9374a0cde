"""What a table's column widths cost next to writing the table: 500 and 5,000 rows.

Three tables of generated rows go through :func:`wenshu.render.docx.column_widths` (the
ratios scaled to the 版心, then the passes that keep short words and bracketed words whole
and leave no character alone) and :func:`wenshu.render.docx.table_xml` (the table's XML,
the baseline, measured in the same run):

- ``numbered``: 序号 | 单位 | 数量 | 备注, as a notice's statistics annex (numbers and
  numbered names);
- ``indicators``: an indicator table headed “基期值（2023年）”, its long names wrapping, so
  that the bracket and lone-character passes look for room;
- ``names``: a name list of distinct Chinese names, no digits.

For each table and size the script prints the milliseconds of processor time (CPU time of
this process, the best of several runs: other work on a shared machine inflates wall-clock
time, not this) for the widths and for the XML, and the widths' share of the two. Compare
figures within one run only.

    python benchmarks/column_widths.py              # 500, 5000
    python benchmarks/column_widths.py 300 30000    # other sizes
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from functools import partial

from wenshu.render.docx import column_widths, table_xml

SIZES = (500, 5_000)
TEXT_WIDTH_TWIPS = 8844
REPEATS = 7
SURNAMES = "赵钱孙李周吴郑王冯陈褚卫蒋沈韩杨朱秦尤许何吕施张孔曹严华金魏陶姜"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红"


def numbered(rows: int) -> tuple[list[list[str]], list[float]]:
    head = ["序号", "单位", "数量", "备注"]
    body = [[str(i), f"示例单位{i}", str(i % 97), f"备注{i % 13}"] for i in range(1, rows + 1)]
    return [head, *body], [1, 5, 2, 3]


def indicators(rows: int) -> tuple[list[list[str]], list[float]]:
    head = ["序号", "指标名称", "单位", "基期值（2023年）", "2024年目标"]
    body = [
        [str(i), f"专利密集型产品销售收入占营业收入比重{i}", "万元", str(i * 3), str(i * 7)]
        for i in range(1, rows + 1)
    ]
    return [head, *body], [1.2, 5.6, 1.6, 2.4, 2.2]


def names(rows: int) -> tuple[list[list[str]], list[float]]:
    head = ["序号", "姓名", "所在单位"]
    body = []
    for i in range(rows):
        name = SURNAMES[i % len(SURNAMES)] + GIVEN[(i // 7) % len(GIVEN)] + GIVEN[(i // 3) % len(GIVEN)]
        body.append(
            [
                str(i + 1),
                name,
                f"{SURNAMES[(i // 11) % len(SURNAMES)]}家{GIVEN[i % len(GIVEN)]}园区管理委员会",
            ]
        )
    return [head, *body], [1, 2, 5]


TABLES: dict[str, Callable[[int], tuple[list[list[str]], list[float]]]] = {
    "numbered": numbered,
    "indicators": indicators,
    "names": names,
}


def best(work: Callable[[], object]) -> float:
    """The least processor seconds of ``REPEATS`` runs of ``work``."""
    times = []
    for _ in range(REPEATS):
        start = time.process_time()
        work()
        times.append(time.process_time() - start)
    return min(times)


def main(sizes: tuple[int, ...]) -> None:
    print(f"{'table':<11} {'rows':>6} {'widths ms':>10} {'XML ms':>8} {'widths share':>13}")
    for name, make in TABLES.items():
        for size in sizes:
            texts, ratios = make(size)
            rows = [[(text, "center") for text in row] for row in texts]
            widths = column_widths(rows, ratios, TEXT_WIDTH_TWIPS, None, 12)
            w = best(partial(column_widths, rows, ratios, TEXT_WIDTH_TWIPS, None, 12))
            x = best(partial(table_xml, rows, widths, 12))
            print(f"{name:<11} {size:>6} {w * 1000:>10.1f} {x * 1000:>8.1f} {w / (w + x):>12.0%}")


if __name__ == "__main__":
    main(tuple(int(a) for a in sys.argv[1:]) or SIZES)
