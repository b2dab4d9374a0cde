"""``wenshu serve``: a local browser workbench over a folder of specs."""

from __future__ import annotations

import os
import socket
import threading
from pathlib import Path

from werkzeug.serving import (
    BaseWSGIServer,
    WSGIRequestHandler,
    get_sockaddr,
    make_server,
    select_address_family,
)

from wenshu.serve.app import create_app

LOOPBACK = ("127.0.0.1", "localhost", "::1")


class QuietRequestHandler(WSGIRequestHandler):
    """Werkzeug's handler without its English line for every request answered
    (``"GET / HTTP/1.1" 200``) in the clerk's terminal; a failed one (5xx) is still logged."""

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        if str(code).isdigit() and int(code) >= 500:
            super().log_request(code, size)


def make_workbench_server(
    root: Path, host: str = "127.0.0.1", port: int = 8000, *, pages: bool = True
) -> BaseWSGIServer:
    """A threaded HTTP server for the workbench over ``root`` (``port`` 0: any free port;
    ``pages=False``: no page images through LibreOffice). An address that cannot be
    listened on (a port in use, a host not of this machine) raises :class:`OSError`."""
    app = create_app(root, pages=pages)
    # Bound here, not by Werkzeug: on failure it prints English and exits the process.
    family = select_address_family(host, port)
    listener = socket.socket(family, socket.SOCK_STREAM)
    try:
        if os.name != "nt":  # as Werkzeug: a restarted workbench gets its port back at once
            listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(get_sockaddr(host, port, family))
        listener.listen(socket.SOMAXCONN)
        server = make_server(
            host, port, app, threaded=True, request_handler=QuietRequestHandler, fd=listener.fileno()
        )
    finally:
        listener.close()  # the server keeps a duplicate of it
    # What http.server's own bind would have set (the port chosen for port 0).
    server.server_name, server.server_port = host, server.socket.getsockname()[1]
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
