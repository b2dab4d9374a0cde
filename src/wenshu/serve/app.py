"""The workbench: a Flask application over one folder of specs.

Safety: every path is confined to the folder (:mod:`.paths`); every write needs the
session's CSRF token and a same-origin request; the Host header must be the address served
(no DNS rebinding); uploads are size-limited and read with the CLI's own hostile-input
handling; a save carries the digest of the text it was made from and is refused when the
file changed since (optimistic concurrency), so two tabs never lose an edit silently.
"""

from __future__ import annotations

import dataclasses
import hashlib
import hmac
import io
import re
import secrets
import tempfile
import threading
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import flask
from flask import (
    Flask,
    Response,
    abort,
    jsonify,
    redirect,
    render_template,
    send_file,
    url_for,
)
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge

from wenshu.build.batch import data_file, is_batch_spec, load_batch, validate_records
from wenshu.build.pipeline import BuildRequest, render, run
from wenshu.errors import Problem, WenshuError
from wenshu.files import TEMPORARY_NAME_EXTRA, default_output_dir, write_atomically
from wenshu.serve.fixing import FORMATS, Upload, UploadStore, fix_upload
from wenshu.serve.forms import FormBuilder, Posted, apply_form, attach_problems
from wenshu.serve.paths import spec_path
from wenshu.serve.preview import PageImages, markdown_html
from wenshu.skeleton import LEVELS, PROGRAMMES, kinds_with_skeletons, render_skeleton
from wenshu.spec import PLACEHOLDER
from wenshu.spec.find import find_specs
from wenshu.spec.kinds import Kind, all_kinds
from wenshu.spec.load import MAX_FILE_BYTES, REFERENCE_ROOT, load_spec, read_text
from wenshu.validate import kind_of, validate

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
MAX_FORM_PARTS = 50_000
OUT = "out"  # built documents go to DIR/out, as `wenshu build DIR` would put them with -o DIR/out
LEVEL_NAMES = {"city": "城市", "county": "县"}
PROGRAMME_NAMES = {"pilot": "试点", "demonstration": "示范"}
_NAME = re.compile(r"^[\w\u3400-\u9fff（）()·-]+$")
# The longest name of a new spec, in bytes of UTF-8 (a common Chinese character takes 3, one of
# Extension B 4): with ".yaml" and what its temporary name adds while it is written, it stays
# within the 255 bytes a file name may have (223 bytes: 74 common characters).
_MAX_NAME_BYTES = 255 - TEMPORARY_NAME_EXTRA - len(".yaml")


def digest(data: bytes) -> str:
    """The version token of a file's bytes."""
    return hashlib.sha256(data).hexdigest()


@dataclass
class DocState:
    """What the workbench knows about one spec."""

    rel: str
    text: str = ""
    token: str = ""
    kind: Kind | None = None
    problems: list[Problem] = field(default_factory=list)
    holes: int = 0
    loaded: Any = None  # the Spec, when it loads
    built: bool = False

    @property
    def summary(self) -> str:
        """The state in a few Chinese words."""
        if self.kind is None and self.problems:
            return f"无法读取：{self.problems[0].message}"
        parts = []
        others = len(self.problems) - self.holes
        if others:
            parts.append(f"{others} 个问题")
        if self.holes:
            parts.append(f"{self.holes} 处{PLACEHOLDER}")
        if not parts:
            parts.append("有效，已生成且最新" if self.built else "有效")
        return "，".join(parts)

    @property
    def css(self) -> str:
        """A class for the state badge."""
        if len(self.problems) > self.holes or self.kind is None:
            return "bad"
        return "holes" if self.holes else "ok"


