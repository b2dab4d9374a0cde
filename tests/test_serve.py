"""The workbench (``wenshu serve``) through Flask's test client: forms, saves, safety."""

from __future__ import annotations

import io
import re
import shutil
import zipfile
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import quote

import pytest
from docx import Document
from werkzeug.datastructures import MultiDict

from wenshu.check import check_docx
from wenshu.serve import create_app
from wenshu.skeleton import kinds_with_skeletons, render_skeleton

REPO = Path(__file__).resolve().parents[1]
EXAMPLES = REPO / "examples"


class _FormFields(HTMLParser):
    """The (name, value) pairs a browser submits for the form with ``form_id`` (templates
    for new list items excluded, as a browser does)."""

    def __init__(self, form_id: str):
        super().__init__()
        self.form_id = form_id
        self.inside = False
        self.in_template = 0
        self.pairs: list[tuple[str, str]] = []
        self.textarea: list[str] | None = None
        self.select: list | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.inside = a.get("id") == self.form_id
        if not self.inside:
            return
        if tag == "template":
            self.in_template += 1
        if self.in_template:
            return
        if tag == "input" and a.get("name") and a.get("type") not in ("file", "checkbox"):
            self.pairs.append((a["name"], a.get("value") or ""))
        elif tag == "textarea":
            self.textarea = [a["name"], ""]
        elif tag == "select":
            self.select = [a["name"], None, None]
        elif tag == "option" and self.select is not None:
            value = a.get("value", "")
            self.select[2] = value if self.select[2] is None else self.select[2]
            if "selected" in a:
                self.select[1] = value

    def handle_endtag(self, tag):
        if tag == "template" and self.inside:
            self.in_template -= 1
        if self.in_template:
            return
        if tag == "form":
            self.inside = False
        if tag == "textarea" and self.textarea is not None:
            self.pairs.append((self.textarea[0], self.textarea[1]))
            self.textarea = None
        if tag == "select" and self.select is not None:
            chosen = self.select[1] if self.select[1] is not None else self.select[2]
            self.pairs.append((self.select[0], chosen))
            self.select = None

    def handle_data(self, data):
        if self.textarea is not None and not self.in_template:
            self.textarea[1] += data


def form_fields(html: str, form_id: str = "form") -> list[tuple[str, str]]:
    parser = _FormFields(form_id)
    parser.feed(html)
    return parser.pairs


def set_field(pairs: list[tuple[str, str]], name: str, value: str) -> list[tuple[str, str]]:
    assert any(n == name for n, _ in pairs), name
    return [(n, value if n == name else v) for n, v in pairs]


def csrf(html: str) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', html).group(1)


@pytest.fixture()
def folder(tmp_path: Path) -> Path:
    root = tmp_path / "specs"
    root.mkdir()
    for path in (EXAMPLES / "letters").glob("*"):
        shutil.copy(path, root / path.name)
    (root / "plan.yaml").write_text(render_skeleton("document", applicant="示例市"), encoding="utf-8")
    return root


@pytest.fixture()
def client(folder: Path):
    return create_app(folder).test_client()


def test_without_pages_no_libreoffice_is_offered(folder):
    client = create_app(folder, pages=False).test_client()
    page = client.get("/doc/application.yaml").get_data(as_text=True)
    assert 'id="pages"' not in page and "dl-pdf" not in page
    assert client.get("/doc/application.yaml/pages").status_code == 400
    assert client.get("/doc/application.yaml/download/pdf").status_code == 404


def test_folder_groups_specs_by_kind_with_their_state(client, folder):
    page = client.get("/").get_data(as_text=True)
    assert "申报函" in page and "推荐函" in page and "通用文书" in page
    assert re.search(r"plan\.yaml</a></td>\s*<td><span class=\"badge holes\">\d+ 处【待补】", page)
    assert re.search(r"application\.yaml</a></td>\s*<td><span class=\"badge ok\">有效<", page)


def test_unchanged_form_saves_every_example_and_skeleton_byte_for_byte(tmp_path):
    root = tmp_path / "all"
    root.mkdir()
    kinds = set()
    for path in sorted(EXAMPLES.rglob("*.yaml")):  # one example of each kind (the test is slow)
        kind = re.search(r"^kind: (\w+)", path.read_text(encoding="utf-8"), re.M)
        if kind and kind.group(1) not in kinds:
            kinds.add(kind.group(1))
            shutil.copy(path, root / f"{path.parent.name}-{path.name}")
    for kind in kinds_with_skeletons():
        (root / f"skeleton-{kind}.yaml").write_text(render_skeleton(kind), encoding="utf-8")
    client = create_app(root).test_client()
    for path in sorted(root.glob("*.yaml")):
        before = path.read_bytes()
        page = client.get(f"/doc/{path.name}").get_data(as_text=True)
        pairs = form_fields(page)
        assert pairs, path.name
        response = client.post(f"/doc/{path.name}/save", data=MultiDict(pairs))
        assert response.status_code == 303, path.name
        assert path.read_bytes() == before, path.name


def test_form_edit_keeps_comments_and_key_order(client, folder):
    path = folder / "plan.yaml"
    before = path.read_text(encoding="utf-8")
    pairs = form_fields(client.get("/doc/plan.yaml").get_data(as_text=True))
    pairs = set_field(pairs, 'v:["title"]', "示例市知识产权工作方案")
    assert client.post("/doc/plan.yaml/save", data=MultiDict(pairs)).status_code == 303
    after = path.read_text(encoding="utf-8")
    assert after == before.replace("title: 【待补】", "title: 示例市知识产权工作方案", 1)


