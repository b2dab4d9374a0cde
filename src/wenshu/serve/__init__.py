"""``wenshu serve``: a local browser workbench over a folder of specs."""

from __future__ import annotations

import threading
from pathlib import Path

from werkzeug.serving import BaseWSGIServer, make_server

from wenshu.serve.app import create_app

LOOPBACK = ("127.0.0.1", "localhost", "::1")


def make_workbench_server(
    root: Path, host: str = "127.0.0.1", port: int = 8000, *, pages: bool = True
) -> BaseWSGIServer:
    """A threaded HTTP server for the workbench over ``root`` (``port`` 0: any free port;
    ``pages=False``: no page images through LibreOffice)."""
    app = create_app(root, pages=pages)
    server = make_server(host, port, app, threaded=True)
    # The Host header must name the address served (or a loopback name); on every interface
    # ("0.0.0.0", "::", asked for explicitly and warned about) the names cannot be known.
    app.config["ALLOWED_HOSTS"].add("*" if host in ("0.0.0.0", "::") else f"{host}:{server.server_port}")
    return server


def serve_in_thread(
    root: Path, host: str = "127.0.0.1", *, pages: bool = True
) -> tuple[BaseWSGIServer, threading.Thread]:
    """Start the workbench on a free port in a background thread (for tests and scripts)."""
    server = make_workbench_server(root, host, 0, pages=pages)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    return server, thread


__all__ = ["LOOPBACK", "create_app", "make_workbench_server", "serve_in_thread"]