class Workbench:
    """The served folder and what the pages need from it."""

    def __init__(self, root: Path, *, pages: bool = True):
        self.root = root.resolve()
        self.pages = pages  # page images through LibreOffice, when it is installed
        self.out = self.root / OUT
        self.lock = threading.Lock()
        self.images = PageImages()
        self.uploads = UploadStore()  # the check page's uploads, for their fixed copy

    def specs(self) -> list[Path]:
        """Every spec under the folder, by the rule ``build DIR`` follows
        (:func:`wenshu.spec.find.find_specs`), none in ``out`` and none linked from outside."""
        # A link out of the folder would let the workbench read and write beyond it.
        return [p for p in find_specs(self.root, skip=self.out) if self.root in p.resolve().parents]

    def folder_token(self) -> str:
        """A digest of the folder's specs, names and modification times: changes when any does."""
        stamps = []
        for path in self.specs():
            info = path.stat()
            stamps.append(f"{self.rel(path)}\t{info.st_mtime_ns}\t{info.st_size}")
        return digest("\n".join(stamps).encode("utf-8"))

    def rel(self, path: Path) -> str:
        """``path`` relative to the folder, with forward slashes."""
        return path.relative_to(self.root).as_posix()

    def state(self, rel: str) -> DocState:
        """Load and validate one spec, collecting every problem."""
        path = spec_path(self.root, rel)
        state = DocState(rel)
        try:
            state.text = read_text(path)
            state.token = digest(path.read_bytes())
            spec = load_spec(path)
            state.loaded = spec
            state.kind = kind_of(spec)
            if is_batch_spec(spec):
                state.problems = self._batch_problems(path, spec)
                state.holes = sum(PLACEHOLDER in p.message for p in state.problems)
            else:
                validate(spec)
        except WenshuError as exc:
            state.problems = [self._relative(p) for p in exc.problems]
            state.holes = sum(PLACEHOLDER in p.message for p in exc.problems)
        stem = Path(rel).with_suffix("")
        outputs = [self.out / f"{stem}.{ext}" for ext in ("docx", "md")]
        mtime = path.stat().st_mtime
        state.built = all(o.is_file() and o.stat().st_mtime >= mtime for o in outputs)
        return state

    def _batch_problems(self, path: Path, spec: Any) -> list[Problem]:
        """Every record of a batch spec checked, as ``wenshu validate`` does."""
        data_file(spec, None)  # one outside the folder is refused (REFERENCE_ROOT), as is a missing one
        valid, failed = validate_records(load_batch(path))
        return [self._relative(p) for i in sorted(failed) for p in failed[i]]

    def _relative(self, problem: Problem) -> Problem:
        """The problem with the file named relative to the folder, as the user knows it."""
        name = problem.file
        prefix = str(self.root) + "/"
        return Problem(
            name[len(prefix) :] if name.startswith(prefix) else name,
            problem.message,
            problem.line,
            problem.column,
            problem.field,
        )

    def save(self, rel: str, text: str, token: str) -> bool:
        """Write ``text`` atomically if the file is still the version ``token``; False if not."""
        path = spec_path(self.root, rel)
        with self.lock:
            if not hmac.compare_digest(digest(path.read_bytes()), token):
                return False
            write_atomically(path.parent, {path.name: text.encode("utf-8")})
            return True


