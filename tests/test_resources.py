"""wenshu's user caches: the YAML resource cache gives the parser's data and follows the file's
bytes; every cache file is checked whole before use, each folder is bounded, and damaged
files neither stop a build nor change what it writes."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

import wenshu.resources as resources
from wenshu.resources import read_cache_file, read_yaml_resource, resource_dir, write_cache_file

ROOT = Path(__file__).parents[1]


@pytest.fixture
def cache_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.delenv("WENSHU_NO_CACHE", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    return tmp_path / "cache" / "wenshu"


def test_cached_schema_equals_parsed(cache_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    schema = resource_dir("schemas") / "notice.yaml"
    first = read_yaml_resource(schema)
    assert len(list(cache_home.glob("resources/*.json"))) == 1
    second = read_yaml_resource(schema)  # from the cache
    monkeypatch.setenv("WENSHU_NO_CACHE", "1")
    assert first == second == read_yaml_resource(schema)


def test_changed_file_is_read_again(cache_home: Path, tmp_path: Path) -> None:
    source = tmp_path / "x.yaml"
    source.write_text("a: 1\n", encoding="utf-8")
    assert read_yaml_resource(source) == {"a": 1}
    source.write_text("a: 22\n", encoding="utf-8")
    os.utime(source, ns=(1, 2))  # a different modification time, as any edit gives
    assert read_yaml_resource(source) == {"a": 22}


def test_values_json_cannot_hold_are_not_cached(cache_home: Path, tmp_path: Path) -> None:
    source = tmp_path / "d.yaml"
    source.write_text("day: 2023-07-18\n", encoding="utf-8")
    assert str(read_yaml_resource(source)["day"]) == "2023-07-18"
    assert not list(cache_home.glob("resources/*.json"))
    assert str(read_yaml_resource(source)["day"]) == "2023-07-18"


def test_unwritable_cache_still_reads(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder", encoding="utf-8")
    monkeypatch.delenv("WENSHU_NO_CACHE", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))  # the cache folder cannot be made
    source = tmp_path / "x.yaml"
    source.write_text("a: [1, 2]\n", encoding="utf-8")
    assert read_yaml_resource(source) == {"a": [1, 2]}


def test_compiled_templates_are_cached_and_give_the_same_text(tmp_path: Path) -> None:
    """Jinja's compiled templates go to the user cache; a build from the cache writes the
    same Markdown as one without any cache."""
    import subprocess
    import sys

    notice = ROOT / "examples" / "notices" / "cnipa-2023-582.yaml"
    probe = f"from wenshu.build.pipeline import render\nprint(render({str(notice)!r}, ('md',)).markdown)"

    def markdown(**env: str) -> str:
        base = {k: v for k, v in os.environ.items() if k not in ("WENSHU_NO_CACHE", "XDG_CACHE_HOME")}
        done = subprocess.run(
            [sys.executable, "-c", probe], capture_output=True, text=True, timeout=120, env=base | env
        )
        assert done.returncode == 0, done.stderr
        return done.stdout

    cold = markdown(XDG_CACHE_HOME=str(tmp_path))
    compiled = list((tmp_path / "wenshu").glob("templates-*/*"))
    assert compiled, "no compiled template was kept"
    assert markdown(XDG_CACHE_HOME=str(tmp_path)) == cold == markdown(WENSHU_NO_CACHE="1")


def test_same_size_and_time_but_other_bytes_is_read_again(cache_home: Path, tmp_path: Path) -> None:
    """The cache follows the file's bytes, not its size and time: an edit that keeps both
    (a digit changed, the time put back, as a checkout or a copy may) is still seen."""
    source = tmp_path / "x.yaml"
    source.write_text("a: 1\n", encoding="utf-8")
    stat = source.stat()
    assert read_yaml_resource(source) == {"a": 1}
    source.write_text("a: 2\n", encoding="utf-8")
    os.utime(source, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert source.stat().st_size == stat.st_size
    assert read_yaml_resource(source) == {"a": 2}


def test_a_damaged_cache_file_is_not_used(tmp_path: Path) -> None:
    target = tmp_path / "c" / "entry"
    payload = "缓存的内容 0123456789".encode() * 20
    write_cache_file(target, payload)
    assert read_cache_file(target) == payload
    whole = target.read_bytes()
    middle = len(whole) // 2
    damaged = {
        "a byte changed": whole[:middle] + bytes([whole[middle] ^ 1]) + whole[middle + 1 :],
        "cut short": whole[: len(whole) - 7],
        "empty": b"",
        "another format": payload,
    }
    for how, data in damaged.items():
        target.write_bytes(data)
        assert read_cache_file(target) is None, how
    assert read_cache_file(tmp_path / "c" / "absent") is None


def test_a_cache_folder_keeps_the_newest_entries(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(resources, "CACHE_ENTRIES", 5)
    folder = tmp_path / "c"
    for i in range(12):
        write_cache_file(folder / f"e{i}", b"x")
        os.utime(folder / f"e{i}", ns=(i * 10**9, i * 10**9))  # written in this order
    kept = sorted(p.name for p in folder.iterdir())
    assert kept == ["e10", "e11", "e7", "e8", "e9"]


def _build(out: Path, **env: str) -> None:
    """``wenshu build`` of a notice and a letter into ``out`` in a fresh process."""
    import subprocess
    import sys

    base = {k: v for k, v in os.environ.items() if k not in ("WENSHU_NO_CACHE", "XDG_CACHE_HOME")}
    specs = [
        ROOT / "examples" / "notices" / "cnipa-2023-582.yaml",
        *sorted((ROOT / "examples" / "letters").glob("*.yaml"))[:1],
    ]
    done = subprocess.run(
        [sys.executable, "-m", "wenshu", "build", *map(str, specs), "-o", str(out)],
        capture_output=True,
        text=True,
        timeout=300,
        env=base | {"WENSHU_PAGINATE": "0"} | env,
    )
    assert done.returncode == 0, done.stderr


def test_damaged_caches_neither_stop_a_build_nor_change_it(tmp_path: Path) -> None:
    """Every cache a build fills (resources, compiled templates, frames, checked schemas, the
    spec file read, its checked values and Markdown), each of its files damaged one way or
    another: the next build still succeeds and writes the same bytes as a build without any
    cache; WENSHU_NO_CACHE=1 writes no cache at all."""
    cache = tmp_path / "cache"
    _build(tmp_path / "filled", XDG_CACHE_HOME=str(cache))
    files = sorted(p for p in cache.rglob("*") if p.is_file())
    kept = {"resources", "templates", "frames", "checked", "specs", "rendered"}
    assert {p.parent.name.split("-")[0] for p in files} == kept
    for i, path in enumerate(files):
        whole = path.read_bytes()
        middle = len(whole) // 2
        if "的".encode() in whole:  # text kept as text (a template's, a frame's): still readable, but wrong
            path.write_bytes(whole.replace("的".encode(), "之".encode()))
            continue
        path.write_bytes(
            [
                whole[:middle] + bytes([whole[middle] ^ 0x20]) + whole[middle + 1 :],  # one byte changed
                whole[:middle],  # cut short
                b"\x80garbage\x00" * 3,
            ][i % 3]
        )
    _build(tmp_path / "damaged", XDG_CACHE_HOME=str(cache))
    _build(tmp_path / "uncached", XDG_CACHE_HOME=str(tmp_path / "unused"), WENSHU_NO_CACHE="1")
    assert not (tmp_path / "unused").exists()
    written = sorted(p.name for p in (tmp_path / "uncached").iterdir())
    assert len(written) == 4
    for name in written:
        uncached = (tmp_path / "uncached" / name).read_bytes()
        assert (tmp_path / "filled" / name).read_bytes() == uncached, name
        assert (tmp_path / "damaged" / name).read_bytes() == uncached, name


# -- a cache folder planted or shared ---------------------------------------------------------------


def test_a_cache_folder_that_is_a_link_is_neither_written_nor_pruned(
    cache_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A cache folder replaced by a link to a folder of the user's own files: keeping the
    cache in bounds would delete the oldest of them (on the old code 12 files became 5, and
    cache files were written among them); now the link is not used at all."""
    monkeypatch.setattr(resources, "CACHE_ENTRIES", 5)
    victim = tmp_path / "documents"
    victim.mkdir()
    for i in range(12):
        (victim / f"报告{i}.docx").write_bytes(b"mine")
    cache_home.mkdir(parents=True)
    (cache_home / "resources").symlink_to(victim)
    assert read_yaml_resource(resource_dir("schemas") / "notice.yaml")
    assert sorted(p.name for p in victim.iterdir()) == sorted(f"报告{i}.docx" for i in range(12))
    # nor when wenshu's own folder is the link
    (cache_home / "resources").unlink()
    cache_home.rmdir()
    cache_home.symlink_to(victim)
    for i in range(12):
        write_cache_file(cache_home / "shapes" / f"e{i}", b"x")
    assert sorted(p.name for p in victim.iterdir()) == sorted(f"报告{i}.docx" for i in range(12))


