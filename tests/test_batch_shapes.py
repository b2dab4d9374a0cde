"""A batch's letters filled into shared shapes (wenshu.build.letter_shapes) are byte for byte the
letters the full path makes — .docx and .md — and so is their one-page line count; values
that Markdown, the writer or the frame would treat as more than text keep a shape of their
own. Bad records get the same messages either way."""

from __future__ import annotations

import datetime as dt
import shutil
import zipfile
from io import BytesIO
from pathlib import Path

import pytest

from tests.conftest import REPO
from wenshu.build.batch import load_batch, run_batch
from wenshu.build.document import render_spec
from wenshu.build.letter_shapes import Shapes, cut, fill, pieces, plain, stand_in
from wenshu.build.lines import lines_needed
from wenshu.errors import WenshuError
from wenshu.render.zipparts import STORE_BELOW
from wenshu.spec.load import load_spec
from wenshu.spec.records import RecordSpec
from wenshu.text.width import line_width
from wenshu.validate import validate

LETTERS = REPO / "examples" / "letters"
FORMATS = ("docx", "md")


def batches() -> list[tuple[str, Path, Path | None]]:
    """Every example batch spec, and the recommendations read from the .xlsx twin."""
    found = [(p.name, p, None) for p in sorted(LETTERS.glob("*.yaml")) if "records:" in p.read_text("utf-8")]
    found += [(p.name, p, None) for p in sorted(LETTERS.glob("*.yaml")) if "\ndata:" in p.read_text("utf-8")]
    found.append(("recommendations.xlsx", LETTERS / "recommendations.yaml", LETTERS / "recommendations.xlsx"))
    return found


def assert_same_letters(batch, shapes: Shapes) -> list[bool]:
    """Every record's letter by the shapes equals render_spec's; whether each was shared."""
    shared = []
    for record in batch.records:
        spec = RecordSpec(batch.spec, record)
        try:
            full = render_spec(spec, FORMATS, advise=False)
        except WenshuError as exc:
            with pytest.raises(WenshuError) as caught:
                shapes.letter(spec, FORMATS)
            assert caught.value.problems == exc.problems
            continue
        letter = shapes.letter(spec, FORMATS)
        assert letter.files["md"] == full.files["md"], record.row
        assert letter.files["docx"] == full.files["docx"], record.row
        assert letter.lines == lines_needed(full.files["docx"]), record.row
        shared.append(letter.shared)
    return shared


@pytest.mark.parametrize("name, spec, data", batches(), ids=lambda v: v if isinstance(v, str) else "")
def test_example_batches_fill_to_the_full_path_bytes(name, spec, data):
    batch = load_batch(spec, data)
    shapes = Shapes()
    # Twice: the second pass fills every letter into a shape the first one made.
    assert_same_letters(batch, shapes)
    shared = assert_same_letters(batch, shapes)
    assert shared and any(shared)


def spec_with(tmp_path: Path, records: str) -> Path:
    """The example 推荐函 spec with these records (and room in the quota for them)."""
    base = (LETTERS / "recommendations.yaml").read_text("utf-8").replace("data: recommendations.csv\n", "")
    base = base.replace("  国家知识产权强县建设试点县: 4\n", "  国家知识产权强县建设试点县: 40\n")
    spec = tmp_path / "letters.yaml"
    spec.write_text(base + "programme: 国家知识产权强县建设试点县\nrecords:\n" + records, encoding="utf-8")
    return spec


def test_the_benchmark_letters_share_a_shape(tmp_path):
    records = "".join(
        f"  - {{applicant: 示例市{i:04d}, rank: {i}, doc_number: 示知函〔2023〕{i}号}}\n"
        for i in range(1, 41)
    )
    shapes = Shapes(disk=False)
    shared = assert_same_letters(load_batch(spec_with(tmp_path, records)), shapes)
    assert len(shared) == 40
    # Only the first is built the full way. Ranks 7, 8, 9, 15 and 18 also stand in a date
    # (2023年9月8日, 7月18日, 9月15日), which cuts them a key of their own: they still fill
    # the shape the others share, whose Markdown with their values is theirs.
    assert shared.count(False) == 1
    assert len(shapes.shared_shapes()) == 1