def test_a_mistake_is_shown_at_its_field_in_the_cli_words(client, folder):
    pairs = form_fields(client.get("/doc/application.yaml").get_data(as_text=True))
    pairs = set_field(pairs, 'v:["date"]', "2023年13月1日")
    client.post("/doc/application.yaml/save", data=MultiDict(pairs))
    assert "date: 2023年13月1日" in (folder / "application.yaml").read_text(encoding="utf-8")
    page = client.get("/doc/application.yaml").get_data(as_text=True)
    problem = re.search(r'<p class="problem" data-field="date">([^<]+)</p>', page)
    assert problem and "日期" in problem.group(1)
    from wenshu.spec.load import load_spec
    from wenshu.validate import validate

    with pytest.raises(Exception) as cli:
        validate(load_spec(folder / "application.yaml"))
    assert problem.group(1) in str(cli.value)


def test_list_items_reorder_and_add(client, folder):
    pairs = form_fields(client.get("/doc/application.yaml").get_data(as_text=True))
    # As the page's script does after "down" on the first attachment: positions renumbered.
    swapped = []
    for name, value in pairs:
        if name.startswith(('v:["attachments", 0', 'o:["attachments", 0', 'c:["attachments", 0')):
            name = name.replace('["attachments", 0', '["attachments", 1')
        elif name.startswith(('v:["attachments", 1', 'o:["attachments", 1', 'c:["attachments", 1')):
            name = name.replace('["attachments", 1', '["attachments", 0')
        swapped.append((name, value))
    swapped += [('o:["attachments", 3]', ""), ('c:["attachments", 3]', "1")]
    swapped += [('v:["attachments", 3, "name"]', "新附件"), ('c:["attachments", 3, "name"]', "1")]
    assert client.post("/doc/application.yaml/save", data=MultiDict(swapped)).status_code == 303
    text = (folder / "application.yaml").read_text(encoding="utf-8")
    names = re.findall(r"  - name: (\S+)", text)
    assert names == [
        "示例市国家知识产权强市建设示范城市工作方案",
        "示例市国家知识产权强市建设示范城市创建工作报告",
        "示例市知识产权基本工作状况表",
        "新附件",
    ]
    assert text.startswith("# 示例市人民政府向示例省知识产权局的申报函")


def test_a_stale_save_is_refused_and_the_users_text_kept(client, folder):
    path = folder / "application.yaml"
    page = client.get("/doc/application.yaml").get_data(as_text=True)
    yaml_pairs = form_fields(page, "yaml-form")
    # Another tab (or an editor) saves first.
    other = path.read_text(encoding="utf-8").replace("李示例", "张示例")
    path.write_text(other, encoding="utf-8")
    mine = dict(yaml_pairs)["yaml"].replace("issuer: 示例市人民政府", "issuer: 示例市政府")
    response = client.post("/doc/application.yaml/save", data=MultiDict(set_field(yaml_pairs, "yaml", mine)))
    assert response.status_code == 409
    assert path.read_text(encoding="utf-8") == other  # nothing overwritten
    body = response.get_data(as_text=True)
    assert "本次保存已拒绝" in body and "issuer: 示例市政府" in body
    form_pairs = set_field(form_fields(page), 'v:["issuer"]', "示例市政府")
    response = client.post("/doc/application.yaml/save", data=MultiDict(form_pairs))
    assert response.status_code == 409 and path.read_text(encoding="utf-8") == other
    assert 'value="示例市政府"' in response.get_data(as_text=True)


def test_writes_need_the_csrf_token_and_the_same_origin(client, folder):
    path = folder / "application.yaml"
    before = path.read_bytes()
    pairs = form_fields(client.get("/doc/application.yaml").get_data(as_text=True), "yaml-form")
    bad = set_field(set_field(pairs, "csrf", "forged"), "yaml", "kind: document\n")
    assert client.post("/doc/application.yaml/save", data=MultiDict(bad)).status_code == 403
    no_token = [(n, v) for n, v in bad if n != "csrf"]
    assert client.post("/doc/application.yaml/save", data=MultiDict(no_token)).status_code == 403
    good = set_field(pairs, "yaml", "kind: document\n")
    cross = client.post(
        "/doc/application.yaml/save", data=MultiDict(good), headers={"Origin": "http://evil.example"}
    )
    assert cross.status_code == 403
    assert client.post("/new", data={"kind": "document", "name": "x"}).status_code == 403
    assert path.read_bytes() == before and not (folder / "x.yaml").exists()


def test_requests_stay_inside_the_folder(client, folder, tmp_path):
    secret = tmp_path / "secret.yaml"
    secret.write_text("kind: document\ntitle: 机密\n", encoding="utf-8")
    (folder / "link.yaml").symlink_to(secret)
    for url in (
        "/doc/../secret.yaml",
        "/doc/%2E%2E/secret.yaml",
        f"/doc/{secret}",
        "/doc//etc/passwd.yaml",
        "/doc/link.yaml",
        "/doc/link.yaml/download/md",
        "/doc/recommendations.csv",
    ):
        response = client.get(url, follow_redirects=True)
        assert response.status_code in (400, 404), url
        assert "机密" not in response.get_data(as_text=True), url
    assert "link.yaml" not in client.get("/").get_data(as_text=True)


