"""`ttdn serve` under hostile or careless clients: names it answers to, other sites, bounds, slow clients."""

import socket
import threading
import time
from urllib.parse import quote

import pytest
from click.testing import CliRunner

from ttdn_search.cli import main


@pytest.fixture()
def server(samples_index):
    from ttdn_search.server import make_server

    srv = make_server(samples_index, port=0)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    yield srv
    srv.shutdown()
    srv.server_close()


def _request(srv, path: str = "/?q=" + quote("thông tin"), headers: dict | None = None, method: str = "GET") -> tuple[int, bytes, bytes]:
    port = srv.server_address[1]
    head = {"Host": f"127.0.0.1:{port}", "Connection": "close", **(headers or {})}
    raw = f"{method} {path} HTTP/1.1\r\n" + "".join(f"{k}: {v}\r\n" for k, v in head.items() if v is not None) + "\r\n"
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(raw.encode("latin-1"))
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    head_part, _, body = data.partition(b"\r\n\r\n")
    return int(head_part.split(b" ", 2)[1]), head_part, body


def test_answers_only_to_its_own_names(server):
    """A DNS-rebinding page reaches 127.0.0.1 under its own name: that Host is refused."""
    port = server.server_address[1]
    for host in (f"127.0.0.1:{port}", f"localhost:{port}", "127.0.0.1", None):
        assert _request(server, headers={"Host": host})[0] == 200, host
    for host in ("evil.example", f"evil.example:{port}", f"127.0.0.1.evil.example:{port}"):
        status, head, body = _request(server, headers={"Host": host})
        assert status == 403 and "không trả lời" in body.decode("utf-8"), host
        assert b"default-src 'none'" in head and b"nosniff" in head


def test_other_sites_may_link_here_not_fetch_searches(server):
    status, _, body = _request(server, headers={"Sec-Fetch-Site": "cross-site", "Sec-Fetch-Mode": "no-cors"})
    assert status == 403 and "trang web khác" in body.decode("utf-8")
    assert _request(server, headers={"Sec-Fetch-Site": "cross-site", "Sec-Fetch-Mode": "navigate"})[0] == 200
    assert _request(server, headers={"Sec-Fetch-Site": "same-origin", "Sec-Fetch-Mode": "cors"})[0] == 200


def test_parameters_are_bounded(server):
    """2,000 f_year values made a 67 MB page in 20 s; a 40 KB ?province= blocked every search for 40 s."""
    from ttdn_search.server import MAX_FILTER_VALUES, MAX_QUERY_STRING

    t = time.perf_counter()
    status, _, body = _request(server, "/?q=a&" + "&".join(f"f_year={y}" for y in range(1500, 2000)))
    assert status == 400 and len(body) < 2000 and "Quá nhiều" in body.decode("utf-8")
    status, _, body = _request(server, "/?q=a&" + "&".join(f"f_year={1990 + y}" for y in range(MAX_FILTER_VALUES + 1)))
    assert status == 400 and f"tối đa {MAX_FILTER_VALUES}" in body.decode("utf-8")
    status, _, body = _request(server, "/?province=" + "a" * (MAX_QUERY_STRING + 1))
    assert status == 414 and "quá dài" in body.decode("utf-8")
    assert time.perf_counter() - t < 5
    assert _request(server, "/?q=a&" + "&".join(f"f_year={2015 + y}" for y in range(5)))[0] == 200


def test_slow_clients_do_not_hold_up_a_search(server):
    """400 half-sent requests held 400 threads of http.server; waitress keeps them as sockets."""
    port = server.server_address[1]
    slow = []
    try:
        for _ in range(150):
            s = socket.create_connection(("127.0.0.1", port), timeout=10)
            s.sendall(b"GET /?q=th")  # and never the rest
            slow.append(s)
        times = []
        for _ in range(10):
            t = time.perf_counter()
            assert _request(server)[0] == 200
            times.append(time.perf_counter() - t)
        assert sorted(times)[5] < 1.0, times
    finally:
        for s in slow:
            s.close()


def test_address_problems_are_one_line(samples_index):
    from ttdn_search.server import make_server

    busy = socket.socket()
    busy.bind(("127.0.0.1", 0))
    busy.listen(1)
    try:
        port = busy.getsockname()[1]
        r = CliRunner().invoke(main, ["serve", "--index", str(samples_index), "--port", str(port)])
        assert r.exit_code == 1 and f"Cổng {port}" in r.stderr and "--port" in r.stderr, r.output
    finally:
        busy.close()
    r = CliRunner().invoke(main, ["serve", "--index", str(samples_index), "--host", "256.1.1.1", "--port", "0"])
    assert r.exit_code == 1 and r.stderr.startswith("Lỗi: Không dùng được địa chỉ --host 256.1.1.1"), r.output
    assert len(r.stderr.splitlines()) == 1
    srv = make_server(samples_index, host="0.0.0.0", port=0)
    try:
        assert srv.app.hosts is None  # every interface: names unknown, and `serve` warns
    finally:
        srv.shutdown()
        srv.server_close()


def test_every_interface_is_warned_about(samples_index):
    import subprocess
    import sys

    p = subprocess.Popen([sys.executable, "-m", "ttdn_search", "serve", "--index", str(samples_index), "--host", "0.0.0.0",
                          "--port", "0"], stderr=subprocess.PIPE, text=True)
    try:
        first = p.stderr.readline()
        assert first.startswith("Cảnh báo: --host 0.0.0.0") and "127.0.0.1" in first, first
        assert p.stderr.readline().startswith("Đang phục vụ http://0.0.0.0:")
    finally:
        p.terminate()
        p.wait(10)