CRAFTED = [
    "示例*星*市",  # emphasis in a value
    "示例<b>市",  # inline HTML
    "示例&amp;市",  # an entity
    "示例_市_",
    "Example City",  # letters and a space
    "示例市" + "很长的名字" * 12,  # wraps the title and the body differently
    "示例签发人市",  # splits a 发文字号 line
    "示例市（一）",  # punctuation at the end
    "一、示例市",  # an ordinal at the start
    "8",  # stands in the date too
    "示例\u3000市",  # an ideographic space
    "示例市\u200b",  # an invisible character
]


def test_crafted_values_come_out_as_the_full_path_makes_them(tmp_path):
    records = []
    for i, applicant in enumerate(CRAFTED * 2, 1):
        records.append(f"  - applicant: '{applicant}'\n    rank: {i}\n    doc_number: 示知函〔2023〕{i}号\n")
    # An empty optional field, a date of the record's own, a sentence of its own.
    records += [
        "  - {applicant: 示例甲市, doc_number: 示知函〔2023〕901号, date: 2023-09-09}\n",
        "  - {applicant: 示例乙市, doc_number: 示知函〔2023〕902号, opinion: 该市成效明显。}\n",
        "  - {applicant: 示例丙市, doc_number: '示知函〔2023〕903号 签发人：张三'}\n",
        "  - {applicant: 示例丁市, doc_number: 示知函〔2023〕904号, contact: {name: 李示例}}\n",
    ]
    spec = spec_with(tmp_path, "".join(records))
    shapes = Shapes()
    assert_same_letters(load_batch(spec), shapes)
    assert_same_letters(load_batch(spec), shapes)


BAD_RECORDS = [
    "  - {applicant: 示例甲市, doc_number: 示知函〔2023〕11号, rank: 0}\n",
    "  - {applicant: 示例乙市, doc_number: '示知函[2023]12号', rank: 2}\n",
    "  - {applicant: '', doc_number: 示知函〔2023〕13号, rank: 3}\n",
    "  - {applicant: 示例丁市, doc_number: 示知函〔2023〕14号, rank: 第四}\n",
    "  - {applicant: 示例戊市, doc_number: 示知函〔2023〕15号, rank: 5, date: 2023-10-01}\n",
    "  - {applicant: 示例己市, doc_number: 示知函〔2023〕16号, rank: 6, applicants: [{name: 示例庚市}]}\n",
    "  - {applicant: 示例辛市, doc_number: 示知函〔2023〕17号, rank: 7,"
    " basis: {doc_number: 国知办函运字(2023)582号}}\n",
    "  - {applicant: 示例壬市\u202e, doc_number: 示知函〔2023〕18号, rank: 8}\n",
]


def test_bad_records_are_reported_as_before(tmp_path):
    """Good records first, so each bad one of the same fields meets the check of its own
    fields: its problems are those of the whole check, located the same."""
    good = "".join(
        f"  - {{applicant: 示例{i}市, doc_number: 示知函〔2023〕{i}号, rank: {i}{extra}}}\n"
        for i, extra in (
            (1, ""),
            (2, ", date: 2023-09-01"),
            (4, ", basis: {title: 通知}"),
        )
    )
    batch = load_batch(spec_with(tmp_path, good + "".join(BAD_RECORDS)))
    shapes = Shapes()
    assert_same_letters(batch, shapes)
    for record in batch.records[3:]:
        spec = RecordSpec(batch.spec, record)
        with pytest.raises(WenshuError) as layered:
            validate(spec)
        whole = RecordSpec(batch.spec, record)
        whole.layers = None  # checked as one document, every field
        with pytest.raises(WenshuError) as plain:
            validate(whole)
        assert layered.value.problems == plain.value.problems, record.row
    result = run_batch(batch, tmp_path / "out", jobs=1)
    assert sorted(result.failed) == list(range(3, 11)), result.problems()
    messages = [str(p) for p in result.problems()]
    assert any("rank" in m and "letters.yaml" in m for m in messages)
    assert any("〔〕" in m for m in messages)
    assert any("晚于通知规定的报送截止日期" in m for m in messages)


def test_cut_and_fill_give_the_text_back():
    text = "推荐示例市0001申报（第1位），2023年9月1日，示知函〔2023〕1号"
    values = ["示例市0001", "1", "示知函〔2023〕1号"]
    shape = cut(text, values)
    # The rank stands where no digit adjoins it; the doc number is replaced whole, first.
    assert shape == f"推荐{stand_in(0)}申报（第{stand_in(1)}位），2023年9月{stand_in(1)}日，{stand_in(2)}"
    assert fill(pieces(shape), values) == text
    assert plain("示例市0001") and plain("示知函〔2023〕1号")
    assert not any(plain(v) for v in ("", "a", "示 例", "示*例", "签", "示\ue000"))