def test_host_header_must_be_loopback(client):
    assert client.get("/", headers={"Host": "evil.example"}).status_code == 400
    assert client.get("/", headers={"Host": "localhost:8000"}).status_code == 200


def test_new_document_from_skeleton_never_overwrites(client, folder):
    token = csrf(client.get("/").get_data(as_text=True))
    form = {"csrf": token, "kind": "work_plan", "name": "示范方案", "applicant": "示例县", "level": "county"}
    response = client.post("/new", data={**form, "start": "2025"})
    assert response.status_code == 303 and response.headers["Location"].endswith(
        "/doc/%E7%A4%BA%E8%8C%83%E6%96%B9%E6%A1%88.yaml"
    )
    text = (folder / "示范方案.yaml").read_text(encoding="utf-8")
    assert text == render_skeleton("work_plan", applicant="示例县", level="county", start=2025)
    again = client.post("/new", data={**form, "applicant": "别的县"})
    assert again.status_code == 400 and "文件已存在" in again.get_data(as_text=True)
    assert (folder / "示范方案.yaml").read_text(encoding="utf-8") == text
    for name in ("../evil", "a/b", ".hidden"):
        assert client.post("/new", data={**form, "name": name}).status_code == 400
    assert not (folder.parent / "evil.yaml").exists()


def test_new_document_refuses_what_the_file_system_or_int_would_fail_on(client, folder):
    """Values a form can be sent with: a name of 300 characters (the file system refused it:
    an internal error, 500), a Windows device name (CON.yaml was written; on Windows it is
    the console), a first year of 5,000 digits or with a superscript (int() failed: 500), a
    page for a path too long to look up (500). Each is now a Chinese message (400), nothing
    written; a year typed in full-width digits is still taken."""
    token = csrf(client.get("/").get_data(as_text=True))
    form = {"csrf": token, "kind": "work_plan", "name": "方案", "applicant": "示例县"}
    before = sorted(p.name for p in folder.iterdir())
    cases = {
        "name": ("a" * 300, "文件名过长"),
        "name ": ("CON", "设备名"),
        "name  ": ("com1", "设备名"),
        "start": ("9" * 5000, "不是 2000 至 2100 之间的年份"),
        "start ": ("²０２５", "不是 2000 至 2100 之间的年份"),
    }
    for field, (value, said) in cases.items():
        response = client.post("/new", data={**form, field.strip(): value})
        text = response.get_data(as_text=True)
        assert response.status_code == 400 and said in text and "内部错误" not in text, (field, value)
    assert sorted(p.name for p in folder.iterdir()) == before
    page = client.get("/doc/" + "a" * 5000 + ".yaml")
    assert page.status_code == 400 and "路径无法访问" in page.get_data(as_text=True)
    assert client.post("/new", data={**form, "start": "２０２５"}).status_code == 303
    assert "2025" in (folder / "方案.yaml").read_text(encoding="utf-8")


def test_downloads_and_preview(client, folder):
    docx = client.get("/doc/application.yaml/download/docx")
    assert docx.status_code == 200
    with zipfile.ZipFile(io.BytesIO(docx.data)) as package:
        body = package.read("word/document.xml").decode("utf-8")
    assert "示例市人民政府关于申报" in body
    md = client.get("/doc/application.yaml/download/md").get_data(as_text=True)
    assert "示例市人民政府关于申报" in md
    draft = client.get("/doc/plan.yaml/download/md")
    assert "<mark>【待补】</mark>" in draft.get_data(as_text=True)
    assert "%EF%BC%88%E8%8D%89%E7%A8%BF%EF%BC%89" in draft.headers["Content-Disposition"]  # （草稿）
    page = client.get("/doc/plan.yaml").get_data(as_text=True)
    assert '<article class="preview" id="preview">' in page and "<mark>【待补】</mark>" in page
    assert 'class="hole"' in page  # 【待补】 fields highlighted in the form too


def test_preview_lets_no_html_from_the_spec_through(client, folder):
    (folder / "x.yaml").write_text(
        'kind: document\ntitle: "<script>alert(1)</script>"\nbody:\n  - "<img src=x onerror=alert(1)>正文"\n',
        encoding="utf-8",
    )
    page = client.get("/doc/x.yaml")
    text = page.get_data(as_text=True)
    assert "<script>alert" not in text and "<img src=x" not in text
    assert "script-src 'self'" in page.headers["Content-Security-Policy"]


def test_hostile_yaml_saved_from_the_editor_is_a_message(client, folder):
    bomb = "kind: document\na: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{c}: &{c} [*{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}]\n"
        for p, c in zip("abcdefg", "bcdefgh", strict=True)
    )
    pairs = form_fields(client.get("/doc/plan.yaml").get_data(as_text=True), "yaml-form")
    assert (
        client.post("/doc/plan.yaml/save", data=MultiDict(set_field(pairs, "yaml", bomb))).status_code == 303
    )
    page = client.get("/doc/plan.yaml")
    assert page.status_code == 200 and "别名炸弹" in page.get_data(as_text=True)
    assert client.get("/").status_code == 200