def create_app(root: Path, *, pages: bool = True) -> Flask:
    """The workbench application serving the specs under ``root``; ``pages=False`` shows
    only the Markdown preview, never starting LibreOffice.

    ``config["ALLOWED_HOSTS"]`` holds the Host header values accepted besides loopback
    names; the server adds the address it listens on.
    """
    app = Flask(__name__)
    app.config.update(
        SECRET_KEY=secrets.token_bytes(32),
        MAX_CONTENT_LENGTH=MAX_UPLOAD_BYTES,
        # A long notice's form has a few thousand inputs, its YAML up to the spec size limit.
        MAX_FORM_PARTS=MAX_FORM_PARTS,
        MAX_FORM_MEMORY_SIZE=MAX_FILE_BYTES + 1024 * 1024,
        SESSION_COOKIE_SAMESITE="Strict",
        SESSION_COOKIE_HTTPONLY=True,
        TEMPLATES_AUTO_RELOAD=False,
        ALLOWED_HOSTS=set(),
    )
    bench = Workbench(root, pages=pages)
    app.extensions["wenshu"] = bench

    def csrf_token() -> str:
        if "csrf" not in flask.session:
            flask.session["csrf"] = secrets.token_urlsafe(32)
        return flask.session["csrf"]

    app.jinja_env.globals["csrf_token"] = csrf_token
    app.jinja_env.globals["PLACEHOLDER"] = PLACEHOLDER

    @app.before_request
    def guard() -> None:
        host = (flask.request.host or "").rsplit(":", 1)[0].strip("[]")
        allowed = app.config["ALLOWED_HOSTS"]
        if host not in ("127.0.0.1", "localhost", "::1") and not {"*", flask.request.host} & allowed:
            abort(400, "主机名不符（防 DNS 重绑定），已拒绝")
        if flask.request.method not in ("GET", "HEAD"):
            origin = flask.request.headers.get("Origin")
            if origin and origin != flask.request.host_url.rstrip("/"):
                abort(403, "跨站请求，已拒绝")
            sent = flask.request.form.get("csrf", "")
            if not sent or not hmac.compare_digest(sent, flask.session.get("csrf", "")):
                abort(403, "表单已过期或来源不明（CSRF 校验失败），请刷新页面后重试")

    @app.before_request
    def confine_references() -> None:
        # a spec in the folder may name any path: the workbench reads none beyond the folder
        flask.g.reference_root = REFERENCE_ROOT.set(bench.root)

    @app.teardown_request
    def release_references(exc: BaseException | None) -> None:
        if "reference_root" in flask.g:
            REFERENCE_ROOT.reset(flask.g.reference_root)

    @app.after_request
    def headers(response: Response) -> Response:
        # Everything is served from here: no CDN, no inline script, no framing by others.
        response.headers["Content-Security-Policy"] = (
            "default-src 'self'; img-src 'self' data:; script-src 'self'; style-src 'self'; "
            "object-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
        )
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "same-origin"  # "no-referrer" makes Chrome send Origin: null
        return response

    @app.errorhandler(WenshuError)
    def wenshu_error(exc: WenshuError) -> tuple[str, int]:
        return render_template("message.html", problems=exc.problems), 400

    @app.errorhandler(RequestEntityTooLarge)
    def too_large(exc: RequestEntityTooLarge) -> tuple[str, int]:
        limit = f"上传的文件过大，不能超过 {MAX_UPLOAD_BYTES // 1048576} MB"
        return render_template("message.html", problems=[Problem("上传", limit)]), 413

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException) -> tuple[str, int]:
        words = {404: "页面不存在", 405: "不支持此请求方式"}
        text = exc.description if exc.code in (400, 403) else words.get(exc.code or 0, exc.name)
        return render_template("message.html", problems=[Problem(str(exc.code), text)]), exc.code or 500

    @app.errorhandler(Exception)
    def internal(exc: Exception) -> tuple[str, int]:
        app.logger.exception("internal error")
        text = f"内部错误：{type(exc).__name__}（这是 wenshu 的缺陷，请报告）"
        return render_template("message.html", problems=[Problem("wenshu", text)]), 500

    @app.get("/")
    def folder() -> str:
        groups: dict[str, list[DocState]] = {}
        for path in bench.specs():
            state = bench.state(bench.rel(path))
            groups.setdefault(state.kind.name if state.kind else "", []).append(state)
        kinds = all_kinds()
        return render_template(
            "folder.html",
            token=bench.folder_token(),
            root=bench.root,
            groups=groups,
            kinds=kinds,
            skeletons=kinds_with_skeletons(),
            levels=LEVEL_NAMES,
            programmes=PROGRAMME_NAMES,
        )

    @app.get("/version")
    def folder_version() -> Any:
        return jsonify(token=bench.folder_token())

    @app.post("/new")
    def new() -> Any:
        kind = flask.request.form.get("kind", "")
        name = flask.request.form.get("name", "").strip() or kind
        name = _new_name(name.removesuffix(".yaml"))
        start = flask.request.form.get("start", "").strip()
        # Four decimal digits (２０２５ typed full-width too): int() refused 5,000 digits, and
        # a superscript ² that isdigit() takes, with an error
        if start and not (len(start) == 4 and start.isdecimal() and 2000 <= int(start) <= 2100):
            raise WenshuError(Problem("首年", f"“{start[:20]}”不是 2000 至 2100 之间的年份"))
        level = flask.request.form.get("level", "city")
        programme = flask.request.form.get("programme", "demonstration")
        text = render_skeleton(
            kind,
            applicant=flask.request.form.get("applicant", "").strip() or None,
            level=level if level in LEVELS else "city",
            programme=programme if programme in PROGRAMMES else "demonstration",
            start=int(start) if start else None,
        )
        path = spec_path(bench.root, f"{name}.yaml", must_exist=False)
        with bench.lock:
            if path.exists():
                raise WenshuError(Problem(f"{name}.yaml", "文件已存在，未覆盖；请换一个文件名"))
            write_atomically(path.parent, {path.name: text.encode("utf-8")})
        return redirect(url_for("document", rel=f"{name}.yaml"), 303)

    def document_page(
        state: DocState,
        *,
        message: str = "",
        yaml_text: str | None = None,
        form_text: str | None = None,
        status: int = 200,
        disk_text: str = "",
    ) -> Any:
        kind = state.kind
        fields = []
        templates: dict[str, Any] = {}
        top = list(state.problems)
        form_error = ""
        if kind is not None and state.loaded is not None:
            source = form_text if form_text is not None else state.text
            builder = FormBuilder(kind, state.loaded if form_text is None else None, source)
            data = state.loaded.data if form_text is None else _load_plain(source)
            fields = builder.build(data)
            templates = builder.templates
            top = attach_problems(fields, state.problems)
        else:
            form_error = "YAML 无法读取，表单不可用；请在右侧 YAML 中修正下列问题后保存。"
        preview, preview_error = "", ""
        if kind is not None:
            try:
                preview = markdown_html(
                    render(spec_path(bench.root, state.rel), ("md",), draft=True).markdown
                )
            except WenshuError as exc:
                preview_error = "有问题未解决，暂不能预览：" + "；".join(p.message for p in exc.problems[:3])
        body = render_template(
            "document.html",
            state=state,
            fields=fields,
            templates=templates,
            top_problems=top,
            form_error=form_error,
            yaml_text=state.text if yaml_text is None else yaml_text,
            message=message,
            preview=preview,
            preview_error=preview_error,
            pages_available=bench.pages and bench.images.available(),
            disk_text=disk_text,
        )
        return body, status

    @app.get("/favicon.ico")
    def favicon() -> Response:
        return Response(status=204)

    @app.get("/doc/<path:rel>")
    def document(rel: str) -> Any:
        return document_page(bench.state(rel))

    @app.get("/doc/<path:rel>/version")
    def version(rel: str) -> Any:
        path = spec_path(bench.root, rel)
        return jsonify(token=digest(path.read_bytes()))

    @app.post("/doc/<path:rel>/save")
    def save(rel: str) -> Any:
        state = bench.state(rel)
        token = flask.request.form.get("token", "")
        if flask.request.form.get("mode") == "yaml":
            text = flask.request.form.get("yaml", "").replace("\r\n", "\n")
            form_text = None
        else:
            if state.kind is None or state.loaded is None:
                raise WenshuError(Problem(rel, "YAML 无法读取，不能用表单保存；请在 YAML 中修正"))
            text = apply_form(
                state.text, state.kind, Posted.parse(list(flask.request.form.items(multi=True)))
            )
            form_text = text
        if bench.save(rel, text, token):
            return redirect(url_for("document", rel=rel, saved=1), 303)
        message = (
            "磁盘上的文件在你打开之后已被修改（可能是另一个标签页或编辑器），本次保存已拒绝，未覆盖。"
            "你的修改保留在下方（尚未保存）；下方另附磁盘上的当前内容，核对合并后再保存。"
        )
        return document_page(
            bench.state(rel),
            message=message,
            yaml_text=text,
            form_text=form_text,
            status=409,
            disk_text=state.text,
        )

    @app.post("/doc/<path:rel>/build")
    def build_one(rel: str) -> Any:
        path = spec_path(bench.root, rel)
        # out (and its subfolders) in a folder that may be someone else's: never through a link
        out = default_output_dir(bench.root, Path(OUT) / Path(rel).parent, "请先删去这个链接")
        request = BuildRequest((path,), out, paginate=bench.pages)
        (outcome,) = run(request).outcomes  # as `wenshu build FILE -o DIR/out/…` builds it
        if outcome.problems:
            raise WenshuError(outcome.problems)
        return redirect(url_for("document", rel=rel, built=1), 303)

    @app.get("/doc/<path:rel>/download/<fmt>")
    def download(rel: str, fmt: str) -> Any:
        path = spec_path(bench.root, rel)
        if fmt not in ("docx", "md", "pdf") or (fmt == "pdf" and not bench.pages):
            abort(404)
        draft = PLACEHOLDER in read_text(path)
        rendered = render(path, ("docx",) if fmt == "pdf" else (fmt,), draft=draft)
        data = rendered.files.get(fmt)
        if fmt in ("docx", "pdf") and bench.pages and bench.images.available():
            docx, pdf = bench.images.built(digest(rendered.files["docx"]), path, draft=draft)
            data = (pdf if fmt == "pdf" else docx).read_bytes()
        mime = {
            "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            "md": "text/markdown; charset=utf-8",
            "pdf": "application/pdf",
        }[fmt]
        name = f"{Path(rel).stem}{'（草稿）' if draft else ''}.{fmt}"
        return send_file(io.BytesIO(data or b""), mimetype=mime, as_attachment=True, download_name=name)

    @app.get("/doc/<path:rel>/pages")
    def pages(rel: str) -> Any:
        path = spec_path(bench.root, rel)
        if not (bench.pages and bench.images.available()):
            raise WenshuError(Problem(rel, "未安装 LibreOffice，只能显示 Markdown 预览"))
        draft = PLACEHOLDER in read_text(path)
        key = digest(render(path, ("docx",), draft=draft).files["docx"])
        images = bench.images.pages(key, path, draft=draft)
        names = [p.name for p in images]
        if flask.request.args.get("fragment"):
            return render_template("_pages.html", rel=rel, key=key, images=names)
        return render_template("pages.html", rel=rel, key=key, images=names)

    @app.get("/pages/<key>/<name>")
    def page_image(key: str, name: str) -> Any:
        if not re.fullmatch(r"[0-9a-f]{64}", key) or not re.fullmatch(r"page-\d+\.png", name):
            abort(404)
        path = bench.images.folder / key / name
        if not path.is_file():
            abort(404)
        return send_file(path, mimetype="image/png")

    @app.route("/batch/<path:rel>", methods=["GET", "POST"])
    def batch(rel: str) -> Any:
        path = spec_path(bench.root, rel)
        spec = load_spec(path)
        kind = kind_of(spec)
        if kind.batch == {} and not is_batch_spec(spec):
            raise WenshuError(Problem(rel, f"{kind.label}不能批量生成（只有函件规格可以）"))
        if flask.request.method == "GET":
            return render_template("batch.html", rel=rel, kind=kind, rows=None)
        upload = flask.request.files.get("data")
        if upload is None or not upload.filename:
            raise WenshuError(Problem(rel, "请选择 .csv 或 .xlsx 数据文件"))
        suffix = Path(upload.filename).suffix.lower()
        if suffix not in (".csv", ".xlsx"):
            raise WenshuError(Problem(upload.filename, "数据文件应为 .csv 或 .xlsx"))
        go = flask.request.form.get("go", "check")
        # Kept under the name it was uploaded with: every message names that file.
        name = _upload_name(upload.filename)
        name = name if name.lower().endswith(suffix) else f"{name}{suffix}"
        letters = go if go in ("zip", "merged") else ""
        with tempfile.TemporaryDirectory(prefix="wenshu-serve-batch-") as work:
            try:
                return _run_batch(path, rel, kind, upload.read(), Path(work) / name, letters)
            except WenshuError as exc:
                raise WenshuError([_uploaded(p, work) for p in exc.problems]) from None

    def _run_batch(path: Path, rel: str, kind: Kind, data: bytes, data_path: Path, letters: str) -> Any:
        """Check the records (``letters`` empty), or make them into a .zip or the merged file;
        ``data_path`` is where the uploaded ``data`` is put, in a folder of its own."""
        work = str(data_path.parent)
        data_path.write_bytes(data)
        if not letters:
            batch = load_batch(path, data_path)
            valid, failed = validate_records(batch)
            rows = [
                (
                    record.row,
                    [str(p.message if not p.field else f"{p.field}：{p.message}") for p in failed.get(i, [])],
                )
                for i, record in enumerate(batch.records)
            ]
            return render_template("batch.html", rel=rel, kind=kind, rows=rows, ok=len(valid))
        out = Path(work) / "out"
        request = BuildRequest(
            (path,), out, data=data_path, jobs=1, merge=True, paginate=bench.pages, batch_folder=False
        )
        (result,) = run(request).outcomes  # as `wenshu batch SPEC --data … --merge` makes them
        if not result.written:  # not one letter: the reasons on the page, not a .zip of them
            raise WenshuError(result.problems or Problem(rel, "没有生成任何函件"))
        if letters == "merged":
            if result.merged is None:
                raise WenshuError(result.problems or Problem(rel, "没有可合并的函件"))
            return send_file(
                io.BytesIO(result.merged.read_bytes()),
                mimetype="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                as_attachment=True,
                download_name=result.merged.name,
            )
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for written in result.written:
                archive.write(written, written.name)
            if result.problems:
                lines = "\n".join(str(p) for p in result.problems)
                archive.writestr("问题.txt", lines.replace(work + "/", ""))
        buffer.seek(0)
        return send_file(
            buffer, mimetype="application/zip", as_attachment=True, download_name=f"{Path(rel).stem}.zip"
        )

    @app.route("/check", methods=["GET", "POST"])
    def check() -> Any:
        if flask.request.method == "GET":
            return render_template("check.html", reports=None)
        from wenshu.check import check_files, format_text

        upload = flask.request.files.get("docx")
        if upload is None or not upload.filename:
            raise WenshuError(Problem("检查", "请选择 .docx 文件"))
        if Path(upload.filename).suffix.lower() != ".docx":
            raise WenshuError(
                Problem(upload.filename, "只能检查 .docx 文件（.doc 请先在 Word 中另存为 .docx）")
            )
        name, data = _upload_name(upload.filename), upload.read()
        with tempfile.TemporaryDirectory(prefix="wenshu-serve-check-") as work:
            target = Path(work) / name
            target.write_bytes(data)
            reports = check_files([target], render=flask.request.form.get("render") == "1")
            texts = [(r.ok, format_text(r).replace(work + "/", "")) for r in reports]
        # Kept (in memory) for its fixed copy, unless it could not be read at all.
        key = None if reports[0].error else bench.uploads.add(Upload(name, data, csrf_token()))
        return render_template("check.html", reports=texts, key=key, name=name)

    @app.post("/check/<key>/fix")
    def fix(key: str) -> Any:
        upload = bench.uploads.get(key, csrf_token())
        if upload.fixed is None:
            upload.fixed = fix_upload(upload, paginate=bench.pages)
        return render_template("fixed.html", key=key, upload=upload, fixed=upload.fixed)

    @app.get("/check/<key>/download/<fmt>")
    def fixed_download(key: str, fmt: str) -> Any:
        upload = bench.uploads.get(key, csrf_token())
        if fmt not in FORMATS or upload.fixed is None:
            abort(404)
        return send_file(
            io.BytesIO(upload.fixed.files[fmt]),
            mimetype=FORMATS[fmt],
            as_attachment=True,
            download_name=f"{upload.stem}（修正）.{fmt}",
        )

    @app.post("/check/<key>/save")
    def fixed_save(key: str) -> Any:
        upload = bench.uploads.get(key, csrf_token())
        if upload.fixed is None:
            abort(404)
        name = _new_name(flask.request.form.get("name", "").strip().removesuffix(".yaml") or upload.stem)
        path = spec_path(bench.root, f"{name}.yaml", must_exist=False)
        with bench.lock:  # never over a file already there: the user picks another name
            if path.exists():
                raise WenshuError(Problem(f"{name}.yaml", "文件夹中已有同名规格，未覆盖；请换一个文件名"))
            write_atomically(path.parent, {path.name: upload.fixed.files["yaml"]})
        return redirect(url_for("document", rel=f"{name}.yaml"), 303)

    return app