def test_the_batch_writes_the_shared_letters(tmp_path):
    """Through run_batch: the files written equal the full path's, one by one."""
    batch = load_batch(LETTERS / "recommendations.yaml")
    result = run_batch(batch, tmp_path / "out", jobs=1)
    for record, name in zip(batch.records, result.names, strict=True):
        full = render_spec(RecordSpec(batch.spec, record), FORMATS, advise=False)
        assert (tmp_path / "out" / f"{name}.md").read_bytes() == full.files["md"]
        written = (tmp_path / "out" / f"{name}.docx").read_bytes()
        assert written == full.files["docx"]
        with zipfile.ZipFile(BytesIO(written)) as zf:
            assert zf.testzip() is None


def test_a_letters_own_part_is_stored_and_a_long_body_deflated(tmp_path):
    """The part each letter has alone is stored (deflating 4 KB cost a sixth of a letter);
    the parts letters share stay deflated, and so does a body of STORE_BELOW bytes or more."""
    from docx import Document

    batch = load_batch(LETTERS / "recommendations.yaml")
    result = run_batch(batch, tmp_path / "out", jobs=1)
    for name in result.names:
        path = tmp_path / "out" / f"{name}.docx"
        with zipfile.ZipFile(path) as zf:
            assert zf.testzip() is None
            stored = {i.filename for i in zf.infolist() if i.compress_type == zipfile.ZIP_STORED}
            assert stored == {"word/document.xml"}, name
            assert zf.getinfo("word/document.xml").file_size < STORE_BELOW
        assert any(name in p.text for p in Document(path).paragraphs)
    notice = render_spec(load_spec(REPO / "examples" / "notices" / "cnipa-2023-582.yaml"), FORMATS)
    with zipfile.ZipFile(BytesIO(notice.files["docx"])) as zf:
        body = zf.getinfo("word/document.xml")
        assert body.file_size >= STORE_BELOW and body.compress_type == zipfile.ZIP_DEFLATED


def test_line_width_is_its_definition():
    """Character by character: wide ones a cell, Latin letters, digits and ASCII signs their
    Times New Roman advance, others half; an autospace where Chinese (from U+2E80) meets an
    ASCII letter or digit; backslashes left out."""
    import random

    from wenshu import layout as L
    from wenshu.text.width import is_wide

    def by_definition(text: str) -> float:
        text = text.replace("\\", "")
        # Times-Roman advances (thousandths of an em) of the ASCII characters drawn from below
        times = {"A": 722, "Z": 611, "a": 444, "z": 444, "0": 500, "9": 500, " ": 250, "*": 500}
        cells = sum(1000 if is_wide(c) else times.get(c, 500) for c in text) / 1000
        latin = [c.isascii() and c.isalnum() for c in text]
        cjk = [ord(c) >= 0x2E80 for c in text]
        pairs = sum(1 for i in range(len(text) - 1) if (cjk[i] and latin[i + 1]) or (latin[i] and cjk[i + 1]))
        return cells + pairs * L.AUTOSPACE_EM

    chars = "示例市〔〕（）号—·AZaz09 \\*、。“”①\u2e7f\u2e80\U00020000é"
    rng = random.Random(9704)
    for _ in range(3000):
        text = "".join(rng.choice(chars) for _ in range(rng.randint(0, 12)))
        assert line_width(text) == by_definition(text), text


def test_a_shape_no_other_letter_shares_is_never_made(tmp_path):
    """Letters that each keep a value in their shape (Latin letters are no plain value) are
    built the full way once each, with no shape made for them."""
    records = "".join(
        f"  - {{applicant: 示例City{chr(65 + i)}, rank: {i + 1}, doc_number: 示知函〔2023〕{i + 1}号}}\n"
        for i in range(6)
    )
    shapes = Shapes()
    shared = assert_same_letters(load_batch(spec_with(tmp_path, records)), shapes)
    assert shared == [False] * 6
    assert shapes.shared_shapes() == []


