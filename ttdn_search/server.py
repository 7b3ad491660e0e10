"""`ttdn serve`: the results pages served live, one shared searcher, through waitress.

Why waitress (a maintained, pure-Python WSGI server) and not the standard library's http.server: under
http.server every connection holds a thread, so 400 half-sent requests held 400 threads and there was
no socket timeout; HEAD, the other methods and bad requests had to be handled by hand. Waitress reads
requests in one asynchronous loop and hands only complete ones to a fixed pool of threads, times idle
connections out and bounds request sizes. What is ours is below: the pages, the Host and cross-site
checks, bounded parameters, the headers every answer carries.
"""

from __future__ import annotations

import ipaddress
import sys
from html import escape
import threading
from pathlib import Path
from urllib.parse import parse_qs

from ttdn_search.errors import TtdnError, printable
from ttdn_search.render import CSV_NAME, PageState, page_view, render_page, run_state

# A request's bounds: the query string in bytes, the parameters, the filter values of one page (its
# links repeat every applied filter, so a page grows with their square: 2,000 f_year values made a
# 67 MB page in 20 s) and any one value.
MAX_QUERY_STRING = 8192
MAX_PARAMS = 64
MAX_FILTER_VALUES = 24
MAX_VALUE_CHARS = 2000
MAX_CSV_ROWS = 10000  # a download of the live page's result set
THREADS = 4  # searches run one at a time (one searcher); the others serve waiting clients their pages
HEADERS = [
    ("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; "
                                "form-action 'self'; frame-ancestors 'none'"),
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "no-referrer"),
]
_PLAIN = ('<!doctype html><html lang="vi"><meta charset="utf-8"><title>ttdn-search</title>'
          '<p>{} <a href="/">Về trang tìm kiếm</a></p></html>')
_REASONS = {200: "OK", 400: "Bad Request", 403: "Forbidden", 404: "Not Found", 405: "Method Not Allowed",
            414: "URI Too Long", 500: "Internal Server Error", 503: "Service Unavailable"}


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def allowed_hosts(host: str, port: int) -> set[str] | None:
    """The Host headers a browser may send to this server, None for any (a server on every interface
    cannot know the names it is reached by). Bound to loopback, only loopback names are answered: a
    page whose DNS name is rebound to 127.0.0.1 sends its own name and is refused."""
    if host in ("0.0.0.0", "::", ""):
        return None
    names = {host, f"[{host}]"} if ":" in host else {host}
    if _loopback(host):
        names |= {"localhost", "127.0.0.1", "[::1]"}
    return {n.lower() for n in names} | {f"{n}:{port}".lower() for n in names}


class App:
    """The WSGI application: GET and HEAD of "/" and "/index.html"."""

    def __init__(self, index_dir: Path, hosts: set[str] | None):
        from ttdn_search.search import Searcher

        self.searcher = Searcher(index_dir)
        self.lock = threading.Lock()
        self.hosts = hosts

    def __call__(self, environ, start_response):
        status, html, extra = self.answer(environ)
        body = html.encode("utf-8")
        kind = [] if any(k == "Content-Type" for k, _ in extra) else [("Content-Type", "text/html; charset=utf-8")]
        headers = [*kind, ("Content-Length", str(len(body))), *HEADERS, *extra]
        start_response(f"{status} {_REASONS.get(status, '')}", headers)
        return [] if environ.get("REQUEST_METHOD") == "HEAD" else [body]

    def answer(self, environ) -> tuple[int, str, list]:
        method = environ.get("REQUEST_METHOD", "GET")
        if method not in ("GET", "HEAD"):
            return 405, _PLAIN.format("Trang này chỉ để đọc (GET)."), [("Allow", "GET, HEAD")]
        host = environ.get("HTTP_HOST", "").lower()
        if self.hosts is not None and host and host not in self.hosts:
            return 403, _PLAIN.format(f"Máy chủ này không trả lời cho tên {escape(printable(host[:100]))}."), []
        if environ.get("HTTP_SEC_FETCH_SITE") == "cross-site" and environ.get("HTTP_SEC_FETCH_MODE") != "navigate":
            # Another site's page may link here (a navigation), not make the browser fetch searches.
            return 403, _PLAIN.format("Trang của một trang web khác không được gọi tìm kiếm ở đây."), []
        path = environ.get("PATH_INFO", "/")
        if path not in ("/", "/index.html", "/" + CSV_NAME):
            return 404, _PLAIN.format("Không có trang này."), []
        raw = environ.get("QUERY_STRING", "")
        if len(raw.encode("latin-1", "replace")) > MAX_QUERY_STRING:
            return 414, _PLAIN.format(f"Địa chỉ quá dài (hơn {MAX_QUERY_STRING} byte)."), []
        # WSGI hands the query string over as Latin-1; the browser sent UTF-8 (escaped or not).
        try:
            params = parse_qs(raw.encode("latin-1", "replace").decode("utf-8", "replace"), max_num_fields=MAX_PARAMS * 2)
        except ValueError:  # more fields than max_num_fields
            params = {"": [""] * (MAX_PARAMS * 2 + 1)}
        problem = _too_many(params)
        if problem:
            return 400, _PLAIN.format(problem), []
        try:
            if path == "/" + CSV_NAME:
                return self.table(params)
            status, html = self.page(params)
        except Exception:  # a bug must not leave the browser waiting, nor show it a traceback
            sys.stderr.write(f"ttdn serve: lỗi khi trả lời ?{printable(raw[:200])}\n")
            status, html = 500, _PLAIN.format("Lỗi máy chủ khi tìm kiếm.")
        return status, html, []

    def table(self, params: dict[str, list[str]]) -> tuple[int, str, list]:
        """The page's whole result set as CSV (at most MAX_CSV_ROWS articles), downloaded as ket-qua.csv."""
        from ttdn_search.export import result_hits, to_csv

        state = PageState.from_params(params)
        with self.lock:
            try:
                hits = result_hits(self.searcher, state.query, state.to_filters(), MAX_CSV_ROWS, state.sort)
            except TtdnError as exc:
                return 400, _PLAIN.format(escape(str(exc))), []
        return 200, to_csv(hits), [("Content-Type", "text/csv; charset=utf-8"),
                                   ("Content-Disposition", f'attachment; filename="{CSV_NAME}"')]

    def page(self, params: dict[str, list[str]]) -> tuple[int, str]:
        state = PageState.from_params(params)
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
            # A damaged index found while answering is the server's state, not the request's fault.
            if err is not None and "--rebuild" in err:
                status = 503
        return status, render_page(page_view(res, state, lambda st: "/" + st.query_string(), live=True, error=err,
                                             csv_url=f"/{CSV_NAME}" + state.query_string()))


