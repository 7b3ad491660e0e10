"""`ttdn html` and `ttdn serve`: result pages, static and live."""

from __future__ import annotations

from pathlib import Path

import click

from ttdn_search.cli import copies_options, echo, filter_options, handle_errors, index_option, main


@main.command()
@click.argument("query", required=False, default="")
@index_option
@filter_options
@click.option("-o", "--output", "out_dir", type=click.Path(file_okay=False, path_type=Path), required=True,
              help="Thư mục ghi trang / output directory.")
@click.option("-n", "--limit", type=click.IntRange(1, 500), default=20, show_default=True, metavar="N",
              help="Số kết quả mỗi trang / hits per page.")
@click.option("--sort", type=click.Choice(["relevance", "date"]), default="relevance", show_default=True,
              help="Sắp xếp: liên quan nhất hoặc mới nhất / order.")
@click.option("--facet-pages", type=click.IntRange(0, 50), default=8, show_default=True,
              help="Số giá trị mỗi nhóm lọc được ghi thành trang / facet values per group written as pages.")
@copies_options
@handle_errors
def html(query, index_dir, filters, out_dir, limit, sort, facet_pages, all_copies, count):
    """Ghi trang kết quả HTML tĩnh, mở được ngoại tuyến / write a static results page.

    \b
    Ví dụ: ttdn html "thông tin đối ngoại" -p "Nghệ An" -o ket-qua/
    """
    from ttdn_search.render import write_static_site
    from ttdn_search.search import Searcher

    with Searcher(index_dir) as s:
        page = write_static_site(s, query, filters, out_dir, limit=limit, sort=sort, facet_values=facet_pages,
                                 all_copies=all_copies, count=count)
    echo(str(page.resolve()))


@main.command()
@index_option
@click.option("--port", type=click.IntRange(0, 65535), default=8765, show_default=True)
@click.option("--host", default="127.0.0.1", show_default=True, help="Chỉ nên dùng 127.0.0.1 / bind address.")
@handle_errors
def serve(index_dir, port, host):
    """Phục vụ trang tìm kiếm trực tiếp trên máy / serve live search pages.

    \b
    Ví dụ: ttdn serve --port 8765   # rồi mở http://127.0.0.1:8765/
    """
    from ttdn_search.server import serve as run

    run(index_dir, host=host, port=port)