def _uploaded(problem: Problem, work: str) -> Problem:
    """``problem`` naming an uploaded file by the name it was uploaded with, not where it was kept."""
    return dataclasses.replace(problem, file=problem.file.removeprefix(work + "/"))


def _new_name(name: str) -> str:
    """``name`` (without .yaml) if a new spec may be called so: letters, digits and a few marks,
    at most :data:`_MAX_NAME_BYTES` bytes in UTF-8 (a longer one is refused by the file system,
    which stopped the request with an internal error), never a Windows device name (``CON.yaml`` on
    Windows is the console, not a file: writing it is lost, reading it waits for the keyboard)."""
    if not _NAME.match(name):
        raise WenshuError(Problem(name or "（空）", "文件名只能含文字、数字、下划线、短横线和括号"))
    size = len(name.encode("utf-8"))  # the pattern above let no lone surrogate through
    if size > _MAX_NAME_BYTES:
        raise WenshuError(
            Problem(
                name[:20] + "…",
                f"文件名过长（{len(name)} 个字符，{size} 字节），至多 {_MAX_NAME_BYTES} 字节"
                f"（约 {_MAX_NAME_BYTES // 3} 个汉字）",
            )
        )
    if _WINDOWS_DEVICE.fullmatch(name):
        raise WenshuError(Problem(name, "这是 Windows 的设备名（如 CON、NUL、COM1），不能作文件名；请换一个"))
    return name


def _upload_name(name: str) -> str:
    """A safe local name for an uploaded file (only its last part, odd characters replaced,
    never a Windows device name)."""
    base = Path(name.replace("\\", "/")).name
    local = re.sub(r"[^\w.\u3400-\u9fff（）-]", "_", base)[:100] or "upload.docx"
    # On Windows "CON.docx", "nul.csv", "COM1.xlsx" … in any folder name devices, not files:
    # the upload would be written to the device (the console, a port) and read back from it.
    return f"_{local}" if _WINDOWS_DEVICE.fullmatch(local.partition(".")[0]) else local


_WINDOWS_DEVICE = re.compile(r"CON|PRN|AUX|NUL|COM[0-9¹²³]|LPT[0-9¹²³]", re.IGNORECASE)


def _load_plain(text: str) -> dict[str, Any]:
    """Plain data of a YAML text already known to load (the user's refused version)."""
    from ruamel.yaml import YAML

    data = YAML(typ="safe", pure=True).load(text)
    return data if isinstance(data, dict) else {}