def test_random_values_fill_to_the_full_path_bytes(tmp_path):
    """Values drawn from Chinese, full-width and CJK punctuation characters, digits and a few
    Latin letters and marks, in the applicant, the 发文字号, the review and the opinion."""
    import random

    rng = random.Random(20231)
    pool = "示例市县区省局（）〔〕，、；：。“”—…·号第一二〇0123456789０１ＡＢ①№ aZ*_<&\u3000"

    def text(low: int, high: int) -> str:
        return "".join(rng.choice(pool) for _ in range(rng.randint(low, high)))

    records = []
    for i in range(30):
        applicant = "示例" + text(1, 14).replace("'", "")
        review = text(4, 40).replace("'", "") + "。"
        opinion = f", opinion: '{text(2, 20)}。'" if rng.random() < 0.3 else ""
        records.append(
            f"  - {{applicant: '{applicant}', rank: {i + 1}, doc_number: 示{text(1, 2)}函〔2023〕{i + 1}号,"
            f" review: '{review}'{opinion}}}\n"
        )
    batch = load_batch(spec_with(tmp_path, "".join(records)))
    shapes = Shapes()
    assert_same_letters(batch, shapes)
    assert any(assert_same_letters(batch, shapes))


def test_shapes_kept_on_disk_fill_a_later_run_to_the_full_path_bytes(tmp_path, monkeypatch):
    """A shape made in one run is kept in the user cache; a later run (a fresh Shapes)
    fills every letter into it from the first, to the full path's bytes."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.delenv("WENSHU_NO_CACHE", raising=False)
    records = "".join(
        f"  - {{applicant: 示例县{i:03d}, rank: {i}, doc_number: 示知函〔2023〕{i + 100}号}}\n"
        for i in range(21, 27)
    )
    batch = load_batch(spec_with(tmp_path, records))
    first = assert_same_letters(batch, Shapes())
    assert first[0] is False and all(first[1:])
    assert list((tmp_path / "cache" / "wenshu" / "shapes").glob("*.pickle"))
    assert assert_same_letters(batch, Shapes()) == [True] * 6
    # Without the cache nothing is found: the first letter is built the full way again.
    assert assert_same_letters(batch, Shapes(disk=False))[0] is False


def test_a_later_batch_command_needs_no_word_writer(tmp_path):
    """With its shapes kept from an earlier run, `wenshu batch` fills every letter without
    importing python-docx or markdown-it, and writes the same files."""
    import os
    import subprocess
    import sys

    records = "".join(
        f"  - {{applicant: 示例区{i:03d}, rank: {i}, doc_number: 示知函〔2023〕{i + 200}号}}\n"
        for i in range(1, 5)
    )
    spec = spec_with(tmp_path, records)
    program = (
        "import sys\n"
        "from wenshu.cli.main import main\n"
        "try:\n"
        "    main(sys.argv[1:])\n"
        "except SystemExit as end:\n"
        "    assert not end.code, end.code\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'docx', 'docxtpl', 'markdown_it'}))\n"
    )
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache"), "WENSHU_PAGINATE": "0"}
    env.pop("WENSHU_NO_CACHE", None)
    runs = []
    for out in ("first", "again"):
        done = subprocess.run(
            [sys.executable, "-c", program, "batch", str(spec), "-o", str(tmp_path / out), "-j", "1"],
            capture_output=True,
            text=True,
            env=env,
            check=True,
        )
        runs.append(done.stdout.strip().splitlines()[-1])
    # The first run made its shapes (and, in an empty cache, rendered the frame too).
    assert "'docx'" in runs[0] and "'markdown_it'" in runs[0] and runs[1] == "[]", runs
    first = sorted((tmp_path / "first").iterdir())
    assert len(first) == 8
    for path in first:
        assert (tmp_path / "again" / path.name).read_bytes() == path.read_bytes(), path.name


def test_shapes_kept_on_disk_are_not_met_after_a_frame_changes(tmp_path, monkeypatch):
    """A kept shape is found again only with the same frame files (and code and libraries):
    a frame file touched since is a new stamp, and the first letter is built the full way."""
    import os
    import shutil

    from wenshu import resources
    from wenshu.resources import resource_dir

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.delenv("WENSHU_NO_CACHE", raising=False)
    frames = tmp_path / "resources" / "templates" / "frames"
    shutil.copytree(resource_dir("templates") / "frames", frames)
    # The stamp's frames only: the letters are still written with the installed frames.
    monkeypatch.setattr(
        resources,
        "resource_dir",
        lambda name: tmp_path / "resources" / name if name == "templates" else resource_dir(name),
    )
    records = "".join(
        f"  - {{applicant: 示例镇{i:03d}, rank: {i}, doc_number: 示知函〔2023〕{i + 300}号}}\n"
        for i in range(1, 4)
    )
    batch = load_batch(spec_with(tmp_path, records))
    assert assert_same_letters(batch, Shapes()) == [False, True, True]
    assert assert_same_letters(batch, Shapes()) == [True, True, True]
    letter = frames / "letter.docx"
    os.utime(letter, ns=(letter.stat().st_atime_ns, letter.stat().st_mtime_ns + 1_000_000_000))
    assert assert_same_letters(batch, Shapes()) == [False, True, True]


def outcome(spec: RecordSpec) -> tuple[str, object]:
    """What validating a letter gives: its document, or its problems."""
    try:
        return "ok", validate(spec)[1]
    except WenshuError as exc:
        return "bad", exc.problems


def outcomes(batch) -> list[tuple[str, object]]:
    """Each letter's outcome as a batch validates it (shared fields once, its own each time),
    asserted equal to checking it as one document, every field."""
    results = []
    for record in batch.records:
        whole = RecordSpec(batch.spec, record)
        whole.layers = None
        results.append(outcome(RecordSpec(batch.spec, record)))
        assert results[-1] == outcome(whole), record.row
    return results


@pytest.mark.parametrize("review", ["经审核，申报材料完整。", "经审核, 申报材料完整。"])
def test_shared_and_own_value_problems_are_reported_as_before(tmp_path, review):
    """A half-width comma in one record's applicant, with the shared review clean or with a
    half-width comma too: each letter's problems (or document, its written date parsed) are exactly
    those of checking it as one document, and each comma is reported where it was written."""
    records = "".join(
        f"  - {{applicant: {name}, doc_number: 示知函〔2023〕{i}号, rank: {i}}}\n"
        for i, name in ((1, "示例1市"), (2, "示例2市"), (3, "'示例甲市,示例乙市'"), (4, "示例4市"))
    )
    path = spec_with(tmp_path, records)
    text = path.read_text("utf-8")
    text = text.replace("review: 经审核，申报材料完整、真实、准确，符合申报条件。", f"review: {review}")
    # A date written as text: parsed by the value checks.
    path.write_text(text.replace("  date: 2023-07-18", "  date: 2023年7月18日"), "utf-8")
    batch = load_batch(path)
    for _ in range(2):  # the second pass meets every shared field already walked
        outcomes(batch)
    results = [outcome(RecordSpec(batch.spec, record)) for record in batch.records]
    shared_bad = "," in review
    for i, (verdict, found) in enumerate(results):
        messages = [str(p) for p in found] if verdict == "bad" else []
        assert any("letters.yaml" in m and "review" in m and "半角标点" in m for m in messages) == shared_bad
        assert any("applicant" in m and "半角标点" in m for m in messages) == (i == 2)
        assert (verdict == "ok") == (not shared_bad and i != 2)
        if verdict == "ok":
            assert isinstance(found["basis"]["date"], dt.date)


def test_unknown_categories_are_reported_in_every_letter_that_names_them(tmp_path):
    """Letters naming the batch's category, known once, and one naming a category no one
    declared: its problem is exactly that of checking it as one document, after and before
    the known letters."""
    records = "".join(
        f"  - {{applicant: 示例{i}市, doc_number: 示知函〔2023〕{i}号, rank: {i}{extra}}}\n"
        for i, extra in ((1, ""), (2, ", programme: 国家知识产权强县建设试点具"), (3, ""))
    )
    batch = load_batch(spec_with(tmp_path, records))
    for _ in range(2):
        results = outcomes(batch)
        assert [verdict for verdict, _ in results] == ["ok", "bad", "ok"]
        assert any("未知类别“国家知识产权强县建设试点具”" in str(p) for p in results[1][1])


@pytest.mark.parametrize(
    ("shared", "message"),
    [
        ("review: 【待补】", "尚未填写"),
        ("basis: [国知办函运字〔2023〕582号]", "应为“字段: 值”映射"),
        ("review: 经审核，申报材料完整。", None),
    ],
)
def test_shared_gaps_and_shapes_are_reported_as_before(tmp_path, shared, message):
    """A shared field left 【待补】 or of the wrong shape, and a record's own 【待补】: each
    letter's problems are exactly those of checking it as one document."""
    records = "".join(
        f"  - {{applicant: {name}, doc_number: 示知函〔2023〕{i}号, rank: {i}}}\n"
        for i, name in ((1, "示例1市"), (2, "【待补】"), (3, "示例3市"))
    )
    path = spec_with(tmp_path, records)
    lines = path.read_text("utf-8").split("\n")
    field = shared.split(":")[0]
    start = lines.index(next(line for line in lines if line.startswith(f"{field}:")))
    end = next(i for i in range(start + 1, len(lines)) if not lines[i].startswith(" "))
    path.write_text("\n".join([*lines[:start], shared, *lines[end:]]), "utf-8")  # the field replaced
    batch = load_batch(path)
    for _ in range(2):
        results = outcomes(batch)
        for i, (verdict, found) in enumerate(results):
            assert (verdict == "ok") == (message is None and i != 1)
            messages = [str(p) for p in found] if verdict == "bad" else []
            assert any(field in m and message in m for m in messages) == (message is not None)
            assert any("applicant" in m and "尚未填写" in m for m in messages) == (
                i == 1 and message != "应为“字段: 值”映射"
            )


