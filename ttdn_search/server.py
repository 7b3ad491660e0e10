"""`ttdn serve`: the results pages served live on the loopback interface, one shared searcher."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from ttdn_search.errors import TtdnError, printable
from ttdn_search.render import PageState, page_view, render_page, run_state


class _App:
    def __init__(self, index_dir: Path):
        from ttdn_search.search import Searcher

        self.searcher = Searcher(index_dir)
        self.lock = threading.Lock()

    def page(self, query_string: str) -> tuple[int, str]:
        state = PageState.from_params(parse_qs(query_string, keep_blank_values=False))
        with self.lock:
            try:
                # Pick up what an index run committed since the last request (or the folder it rebuilt).
                if not self.searcher.up_to_date():
                    self.searcher.refresh()
            except TtdnError as exc:  # the folder was removed or damaged: say so, as the CLI would
                return 503, render_page(page_view(None, state, lambda st: "/" + st.query_string(), live=True,
                                                  error=str(exc)))
            try:
                res, err, status = run_state(self.searcher, state), None, 200
            except TtdnError as exc:
                res, err, status = None, str(exc), 400
        return status, render_page(page_view(res, state, lambda st: "/" + st.query_string(), live=True, error=err))


# A page for what is not a search: a fixed message and a way back.
_PLAIN = ('<!doctype html><html lang="vi"><meta charset="utf-8"><title>ttdn-search</title>'
          '<p>{} <a href="/">Về trang tìm kiếm</a></p></html>')


def make_server(index_dir: Path, host: str = "127.0.0.1", port: int = 8765) -> ThreadingHTTPServer:
    app = _App(index_dir)

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self, head: bool = False):
            # http.server reads the request line as Latin-1; a client that sends the query's UTF-8 bytes
            # unescaped ("/?q=biên+giới") gets them back as UTF-8, as escaped ones are read.
            path = self.path.encode("latin-1", "replace").decode("utf-8", "replace")
            parts = urlsplit(path)
            if parts.path not in ("/", "/index.html"):
                self._send(404, _PLAIN.format("Không có trang này."), head)
                return
            try:
                status, html = app.page(parts.query)
            except Exception:  # a bug must not leave the browser waiting, nor show it a traceback
                self.log_error("lỗi khi trả lời %s", self.path)
                status, html = 500, _PLAIN.format("Lỗi máy chủ khi tìm kiếm.")
            self._send(status, html, head)

        def do_HEAD(self):
            """What GET would answer, headers only (link checkers and `curl -I` ask this)."""
            self.do_GET(head=True)

        def _not_allowed(self):
            # The pages only read: any other method gets a page of ours (with the CSP), not http.server's 501.
            self._send(405, _PLAIN.format("Trang này chỉ để đọc (GET)."), extra={"Allow": "GET, HEAD"})

        do_POST = do_PUT = do_DELETE = do_PATCH = do_OPTIONS = _not_allowed

        def _send(self, status: int, html: str, head: bool = False, extra: dict | None = None) -> None:
            body = html.encode("utf-8")
            self.send_response(status)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; "
                                                        "form-action 'self'; frame-ancestors 'none'")
            self.send_header("X-Content-Type-Options", "nosniff")
            for key, value in (extra or {}).items():
                self.send_header(key, value)
            self.end_headers()
            if not head:
                self.wfile.write(body)

        def log_message(self, fmt, *args):
            pass

        def version_string(self):
            return "ttdn-search"  # the Server header names no Python or http.server versions

        def log_error(self, fmt, *args):
            import sys

            sys.stderr.write("ttdn serve: " + printable(fmt % args) + "\n")

    server = ThreadingHTTPServer((host, port), Handler)
    server.daemon_threads = True
    return server


def serve(index_dir: Path, host: str = "127.0.0.1", port: int = 8765) -> None:
    import sys

    server = make_server(index_dir, host, port)
    print(f"Đang phục vụ http://{host}:{server.server_address[1]}/ (Ctrl-C để dừng)", file=sys.stderr, flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
