"""The workbench in a real browser: headless Chromium driven by Selenium.

Creates a document from a skeleton, fills a field with a mistake and sees its message,
fixes it, adds and moves a paragraph with the page's buttons, downloads the .docx and
reads it back; and sees the page follow a change made on disk.
"""

from __future__ import annotations

import shutil
import tempfile
import time
import zipfile
from pathlib import Path

import pytest

from wenshu.check import check_docx
from wenshu.serve import serve_in_thread
from wenshu.spec.load import load_spec
from wenshu.validate import validate

pytestmark = pytest.mark.browser

webdriver = pytest.importorskip("selenium.webdriver")
from selenium.common.exceptions import StaleElementReferenceException  # noqa: E402
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support import expected_conditions as ec  # noqa: E402
from selenium.webdriver.support.ui import Select, WebDriverWait  # noqa: E402

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
DRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"
FLAGS = (
    "--headless=new --no-sandbox --disable-gpu --disable-dev-shm-usage --no-first-run "
    "--disable-background-networking --disable-component-update --disable-sync"
).split()


@pytest.fixture()
def browser(tmp_path: Path):
    if not (Path(CHROMIUM).exists() and Path(DRIVER).exists()):
        pytest.skip("chromium / chromium-driver not installed")
    downloads = tmp_path / "downloads"
    downloads.mkdir()
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in FLAGS:
        options.add_argument(flag)
    profile = tempfile.mkdtemp(prefix="wenshu-chromium-")
    options.add_argument(f"--user-data-dir={profile}")
    options.add_argument("--window-size=1400,1000")
    options.add_experimental_option(
        "prefs", {"download.default_directory": str(downloads), "download.prompt_for_download": False}
    )
    driver = webdriver.Chrome(service=Service(DRIVER), options=options)
    driver.execute_cdp_cmd("Page.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(downloads)})
    driver.downloads = downloads
    yield driver
    driver.quit()
    shutil.rmtree(profile, ignore_errors=True)


@pytest.fixture()
def server(tmp_path: Path):
    root = tmp_path / "specs"
    root.mkdir()
    server, thread = serve_in_thread(root, pages=False)  # no LibreOffice: these tests do not render
    yield f"http://127.0.0.1:{server.server_port}", root
    server.shutdown()
    thread.join(timeout=10)


def _field(driver, name: str):
    # By.NAME quotes the name into a CSS selector, which names holding JSON break.
    return driver.execute_script("return document.getElementsByName(arguments[0])[0]", name)


def _type(driver, name: str, text: str) -> None:
    element = _field(driver, name)
    element.clear()
    element.send_keys(text)


def _save(driver) -> None:
    driver.find_element(By.ID, "save-form").click()
    WebDriverWait(driver, 30).until(ec.presence_of_element_located((By.ID, "saved")))


def test_create_fill_mistake_fix_and_download(browser, server):
    url, root = server
    browser.get(url + "/")
    Select(browser.find_element(By.ID, "new-kind")).select_by_value("document")
    browser.find_element(By.ID, "new-name").send_keys("通知")
    browser.find_element(By.ID, "new-applicant").send_keys("示例市")
    browser.find_element(By.ID, "new-submit").click()
    WebDriverWait(browser, 30).until(ec.presence_of_element_located((By.ID, "form")))
    spec = root / "通知.yaml"
    assert spec.is_file() and "【待补】" in spec.read_text(encoding="utf-8")

    # A mistake: a date that does not exist. Its message appears at the field.
    _type(browser, 'v:["title"]', "示例市关于加强知识产权工作的通知")
    _type(browser, 'v:["date"]', "2024年13月1日")
    _save(browser)
    problem = browser.find_element(By.CSS_SELECTOR, '.problem[data-field="date"]').text
    with pytest.raises(Exception) as cli:
        validate(load_spec(spec))
    assert problem and problem in str(cli.value)  # the CLI's own words

    # Fix it; add a paragraph at the end of the body and move it up one place.
    _type(browser, 'v:["date"]', "2024年3月1日")
    body = _field(browser, 'c:["body"]').find_element(By.XPATH, "..")
    body.find_element(By.XPATH, "./button[contains(., '加一段')]").click()
    items = body.find_elements(By.CSS_SELECTOR, ":scope > ol.list > li.item")
    items[-1].find_element(By.TAG_NAME, "textarea").send_keys("新增的一段。")
    items[-1].find_element(By.CSS_SELECTOR, "button[data-act=up]").click()
    _save(browser)
    assert not browser.find_elements(By.CSS_SELECTOR, '.problem[data-field="date"]')
    text = spec.read_text(encoding="utf-8")
    assert "date: 2024年3月1日" in text and "title: 示例市关于加强知识产权工作的通知" in text
    assert text.index("新增的一段。") < text.rindex("heading:")  # moved above the last block
    assert text.startswith("# 通用文书——骨架")  # the skeleton's comments kept

    # The preview shows the draft with its gaps marked.
    preview = browser.find_element(By.ID, "preview")
    assert "示例市关于加强知识产权工作的通知" in preview.text
    assert preview.find_elements(By.TAG_NAME, "mark")

    browser.find_element(By.ID, "dl-docx").click()
    deadline = time.time() + 30
    while time.time() < deadline and not list(browser.downloads.glob("*.docx")):
        time.sleep(0.2)
    (docx,) = browser.downloads.glob("*.docx")
    with zipfile.ZipFile(docx) as package:
        xml = package.read("word/document.xml").decode("utf-8")
    for words in ("示例市关于加强知识产权工作的通知", "2024年3月1日", "新增的一段。"):
        assert words in xml
    report = check_docx(docx)
    assert report.error is None


def test_a_change_on_disk_refreshes_the_page(browser, server):
    url, root = server
    spec = root / "a.yaml"
    spec.write_text("kind: document\ntitle: 旧标题\nbody:\n  - 正文。\n", encoding="utf-8")
    browser.get(url + "/doc/a.yaml")
    assert _field(browser, 'v:["title"]').get_attribute("value") == "旧标题"
    spec.write_text("kind: document\ntitle: 新标题\nbody:\n  - 正文。\n", encoding="utf-8")
    # The page is replaced as it refreshes: a field found just before is then stale.
    WebDriverWait(browser, 15, ignored_exceptions=(StaleElementReferenceException,)).until(
        lambda d: _field(d, 'v:["title"]').get_attribute("value") == "新标题"
    )


def test_the_folder_page_follows_new_specs(browser, server):
    url, root = server
    browser.get(url + "/")
    assert not browser.find_elements(By.LINK_TEXT, "b.yaml")
    (root / "b.yaml").write_text("kind: document\ntitle: 标题\nbody:\n  - 正文。\n", encoding="utf-8")
    WebDriverWait(browser, 15).until(lambda d: d.find_elements(By.LINK_TEXT, "b.yaml"))


def test_a_new_block_with_a_paragraph_inside_saves_where_it_stands(browser, server):
    url, root = server
    spec = root / "c.yaml"
    spec.write_text("kind: document\ntitle: 标题\nbody:\n  - 第一段。\n", encoding="utf-8")
    browser.get(url + "/doc/c.yaml")
    body = _field(browser, 'c:["body"]').find_element(By.XPATH, "..")
    body.find_element(By.XPATH, "./button[contains(., '加一块')]").click()
    block = body.find_elements(By.CSS_SELECTOR, ":scope > ol.list > li.item")[-1]
    heading = block.find_element(By.CSS_SELECTOR, "fieldset > .field input:not([type=hidden])")
    heading.send_keys("新的标题")
    lists = block.find_elements(By.CSS_SELECTOR, "div.list-field")
    sub = next(d for d in lists if d.find_element(By.CSS_SELECTOR, ".label").text.startswith("下级内容"))
    sub.find_element(By.XPATH, "./button[contains(., '加一段')]").click()
    sub.find_element(By.CSS_SELECTOR, "textarea").send_keys("块中的段落。")
    _save(browser)
    text = spec.read_text(encoding="utf-8")
    assert text == (
        "kind: document\ntitle: 标题\nbody:\n  - 第一段。\n"
        "  - heading: 新的标题\n    body:\n      - 块中的段落。\n"
    ), text


def test_check_a_foreign_docx_and_download_its_fixed_copy(browser, server, tmp_path):
    from tests.test_import import foreign_notice

    url, root = server
    upload = tmp_path / "外来通知.docx"
    upload.write_bytes(foreign_notice())
    browser.get(url + "/check")
    browser.find_element(By.CSS_SELECTOR, "#check-form input[type=file]").send_keys(str(upload))
    browser.find_element(By.CSS_SELECTOR, "#check-form button").click()
    WebDriverWait(browser, 30).until(ec.presence_of_element_located((By.ID, "fix-submit"))).click()
    WebDriverWait(browser, 60).until(ec.presence_of_element_located((By.ID, "fix-report")))
    assert "示知〔2024〕5号" in browser.find_element(By.ID, "fix-changes").text
    browser.find_element(By.ID, "fix-docx").click()
    deadline = time.time() + 30
    while time.time() < deadline and not list(browser.downloads.glob("*.docx")):
        time.sleep(0.2)
    (docx,) = browser.downloads.glob("*.docx")
    assert len(check_docx(docx).deviations) < len(check_docx(upload).deviations)
    browser.find_element(By.CSS_SELECTOR, "#fix-save button").click()
    WebDriverWait(browser, 30).until(ec.presence_of_element_located((By.ID, "form")))
    assert (root / "外来通知.yaml").is_file()