class _Planted:
    """A pickle that makes a folder when it is loaded: what a planted cache file could run."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[object, tuple[str]]:
        return os.mkdir, (str(self.marker),)


@pytest.mark.parametrize("how", ["group-writable", "world-writable", "someone else's"])
def test_a_cache_others_could_write_into_is_not_loaded(cache_home: Path, tmp_path: Path, how: str) -> None:
    """A cached pickle is run as code when loaded: one in a folder another user owns or may
    write into (a cache under a shared XDG_CACHE_HOME such as /tmp) is not loaded; the value
    is computed again. On the old code the planted pickle ran (the marker folder appeared)."""
    marker = tmp_path / "ran"
    cache = resources.PickleCache("shapes", lambda: "stamp")
    cache.put("key", "value")
    assert cache.get("key") == (True, "value")  # the user's own cache is used
    target = next((cache_home / "shapes").iterdir())
    write_cache_file(target, __import__("pickle").dumps(_Planted(marker)))
    if how == "someone else's":
        if os.getuid() != 0:
            pytest.skip("only root can give a folder to another user")
        os.chown(cache_home, 65534, 65534)
    else:
        (cache_home / "shapes").chmod(0o770 if how == "group-writable" else 0o707)
    assert cache.get("key") == (False, None)
    assert not marker.exists()


def test_a_cache_file_that_is_a_pipe_is_not_waited_on(cache_home: Path) -> None:
    """A named pipe under a cache file's name is no cache file, found at once (the old code
    waited on it for ever); nor is a link, even to a good cache file."""
    import threading

    write_cache_file(cache_home / "resources" / "real", b"x")
    pipe, link = cache_home / "resources" / "pipe", cache_home / "resources" / "link"
    os.mkfifo(pipe)
    link.symlink_to(cache_home / "resources" / "real")
    results: list[object] = []
    reader = threading.Thread(
        target=lambda: results.extend(read_cache_file(p) for p in (pipe, link)), daemon=True
    )
    reader.start()
    reader.join(10)
    assert results == [None, None]
    assert read_cache_file(cache_home / "resources" / "real") == b"x"


def test_wenshu_folder_an_older_wenshu_left_group_writable_is_closed_and_used(cache_home: Path) -> None:
    """An older wenshu made ``…/wenshu`` with the user's umask (0775 under umask 002, as
    Debian and Ubuntu set it): the user's own folder is closed to others (0700) and the cache
    in it works, where the refusal made every run compute everything again, silently. A
    cache folder inside it that others may write into is still not used."""
    cache_home.mkdir(parents=True, exist_ok=True)
    cache_home.chmod(0o775)
    write_cache_file(cache_home / "resources" / "entry", b"value")
    assert read_cache_file(cache_home / "resources" / "entry") == b"value"
    assert cache_home.stat().st_mode & 0o777 == 0o700
    (cache_home / "resources").chmod(0o775)
    assert read_cache_file(cache_home / "resources" / "entry") is None


# -- a cache from elsewhere: signed with the user's own key -----------------------------------------


def test_a_restored_cache_is_not_loaded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A cache folder from elsewhere (a CI cache restored, a home copied from another machine)
    is the user's own 0700 folder, yet what it holds was written by someone else: kept specs
    and frames are pickles and a compiled template holds one, all run when loaded. Every entry
    of a build's cache replaced by a planted pickle, well formed and signed — with another
    machine's key: the next build runs none of them and writes what it wrote. On the old code
    the planted pickles ran."""
    import pickle

    from jinja2.bccache import bc_magic

    cache, home = tmp_path / "cache", {"XDG_CONFIG_HOME": str(tmp_path / "config")}
    _build(tmp_path / "first", XDG_CACHE_HOME=str(cache), **home)
    planted = sorted(p for p in cache.rglob("*") if p.suffix in (".pickle", ".jinja"))
    assert {p.parent.name.split("-")[0] for p in planted} == {"specs", "frames", "templates", "rendered"}
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "elsewhere"))
    for i, entry in enumerate(planted):
        payload = pickle.dumps(_Planted(tmp_path / f"ran{i}"))
        write_cache_file(entry, bc_magic + payload if entry.suffix == ".jinja" else payload)
    _build(tmp_path / "second", XDG_CACHE_HOME=str(cache), **home)
    assert not list(tmp_path.glob("ran*"))
    for written in (tmp_path / "first").iterdir():
        assert (tmp_path / "second" / written.name).read_bytes() == written.read_bytes()