def test_uploads_are_limited_and_bad_docx_is_a_message(client):
    token = csrf(client.get("/check").get_data(as_text=True))
    huge = client.post(
        "/check", data={"csrf": token, "docx": (io.BytesIO(b"0" * (11 * 1024 * 1024)), "a.docx")}
    )
    assert huge.status_code == 413 and "不能超过" in huge.get_data(as_text=True)
    junk = client.post("/check", data={"csrf": token, "docx": (io.BytesIO(b"not a zip"), "a.docx")})
    assert junk.status_code == 200 and "a.docx" in junk.get_data(as_text=True)
    assert client.get("/").status_code == 200


def test_check_reports_findings_of_a_docx(client):
    good = client.get("/doc/application.yaml/download/docx").data
    token = csrf(client.get("/check").get_data(as_text=True))
    page = client.post("/check", data={"csrf": token, "docx": (io.BytesIO(good), "申报函.docx")})
    text = page.get_data(as_text=True)
    from wenshu.check import check_docx, format_text

    expected = format_text(check_docx(good, "申报函.docx")).split("\n")[0]
    assert expected in text
    assert 'id="fix-form"' in text  # a file it could read is offered its fixed copy


def _checked(client, data: bytes, name: str) -> tuple[str, str]:
    """Upload ``data`` to the check page: the page and the session's CSRF token."""
    token = csrf(client.get("/check").get_data(as_text=True))
    page = client.post("/check", data={"csrf": token, "docx": (io.BytesIO(data), name)})
    return page.get_data(as_text=True), token


def test_fixed_copy_of_a_foreign_docx_downloads_and_saves_into_the_folder(folder):
    from tests.test_import import SENTENCES, foreign_notice
    from wenshu.spec.load import load_spec
    from wenshu.validate import validate

    client = create_app(folder, pages=False).test_client()
    original = foreign_notice()
    page, token = _checked(client, original, "外来通知.docx")
    action = re.search(r'action="(/check/[\w-]+/fix)"', page).group(1)
    key = action.split("/")[2]
    assert client.post(action).status_code == 403  # CSRF on the write
    fixed = client.post(action, data={"csrf": token})
    report = fixed.get_data(as_text=True)
    assert fixed.status_code == 200 and "导入为<strong>通知</strong>" in report
    assert "示知〔2024〕5号" in report and "2024年4月1日" in report  # what changed, said in Chinese
    docx = client.get(f"/check/{key}/download/docx")
    assert docx.status_code == 200 and "%E4%BF%AE%E6%AD%A3" in docx.headers["Content-Disposition"]  # （修正）
    before, after = check_docx(original, "a.docx"), check_docx(docx.data, "a.docx")
    assert after.error is None and len(after.deviations) < len(before.deviations)
    markdown = client.get(f"/check/{key}/download/md").data.decode("utf-8")
    assert all(sentence in markdown for sentence in SENTENCES)
    yaml = client.get(f"/check/{key}/download/yaml").data.decode("utf-8")
    assert yaml.startswith("# 由 wenshu import") and "kind: notice" in yaml
    assert client.get(f"/check/{key}/download/exe").status_code == 404
    # another session (another browser) cannot fetch someone else's upload
    other = create_app(folder, pages=False).test_client()
    assert other.get(f"/check/{key}/download/docx").status_code == 400

    saved = client.post(f"/check/{key}/save", data={"csrf": token, "name": "外来通知"})
    assert saved.status_code == 303 and saved.headers["Location"].endswith("/doc/" + quote("外来通知.yaml"))
    spec = folder / "外来通知.yaml"
    assert spec.read_text(encoding="utf-8") == yaml
    validate(load_spec(spec))
    spec.write_text(yaml + "# 用户的修改\n", encoding="utf-8")
    again = client.post(f"/check/{key}/save", data={"csrf": token, "name": "外来通知"})
    assert again.status_code == 400 and "未覆盖" in again.get_data(as_text=True)
    assert spec.read_text(encoding="utf-8").endswith("# 用户的修改\n")  # never overwritten
    for name in ("../外", "a/b", ".hidden"):
        refused = client.post(f"/check/{key}/save", data={"csrf": token, "name": name})
        assert refused.status_code == 400
    assert sorted(p.name for p in folder.parent.iterdir()) == ["specs"]  # nothing beside the folder


def test_fixing_a_hostile_or_wrong_upload_is_a_message(folder):
    from tests.test_hostile_check import CONTENT_CASES, PACKAGE_CASES

    client = create_app(folder, pages=False).test_client()
    good = client.get("/doc/application.yaml/download/docx").data
    bomb, _ = PACKAGE_CASES["entity-bomb"]
    page, token = _checked(client, bomb(good), "bomb.docx")
    assert "bomb.docx" in page and 'id="fix-form"' not in page  # unreadable: nothing to fix
    cycle = CONTENT_CASES["basedOn-cycle"](good)
    page, token = _checked(client, cycle, "cycle.docx")
    action = re.search(r'action="(/check/[\w-]+/fix)"', page).group(1)
    fixed = client.post(action, data={"csrf": token})
    assert fixed.status_code in (200, 400) and "内部错误" not in fixed.get_data(as_text=True)
    empty = io.BytesIO()
    Document().save(empty)  # readable, but nothing in it to make a document of
    page, token = _checked(client, empty.getvalue(), "空白.docx")
    action = re.search(r'action="(/check/[\w-]+/fix)"', page).group(1)
    refused = client.post(action, data={"csrf": token}).get_data(as_text=True)
    assert "空白.docx" in refused and "wenshu-serve-fix" not in refused and "内部错误" not in refused
    text = client.post("/check", data={"csrf": token, "docx": (io.BytesIO(b"plain"), "a.txt")})
    assert text.status_code == 400 and "只能检查 .docx" in text.get_data(as_text=True)
    gone = client.post("/check/nosuchkey/fix", data={"csrf": token})
    assert gone.status_code == 400 and "重新上传" in gone.get_data(as_text=True)
    assert client.get("/").status_code == 200