def _too_many(params: dict[str, list[str]]) -> str | None:
    if len(params) > MAX_PARAMS or sum(map(len, params.values())) > MAX_PARAMS * 2:
        return "Quá nhiều tham số trong địa chỉ."
    filters = sum(len(v) for k, v in params.items() if k not in ("q", "sort", "page"))
    if filters > MAX_FILTER_VALUES:
        return f"Quá nhiều bộ lọc ({filters}); một trang nhận tối đa {MAX_FILTER_VALUES}."
    if any(len(v) > MAX_VALUE_CHARS for vs in params.values() for v in vs):
        return f"Một giá trị trong địa chỉ dài quá {MAX_VALUE_CHARS} ký tự."
    return None


def _channel_class():
    """Waitress's connection class, reading a request line with raw UTF-8 bytes ("/?q=biên+giới", as
    curl and some scripts send it) as the same bytes percent-escaped; waitress itself answers
    "Bad URI". Relies on HTTPChannel.parser_class and HTTPRequestParser.parse_header (waitress pinned)."""
    import re

    from waitress.channel import HTTPChannel
    from waitress.parser import HTTPRequestParser

    class Parser(HTTPRequestParser):
        def parse_header(self, header_plus):
            end = header_plus.find(b"\r\n")
            if end > 0 and not header_plus[:end].isascii():
                first = re.sub(rb"[\x80-\xff]", lambda m: b"%%%02X" % m.group()[0], header_plus[:end])
                header_plus = first + header_plus[end:]
            return super().parse_header(header_plus)

    class Channel(HTTPChannel):
        parser_class = Parser

    return Channel


class LiveServer:
    """A waitress server on one address: `serve_forever`, `shutdown` (from another thread),
    `server_address`."""

    def __init__(self, app: App, host: str, port: int):
        from waitress.server import create_server

        self.app = app
        self._server = create_server(
            app, host=host, port=port, threads=THREADS, ident="ttdn-search",
            channel_timeout=30,  # an idle or half-sent connection is closed after 30 s
            connection_limit=1000, asyncore_use_poll=True,  # slow clients cost a socket, not a thread
            max_request_header_size=65536, max_request_body_size=65536, clear_untrusted_proxy_headers=True,
            expose_tracebacks=False,
        )
        self._server.channel_class = _channel_class()
        self.server_address = (self._server.effective_host, self._server.effective_port)
        self._stopped = threading.Event()

    def serve_forever(self) -> None:
        try:
            self._server.run()
        finally:
            self._stopped.set()

    def shutdown(self) -> None:
        """Stop serving: the listening socket, every connection and the worker threads."""
        from waitress import wasyncore

        self._server.task_dispatcher.shutdown()
        wasyncore.close_all(self._server._map)

    def server_close(self) -> None:
        """Close the index (after `shutdown`)."""
        self.app.searcher.close()


def make_server(index_dir: Path, host: str = "127.0.0.1", port: int = 8765) -> LiveServer:
    """The live server, bound; raises TtdnError for an address it cannot use."""
    import socket

    import logging

    # Waitress's own log lines are English and about its queue; what a user must know is said here.
    logging.getLogger("waitress").setLevel(logging.CRITICAL)
    app = App(index_dir, hosts=set())
    try:
        server = LiveServer(app, host, port)
    except (socket.gaierror, UnicodeError, ValueError) as exc:  # ValueError: waitress, for 256.1.1.1
        app.searcher.close()
        why = getattr(exc, "strerror", None) or "không phải địa chỉ IP hay tên máy dùng được"
        raise TtdnError(f"Không dùng được địa chỉ --host {printable(host)} ({why}).") from exc
    except OSError as exc:
        app.searcher.close()
        if getattr(exc, "errno", None) == 98:  # EADDRINUSE
            raise TtdnError(f"Cổng {port} đang được một chương trình khác dùng; chọn cổng khác bằng --port.") from exc
        raise TtdnError(f"Không mở được máy chủ ở {printable(host)}:{port} ({exc.strerror or exc}).") from exc
    app.hosts = allowed_hosts(host, server.server_address[1])
    return server


def serve(index_dir: Path, host: str = "127.0.0.1", port: int = 8765) -> None:
    server = make_server(index_dir, host, port)
    if not _loopback(host):
        print(f"Cảnh báo: --host {host} mở chỉ mục cho mọi máy tới được địa chỉ này (không mật khẩu). "
              "Chỉ dùng trong mạng tin cậy; mặc định là 127.0.0.1.", file=sys.stderr, flush=True)
    shown_host = f"[{server.server_address[0]}]" if ":" in server.server_address[0] else server.server_address[0]
    print(f"Đang phục vụ http://{shown_host}:{server.server_address[1]}/ (Ctrl-C để dừng)", file=sys.stderr, flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.shutdown()
        server.server_close()
