"""Exports: the result set as CSV (CLI, live download, static ket-qua.csv) and XLSX, readable by others."""

import csv
import io
import json
import shutil
import subprocess
import threading
import urllib.request
from urllib.parse import quote

import pytest
from click.testing import CliRunner

from ttdn_search.cli import main
from ttdn_search.export import COLUMNS

QUERY = "thông tin đối ngoại"


def _csv_rows(text: str) -> list[list[str]]:
    assert text.startswith("\ufeff"), "a byte-order mark, so Excel reads the diacritics"
    return list(csv.reader(io.StringIO(text[1:])))


def _hits(index, *extra):
    out = json.loads(CliRunner().invoke(main, ["search", QUERY, "--index", str(index), "--json", "-n", "100", *extra]).stdout)
    return out["total"], [h["id"] for h in out["hits"]]


def test_csv_holds_the_whole_result_set_in_search_order(samples_index):
    total, ids = _hits(samples_index)
    r = CliRunner().invoke(main, ["search", QUERY, "--index", str(samples_index), "--csv"])
    assert r.exit_code == 0
    rows = _csv_rows(r.stdout)
    assert tuple(rows[0]) == COLUMNS and len(rows) == 1 + total
    assert [row[0] for row in rows[1:]] == ids
    first = dict(zip(COLUMNS, rows[1]))
    assert first["title"] and first["date"] and "<mark>" not in first["snippet"] and QUERY in first["snippet"]
    r = CliRunner().invoke(main, ["search", QUERY, "--index", str(samples_index), "--csv", "-n", "3", "-p", "Nghệ An"])
    total_na, ids_na = _hits(samples_index, "-p", "Nghệ An")
    assert [row[0] for row in _csv_rows(r.stdout)[1:]] == ids_na[:3]


def test_xlsx_opens_with_the_same_rows(samples_index, tmp_path):
    openpyxl = pytest.importorskip("openpyxl", reason="the test extras read the XLSX with openpyxl")
    out = tmp_path / "ket-qua.xlsx"
    r = CliRunner().invoke(main, ["search", QUERY, "--index", str(samples_index), "--xlsx", str(out)])
    assert r.exit_code == 0 and r.stdout.strip() == str(out)
    sheet = openpyxl.load_workbook(out).active
    cells = [[c.value or "" for c in row] for row in sheet.iter_rows()]
    expected = _csv_rows(CliRunner().invoke(main, ["search", QUERY, "--index", str(samples_index), "--csv"]).stdout)
    assert cells == expected


def test_a_cell_never_becomes_a_formula(tmp_path):
    from ttdn_search.export import rows
    from ttdn_search.results import Hit

    hit = Hit(id="=1+1", title='=HYPERLINK("http://evil","bấm")', date=None, date_source=None, province=None,
              province_new=None, provinces=[], years=[], directives=["+57-KL/TW"], score=0.0, snippet="@x\x00y", kind=[])
    row = rows([hit])[0]
    assert row[0] == "'=1+1" and row[1].startswith("'=HYPERLINK") and row[6] == "'+57-KL/TW" and row[8] == "'@x y"


def test_live_page_offers_the_download_of_its_query_and_filters(samples_index):
    from ttdn_search.server import make_server

    srv = make_server(samples_index, port=0)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{srv.server_address[1]}"
    try:
        page = urllib.request.urlopen(f"{base}/?q={quote(QUERY)}&province=Ngh%E1%BB%87+An").read().decode("utf-8")
        assert 'href="/ket-qua.csv?q=' in page and "province=" in page
        href = page.split('id="csv" href="', 1)[1].split('"', 1)[0].replace("&amp;", "&")
        with urllib.request.urlopen(base + href) as resp:
            assert resp.headers["Content-Type"].startswith("text/csv")
            assert 'filename="ket-qua.csv"' in resp.headers["Content-Disposition"]
            rows = _csv_rows(resp.read().decode("utf-8"))
        total, ids = _hits(samples_index, "-p", "Nghệ An")
        assert [row[0] for row in rows[1:]] == ids and len(rows) == 1 + total
        import ttdn_search.server as server

        server.MAX_CSV_ROWS, bound = 2, server.MAX_CSV_ROWS  # the download stops at its bound, ranked first
        try:
            with urllib.request.urlopen(f"{base}/ket-qua.csv?q={quote(QUERY)}") as resp:
                assert [row[0] for row in _csv_rows(resp.read().decode("utf-8"))[1:]] == _hits(samples_index)[1][:2]
        finally:
            server.MAX_CSV_ROWS = bound
    finally:
        srv.shutdown()
        srv.server_close()


def test_static_page_writes_its_table_beside_itself(samples_index, tmp_path):
    r = CliRunner().invoke(main, ["html", QUERY, "--index", str(samples_index), "-o", str(tmp_path / "site")])
    assert r.exit_code == 0
    html = (tmp_path / "site" / "index.html").read_text("utf-8")
    assert 'href="ket-qua.csv"' in html
    total, ids = _hits(samples_index)
    rows = _csv_rows((tmp_path / "site" / "ket-qua.csv").read_text("utf-8"))
    assert [row[0] for row in rows[1:]] == ids


def test_libreoffice_reads_the_csv(samples_index, tmp_path):
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.skip("needs LibreOffice (apt-get install libreoffice-calc-nogui) to convert the CSV headless")
    src = tmp_path / "ket-qua.csv"
    src.write_text(CliRunner().invoke(main, ["search", QUERY, "--index", str(samples_index), "--csv"]).stdout, "utf-8")
    subprocess.run([soffice, "--headless", "--convert-to", "xlsx", "--outdir", str(tmp_path), str(src)],
                   check=True, capture_output=True, timeout=120)
    openpyxl = pytest.importorskip("openpyxl")
    sheet = openpyxl.load_workbook(tmp_path / "ket-qua.xlsx").active
    assert [c.value for c in sheet[1]] == list(COLUMNS)