def test_batch_upload_shows_problems_by_row_and_gives_the_letters(client, folder):
    token = csrf(client.get("/batch/recommendations.yaml").get_data(as_text=True))
    csv = (folder / "recommendations.csv").read_text(encoding="utf-8")
    lines = csv.splitlines()
    bad = "\n".join(lines + [lines[-1]]) + "\n"  # the last row twice: a duplicate recommendation
    page = client.post(
        "/batch/recommendations.yaml",
        data={"csrf": token, "go": "check", "data": (io.BytesIO(bad.encode("utf-8")), "r.csv")},
    ).get_data(as_text=True)
    rows = re.findall(r'<tr class="(ok|bad)"><td>(\d+)</td>', page)
    assert rows and rows[-1][0] == "bad" and rows[0][0] == "ok"
    letters = client.post(
        "/batch/recommendations.yaml",
        data={"csrf": token, "go": "zip", "data": (io.BytesIO(csv.encode("utf-8")), "r.csv")},
    )
    assert letters.status_code == 200
    with zipfile.ZipFile(io.BytesIO(letters.data)) as archive:
        names = archive.namelist()
    docx = [n for n in names if n.endswith(".docx")]
    assert len(docx) == len(lines) - 1 + 1  # one per row, plus the merged print file
    assert any("合并" in n for n in docx)
    merged = client.post(
        "/batch/recommendations.yaml",
        data={"csrf": token, "go": "merged", "data": (io.BytesIO(csv.encode("utf-8")), "r.csv")},
    )
    assert merged.status_code == 200 and "%E5%90%88%E5%B9%B6" in merged.headers["Content-Disposition"]
    with zipfile.ZipFile(io.BytesIO(merged.data)) as package:
        body = package.read("word/document.xml").decode("utf-8")
    assert all(row.split(",")[0] in body for row in lines[1:])  # every letter in the one file