def test_an_entry_moved_under_another_name_is_not_read(cache_home: Path) -> None:
    """The signature binds an entry to its folder and name: the user's own entry copied
    under another key (or into another cache folder) is no hit."""
    write_cache_file(cache_home / "specs" / "a", b"for a")
    whole = (cache_home / "specs" / "a").read_bytes()
    for other in (cache_home / "specs" / "b", cache_home / "frames" / "a"):
        write_cache_file(other, b"x")  # the folder made as wenshu makes it
        other.write_bytes(whole)
        assert read_cache_file(other) is None, other
    assert read_cache_file(cache_home / "specs" / "a") == b"for a"


def test_the_key_is_kept_apart_and_private(
    cache_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The key is made once, 0600 in a 0700 folder of the configuration; one others could read
    is replaced (entries it signed become misses); a key folder inside the cache folder (a
    restored cache would bring its key) or a link means no cache at all, never an unsigned one."""
    config = tmp_path / "config"
    monkeypatch.setenv("XDG_CONFIG_HOME", str(config))
    key = config / "wenshu" / "cache-key"
    write_cache_file(cache_home / "resources" / "entry", b"value")
    assert key.stat().st_mode & 0o777 == 0o600
    assert key.parent.stat().st_mode & 0o777 == 0o700
    first = key.read_bytes()
    resources.forget_cache_keys()  # a new process
    assert read_cache_file(cache_home / "resources" / "entry") == b"value"
    assert key.read_bytes() == first
    key.chmod(0o644)
    resources.forget_cache_keys()
    assert read_cache_file(cache_home / "resources" / "entry") is None
    assert key.read_bytes() != first and key.stat().st_mode & 0o777 == 0o600
    for inside in (cache_home.parent, cache_home / "config"):
        monkeypatch.setenv("XDG_CONFIG_HOME", str(inside))
        resources.forget_cache_keys()
        write_cache_file(cache_home / "resources" / "other", b"value")
        assert not (cache_home / "resources" / "other").exists(), inside
        assert read_cache_file(cache_home / "resources" / "entry") is None
    linked = tmp_path / "linked"
    linked.mkdir()
    (linked / "wenshu").symlink_to(config / "wenshu")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(linked))
    resources.forget_cache_keys()
    assert resources.cache_key() is None


def test_runs_making_the_key_at_once_agree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Several processes starting with no key: one key is made and all of them sign with it."""
    import subprocess
    import sys

    env = os.environ | {"XDG_CONFIG_HOME": str(tmp_path / "config"), "XDG_CACHE_HOME": str(tmp_path / "c")}
    code = "import sys, wenshu.resources as r; sys.stdout.write(r.cache_key().hex())"
    command = [sys.executable, "-c", code]
    runs = [subprocess.Popen(command, env=env, stdout=subprocess.PIPE, text=True) for _ in range(6)]
    keys = {run.communicate(timeout=60)[0] for run in runs}
    assert keys == {(tmp_path / "config" / "wenshu" / "cache-key").read_bytes().hex()}


def test_code_stamp_follows_code_and_libraries(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """One stamp of wenshu's code for every cache (and the resident server): any file of the
    package but bytecode, the named resource folders and each named library's ``__init__``."""
    package = tmp_path / "wenshu"
    (package / "__pycache__").mkdir(parents=True)
    (package / "a.py").write_text("A = 1\n", encoding="utf-8")
    (package / "__pycache__" / "a.cpython.pyc").write_bytes(b"x")
    monkeypatch.setattr(resources, "PACKAGE", package)
    plain = resources.code_stamp()
    assert plain.split("\0")[0] == resources.sys.version
    assert str(package / "a.py") in plain and ".pyc" not in plain
    (package / "__pycache__" / "a.cpython.pyc").write_bytes(b"xy")  # compiled again: not a change
    assert resources.code_stamp() == plain
    (package / "a.py").write_text("A = 22\n", encoding="utf-8")
    assert resources.code_stamp() != plain
    frames = resources.code_stamp(resources=("templates/frames",))
    assert str(resource_dir("templates") / "frames" / "letter.docx") in frames
    jinja = resources.code_stamp(extra_libraries=("jinja2",))
    assert "jinja2" + os.sep + "__init__.py" in jinja and "markupsafe" not in jinja
    assert resources.code_stamp(extra_libraries=("no_such_library_here",)) == ""