def test_a_rule_looking_at_a_record_field_from_a_shared_one_is_kept(tmp_path):
    """Each notice's own 成文日期 against the shared 印发日期 (``not_before``): a later
    letter of the same fields as a good one is still refused when its date is later."""
    text = (REPO / "examples" / "notices" / "henan-2023-38.yaml").read_text("utf-8")
    text = text.replace("date: 2023-08-02\nnote:", "note:")
    records = "records:\n  - {date: 2023-08-01}\n  - {date: 2023-08-02}\n  - {date: 2023-08-03}\n"
    shutil.copytree(REPO / "examples" / "annexes", tmp_path / "annexes")  # its attachments
    spec = tmp_path / "notices" / "notices.yaml"
    spec.parent.mkdir()
    spec.write_text(text + records, encoding="utf-8")
    batch = load_batch(spec)
    results = outcomes(batch)
    assert [verdict for verdict, _ in results] == ["ok", "ok", "bad"]
    assert any("不得早于 date" in str(p) for p in results[2][1])


@pytest.mark.parametrize(
    "max_items, max_values, said",
    # The first letter holds 22 values: 19 shared, 3 of its own and the mapping holding them,
    # which counts on both sides (the sum, 23, is over the limit, the letter not); the second 28.
    [(3, 60_000, "列表有 4 项，超过上限 3 项"), (5_000, 22, "规格过大")],
)
def test_size_limits_are_reported_as_before(tmp_path, monkeypatch, max_items, max_values, said):
    """A record's own list too long, or shared and own values too many together (the shared
    ones counted once a batch): each letter's outcome is that of checking it as one document."""
    monkeypatch.setattr("wenshu.validate.MAX_LIST_ITEMS", max_items)
    monkeypatch.setattr("wenshu.validate.MAX_VALUES", max_values)
    records = (
        "  - {applicant: 示例一市, doc_number: 示知函〔2023〕1号, rank: 1}\n"
        "  - {applicant: 示例二市, doc_number: 示知函〔2023〕2号, rank: 2,"
        " title: 示例局关于推荐示例二市的函, title_lines: [示例局, 关于推荐, 示例二市, 的函]}\n"
    )
    results = outcomes(load_batch(spec_with(tmp_path, records)))
    assert results[0][0] == "ok"
    assert results[1][0] == "bad" and any(said in p.message for p in results[1][1])


def test_a_value_holding_stand_in_characters_is_built_the_full_way(tmp_path):
    """Private-use characters are allowed in values (offices encode their own rare characters
    there); one that reads as a stand-in must not be filled as a value of a shape made before."""
    records = "".join(
        f"  - {{programme: 国家知识产权强市建设示范城市, doc_number: 示知函〔2023〕{i}号,"
        f" applicant: 示例{c}市。, review: 示例{c}市。}}\n"
        for i, c in enumerate("甲乙丙丁", 1)
    )
    # Value number 2 is the applicant above, the review here.
    for i, (review, applicant) in enumerate([("示例戊市。", stand_in(2)), ("示例己市。", "造\ue000字")], 9):
        records += (
            f"  - {{programme: 国家知识产权强市建设示范城市, doc_number: 示知函〔2023〕{i}号,"
            f" review: {review}, applicant: '{applicant}'}}\n"
        )
    spec = spec_with(tmp_path, records)
    shapes = Shapes(disk=False)
    shared = assert_same_letters(load_batch(spec), shapes)
    assert any(shared) and shared[-2:] == [False, False]
    # Again with the shapes in memory, as a resident process's next batch meets them.
    assert assert_same_letters(load_batch(spec), shapes)[-2:] == [False, False]