@pytest.mark.render
def test_pages_as_printed_pdf_and_rendered_check_through_libreoffice(client):
    page = client.get("/doc/application.yaml/pages")
    assert page.status_code == 200
    images = re.findall(r'<img src="(/pages/[0-9a-f]{64}/page-\d+\.png)"', page.get_data(as_text=True))
    assert len(images) >= 2  # the letter and its attachment pages
    first = client.get(images[0])
    assert first.status_code == 200 and first.data.startswith(b"\x89PNG")
    pdf = client.get("/doc/application.yaml/download/pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    assert client.get("/pages/" + "0" * 64 + "/../../etc/passwd").status_code == 404
    token = csrf(client.get("/check").get_data(as_text=True))
    docx = client.get("/doc/application.yaml/download/docx").data
    report = client.post(
        "/check", data={"csrf": token, "render": "1", "docx": (io.BytesIO(docx), "申报函.docx")}
    ).get_data(as_text=True)
    assert "符合 GB/T 9704-2012" in report and re.search(r"排版页数：\d+", report)
    # its fixed copy goes through the pagination pass, as `wenshu fix` makes it
    action = re.search(r'action="(/check/[\w-]+/fix)"', report).group(1)
    fixed = client.post(action, data={"csrf": token})
    assert fixed.status_code == 200 and "导入为<strong>申报函</strong>" in fixed.get_data(as_text=True)
    again = client.get(action.replace("/fix", "/download/docx")).data
    assert check_docx(again, "a.docx").deviations == []


@pytest.mark.render
def test_downloaded_docx_is_paginated_as_the_command_line_makes_it(folder, tmp_path):
    """The workbench's .docx goes through the same pagination pass as `wenshu build`: a plan
    whose pages the pass changes downloads with exactly the body the command writes."""
    from wenshu.build.pipeline import build, render

    plan = EXAMPLES / "work_plans" / "sample-strong-city-plan.yaml"
    shutil.copy(plan, folder / plan.name)
    downloaded = create_app(folder).test_client().get(f"/doc/{plan.name}/download/docx").data
    (built,) = build(folder / plan.name, tmp_path / "cli", ("docx",), paginate=True)

    def body(data: bytes) -> bytes:
        return zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml")

    assert body(downloaded) == body(built.read_bytes())
    assert body(downloaded) != body(render(folder / plan.name, ("docx",)).files["docx"])


def test_a_batch_data_file_outside_the_folder_is_refused(client, folder, tmp_path):
    (tmp_path / "outside.csv").write_text("推荐对象\n示例市\n", encoding="utf-8")
    text = (folder / "recommendations.yaml").read_text(encoding="utf-8")
    (folder / "recommendations.yaml").write_text(
        re.sub(r"^data: .*$", "data: ../outside.csv", text, flags=re.M), encoding="utf-8"
    )
    page = client.get("/").get_data(as_text=True)
    assert re.search(r"recommendations\.yaml</a></td>\s*<td><span class=\"badge bad\">", page)


def test_a_broken_data_upload_is_a_message(client):
    token = csrf(client.get("/batch/recommendations.yaml").get_data(as_text=True))
    for name, data in (("r.xlsx", b"PK\x03\x04 not really a workbook"), ("r.csv", b"\xff\xfe\x00bad")):
        response = client.post(
            "/batch/recommendations.yaml",
            data={"csrf": token, "go": "check", "data": (io.BytesIO(data), name)},
        )
        assert response.status_code == 400, name
        assert "错误" in response.get_data(as_text=True)
    assert client.get("/").status_code == 200


def test_cli_serve_prints_its_address_and_warns_off_loopback(folder):
    import subprocess
    import sys

    process = subprocess.Popen(
        [sys.executable, "-m", "wenshu", "serve", str(folder), "--port", "0", "--host", "0.0.0.0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        line = process.stdout.readline()
        assert re.match(r"文书工作台：http://0\.0\.0\.0:\d+/", line), line
        port = int(re.search(r":(\d+)/", line).group(1))
        import urllib.request

        # On every interface the Host header cannot be known: a LAN address is accepted.
        request = urllib.request.Request(f"http://127.0.0.1:{port}/", headers={"Host": f"192.0.2.7:{port}"})
        with urllib.request.urlopen(request, timeout=20) as response:
            assert response.status == 200
    finally:
        process.terminate()
        _, err = process.communicate(timeout=20)
    assert "警告" in err and "本机以外" in err
    missing = subprocess.run(
        [sys.executable, "-m", "wenshu", "serve", str(folder / "nope")], capture_output=True, text=True
    )
    assert missing.returncode == 1 and "错误" in missing.stderr and "Traceback" not in missing.stderr


TABLE_SPEC = """\
kind: document
title: 示例市知识产权指标
body:
  - 下表列出主要指标。
  # 指标表
  - table:
      columns: [指标, 2023年, 2024年]
      rows:
        - [发明专利拥有量, 100, 120]
        - [商标注册量, "", 300]
"""


def test_tables_are_edited_as_tables_and_new_fields_go_in_schema_order(client, folder):
    (folder / "t.yaml").write_text(TABLE_SPEC, encoding="utf-8")
    page = client.get("/doc/t.yaml").get_data(as_text=True)
    assert '<table class="grid">' in page
    pairs = form_fields(page)
    cell = 'v:["body", 1, "table", "rows", 1, 1]'
    assert dict(pairs)[cell] == ""
    pairs = set_field(pairs, cell, "250")
    pairs = set_field(pairs, 'v:["subtitle"]', "（2024年）")
    assert client.post("/doc/t.yaml/save", data=MultiDict(pairs)).status_code == 303
    expected = TABLE_SPEC.replace('[商标注册量, "", 300]', "[商标注册量, 250, 300]").replace(
        "title: 示例市知识产权指标\n", "title: 示例市知识产权指标\nsubtitle: （2024年）\n"
    )
    assert (folder / "t.yaml").read_text(encoding="utf-8") == expected


def test_a_long_form_and_a_hostile_one_are_handled(client, folder):
    pairs = form_fields(client.get("/doc/plan.yaml").get_data(as_text=True))
    deep = 'v:["body", 0' + ', "body", 0' * 400 + "]"
    many = [
        (f'{letter}:["title_lines", {i}]', v) for i in range(3000) for letter, v in (("v", "行"), ("c", "1"))
    ]
    hostile = pairs + [(deep, "x"), ('v:["title", "x", true]', "y"), ("v:[not json", "z")] + many
    response = client.post("/doc/plan.yaml/save", data=MultiDict(hostile))
    assert response.status_code == 303
    text = (folder / "plan.yaml").read_text(encoding="utf-8")
    assert text.count("  - 行") == 3000 and '"x"' not in text


def test_a_bad_batch_upload_is_named_as_uploaded_not_where_it_was_kept(client):
    """The clerk uploaded 推荐数据.csv: the message names that file and its row, never the
    temporary file the workbench kept it in."""
    token = csrf(client.get("/batch/recommendations.yaml").get_data(as_text=True))
    bad = "推荐对像,申报类别\n示例东市,国家知识产权强市建设示范城市\n".encode("gb18030")
    for go in ("check", "zip", "merged"):
        page = client.post(
            "/batch/recommendations.yaml",
            data={"csrf": token, "go": go, "data": (io.BytesIO(bad), "推荐数据.csv")},
        )
        text = page.get_data(as_text=True)
        assert page.status_code == 400
        assert "推荐数据.csv:1" in text and "推荐对像" in text and "推荐对象" in text  # did you mean
        assert "wenshu-serve-batch" not in text and "data.csv" not in text


def test_a_port_in_use_is_said_in_chinese_with_what_to_do(folder):
    """A second workbench on the same port: Werkzeug would print English and end the process;
    wenshu says which port, why, and what to use instead, with exit code 1."""
    from click.testing import CliRunner

    from wenshu.cli.main import main
    from wenshu.serve import serve_in_thread

    first, _ = serve_in_thread(folder, pages=False)
    try:
        port = first.server_port
        result = CliRunner().invoke(main, ["serve", str(folder), "--port", str(port)], prog_name="wenshu")
    finally:
        first.shutdown()
        first.server_close()
    assert result.exit_code == 1, result.output
    assert f"错误 127.0.0.1:{port} 端口 {port} 已被占用" in result.output and "--port 0" in result.output
    assert "Address already in use" not in result.output and "Port " not in result.output


def test_ctrl_c_stops_the_workbench_and_says_so(folder, monkeypatch):
    """Ctrl+C, as the start line tells the clerk to press: the workbench says it stopped and
    closes its socket; exit code 0 (it is how it is meant to end)."""
    from click.testing import CliRunner

    import wenshu.serve
    from wenshu.cli.main import main

    closed = []

    class Server:
        server_port = 8123

        def serve_forever(self):
            raise KeyboardInterrupt

        def server_close(self):
            closed.append(True)

    monkeypatch.setattr(wenshu.serve, "make_workbench_server", lambda *args, **kwargs: Server())
    result = CliRunner().invoke(main, ["serve", str(folder), "--port", "8123"], prog_name="wenshu")
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[-1] == "文书工作台已停止" and closed == [True], result.output


def test_requests_answered_are_not_logged_in_english(folder, caplog):
    """The clerk's terminal shows the workbench's address, not a Werkzeug line per request."""
    import logging
    import urllib.request

    caplog.set_level(logging.INFO, logger="werkzeug")

    from wenshu.serve import serve_in_thread

    server, _ = serve_in_thread(folder, pages=False)
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{server.server_port}/") as page:
            assert page.status == 200
    finally:
        server.shutdown()
        server.server_close()
    assert not [r for r in caplog.records if "GET / HTTP" in r.getMessage()], caplog.text


def test_an_attachment_file_outside_the_folder_is_not_read(client, folder, tmp_path):
    """A spec in the folder attaching a spec outside it (``file: ../…`` or an absolute path):
    the workbench reads nothing beyond its folder — not in the state, the preview or a download
    — and says why; the same spec still builds on the command line, where the user names it."""
    from click.testing import CliRunner

    from wenshu.cli.main import main

    outside = tmp_path / "private"
    outside.mkdir()
    shutil.copy(EXAMPLES / "annexes" / "quota-2022.yaml", outside)
    annex = (EXAMPLES / "annexes" / "contact-form.yaml").read_text(encoding="utf-8")
    (outside / "contact-form.yaml").write_text(annex.replace("工作联系信息表", "机密联系表"), "utf-8")
    notice = (EXAMPLES / "notices" / "cnipa-2022-497.yaml").read_text(encoding="utf-8")
    for name, ref in (("relative.yaml", "../private/"), ("absolute.yaml", f"{outside}/")):
        (folder / name).write_text(notice.replace("file: ../annexes/", f"file: {ref}"), encoding="utf-8")
        for url in (f"/doc/{name}", f"/doc/{name}/download/md", f"/doc/{name}/download/docx"):
            text = client.get(url).get_data(as_text=True)
            assert "机密联系表" not in text, url
        page = client.get(f"/doc/{name}").get_data(as_text=True)
        assert "工作文件夹之外" in page, page
        assert client.get(f"/doc/{name}/download/md").status_code == 400
    result = CliRunner().invoke(main, ["build", str(folder / "relative.yaml"), "-o", str(tmp_path / "out")])
    # the command line reads what the user names
    assert result.exit_code == 0, result.output
    assert "机密联系表" in (tmp_path / "out" / "relative.md").read_text(encoding="utf-8")


def test_an_absurd_number_in_the_form_is_a_field_problem(client, folder):
    """A number of thousands of digits in a table cell, and a list position that is no
    number Python can read ("²".isdigit() is true): the page says what is wrong with the
    field, the service goes on; never an internal error."""
    shutil.copy(EXAMPLES / "annexes" / "quota-2022.yaml", folder / "quota.yaml")
    pairs = form_fields(client.get("/doc/quota.yaml").get_data(as_text=True))
    cell = next(n for n, v in pairs if n.startswith('v:["rows", 0, ') and v.strip().isdigit())
    position = next(n for n, _ in pairs if n.startswith("o:"))
    for name, value in ((cell, "9" * 5000), (position, "²"), (position, "9" * 5000)):
        response = client.post("/doc/quota.yaml/save", data=MultiDict(set_field(pairs, name, value)))
        text = response.get_data(as_text=True)
        assert response.status_code in (200, 303, 400), (name, response.status_code)
        assert "内部错误" not in text, (name, text)
        shutil.copy(EXAMPLES / "annexes" / "quota-2022.yaml", folder / "quota.yaml")
    response = client.post("/doc/quota.yaml/save", data=MultiDict(set_field(pairs, cell, "9" * 5000)))
    page = client.get("/doc/quota.yaml").get_data(as_text=True)
    assert "的整数，实际是" in page, page  # the quota check, as `wenshu validate` says it


def test_a_plan_or_data_file_outside_the_folder_is_not_read(client, folder, tmp_path):
    """The other files a spec may name — the plan a summary reports on, a batch's data —
    are refused the same way when they lie outside the folder, when built too."""
    outside = tmp_path / "private"
    outside.mkdir()
    shutil.copy(EXAMPLES / "work_plans" / "sample-city-demonstration-plan.yaml", outside / "plan.yaml")
    summary = (EXAMPLES / "summaries" / "sample-city-demonstration-summary.yaml").read_text(encoding="utf-8")
    (folder / "summary.yaml").write_text(
        re.sub(r"(?m)^plan: .*$", "plan: ../private/plan.yaml", summary), encoding="utf-8"
    )
    page = client.get("/doc/summary.yaml").get_data(as_text=True)
    assert "工作方案“../private/plan.yaml”在工作文件夹之外" in page, page
    shutil.copy(folder / "recommendations.csv", outside / "data.csv")
    text = (folder / "recommendations.yaml").read_text(encoding="utf-8")
    (folder / "recommendations.yaml").write_text(
        re.sub(r"^data: .*$", "data: ../private/data.csv", text, flags=re.M), encoding="utf-8"
    )
    page = client.get("/doc/recommendations.yaml").get_data(as_text=True)
    assert "数据文件“../private/data.csv”在工作文件夹之外" in page, page
    token = csrf(page)
    response = client.post("/doc/recommendations.yaml/build", data={"csrf": token})
    assert response.status_code == 400 and "在工作文件夹之外" in response.get_data(as_text=True)
    assert not (folder / "out" / "recommendations").exists()


def test_a_round_file_linked_from_outside_the_folder_is_not_read(client, folder, tmp_path):
    """A ``round.yaml`` beside a spec that is a link to a file outside the folder is refused
    like an attachment, a plan or a data file: its categories are not taken in, the page says
    why, a build writes nothing; the command line, where the user names the spec, follows it."""
    from click.testing import CliRunner

    from wenshu.cli.main import main

    outside = tmp_path / "private"
    outside.mkdir()
    (outside / "round.yaml").write_text(
        "kind: round\nname: 机密类别一览表\nyear: 2027\ncategories:\n"
        "  机密类别: {full: 机密的示范类别, level: county, quota: {per_region: 2}}\n",
        encoding="utf-8",
    )
    (folder / "round.yaml").symlink_to(outside / "round.yaml")
    letter = (EXAMPLES / "rounds" / "example-2027" / "recommendation-henan-2027.yaml").read_text("utf-8")
    (folder / "letter.yaml").write_text(
        letter.replace("国家地理标志产品保护示范县", "机密的示范类别"), "utf-8"
    )
    page = client.get("/doc/letter.yaml").get_data(as_text=True)
    assert "round.yaml" in page and "在工作文件夹之外" in page, page
    response = client.post("/doc/letter.yaml/build", data={"csrf": csrf(page)})
    assert response.status_code == 400 and "在工作文件夹之外" in response.get_data(as_text=True)
    assert not list(folder.glob("out/letter*"))
    result = CliRunner().invoke(main, ["validate", str(folder / "letter.yaml")])
    assert result.exit_code == 0 and "未知类别" not in result.output, result.output


def test_build_never_writes_through_a_planted_out_link(tmp_path):
    """The served folder (someone else's, unpacked or shared) holds ``out`` as a link to the
    user's documents: the old workbench's 生成 wrote the spec's .docx and .md over the files
    of those names there. Now nothing is written and the page says why."""
    root = tmp_path / "shared"
    root.mkdir()
    shutil.copy(EXAMPLES / "notices" / "cnipa-2023-582.yaml", root / "报告.yaml")
    documents = tmp_path / "documents"
    documents.mkdir()
    (documents / "报告.docx").write_bytes(b"my own report")
    (root / "out").symlink_to(documents)
    client = create_app(root, pages=False).test_client()
    token = csrf(client.get("/").get_data(as_text=True))
    page = client.post("/doc/报告.yaml/build", data={"csrf": token})
    assert page.status_code == 400 and "是指向别处的链接" in page.get_data(as_text=True)
    assert [(p.name, p.read_bytes()) for p in documents.iterdir()] == [("报告.docx", b"my own report")]


@pytest.mark.parametrize("name", ["CON.docx", "nul.docx", "Com1.docx", "LPT9.tar.docx", "aux"])
def test_an_upload_never_takes_a_windows_device_name(client, name):
    """On Windows "CON.docx" (any case, any extension, in any folder) is the console, not a
    file: the upload, kept under its own name, would be written to a device (reasoned, not
    tried on Windows). Now such a
    name is kept with a "_" before it; the page names it so."""
    page, _ = _checked(client, b"not a zip", name)
    if name == "aux":  # no .docx: refused before anything is kept
        assert "只能检查 .docx 文件" in page
        return
    assert f"_{name}" in page, page
    assert not re.search(rf"(?<![_\w]){re.escape(name)}", page), page


def test_new_document_names_are_limited_by_their_bytes(client, folder):
    """80 characters were allowed whatever their UTF-8 length: 80 of Extension B (4 bytes each)
    stopped the request with an internal error (File name too long), 80 common ones with an
    English OSError text; the file system's 255 bytes hold the temporary name's extra too."""
    token = csrf(client.get("/").get_data(as_text=True))
    form = {"csrf": token, "kind": "work_plan", "applicant": "示例县"}
    before = sorted(p.name for p in folder.iterdir())
    for name in ("\U00020000" * 80, "方" * 80):
        response = client.post("/new", data={**form, "name": name})
        text = response.get_data(as_text=True)
        assert response.status_code == 400 and "文件名过长" in text and "字节" in text, text
        assert "File name" not in text and "内部错误" not in text
    assert sorted(p.name for p in folder.iterdir()) == before
    from wenshu.files import TEMPORARY_NAME_EXTRA

    longest = "方" * ((255 - TEMPORARY_NAME_EXTRA - len(".yaml")) // 3)
    assert client.post("/new", data={**form, "name": longest}).status_code == 303
    assert (folder / f"{longest}.yaml").is_file()
