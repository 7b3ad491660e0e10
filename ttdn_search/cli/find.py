"""`ttdn search`, `directive`, `facets`, `show`, `stats` and `extract`: reading the index."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ttdn_search.cli import (
    FACET_ORDER, _bold, _echo_json, _fail, _print_result, copies_options, echo, filter_options, handle_errors,
    index_option, main,
)
from ttdn_search.errors import BadQuery
from ttdn_search.terminal import SEARCH_HELP


@main.command(help=SEARCH_HELP)
@click.argument("query", required=False, default="")
@index_option
@filter_options
@click.option("-n", "--limit", type=click.IntRange(0, 10000), default=10, show_default=True, metavar="N",
              help="Số kết quả / hits.")
@click.option("--offset", type=click.IntRange(0), default=0, metavar="N", help="Bỏ qua N kết quả đầu / paging offset.")
@click.option("--sort", type=click.Choice(["relevance", "date"]), default="relevance", show_default=True)
@click.option("--json", "as_json", is_flag=True, help="In JSON / print JSON.")
@click.option("--nl", is_flag=True, help="JSON Lines (một dòng) / newline-delimited JSON.")
@click.option("--queries", "queries_file", type=click.File("r", encoding="utf-8", errors="surrogateescape"),
              help="Tệp truy vấn, mỗi dòng một câu (văn bản hoặc JSON); '-' là stdin / batch file.")
@click.option("--csv", "as_csv", is_flag=True, help="In bảng CSV: mọi kết quả, hoặc -n bài / the result set as CSV.")
@click.option("--xlsx", type=click.Path(dir_okay=False, path_type=Path), metavar="TỆP", help="Ghi bảng Excel / write XLSX.")
@FACET_ORDER
@copies_options
@handle_errors
def search(query, index_dir, filters, limit, offset, sort, as_json, nl, queries_file, as_csv, xlsx, facet_order,
           all_copies, count):
    from ttdn_search.search import Searcher

    if as_csv or xlsx:
        from ttdn_search import export

        given = click.get_current_context().get_parameter_source("limit").name == "COMMANDLINE"
        with Searcher(index_dir) as s:
            hits = export.result_hits(s, query, filters, limit if given else None, sort)
        return click.echo(export.to_csv(hits), nl=False) if as_csv else echo(export.write_xlsx(hits, xlsx))

    if queries_file is not None and query:
        raise BadQuery("Đã cho tệp --queries thì không cho thêm truy vấn; bỏ một trong hai.")
    with Searcher(index_dir) as s:
        if queries_file is not None:
            failed = []
            for line in s.run_batch(queries_file, filters, limit=limit, offset=offset, sort=sort,
                                    collapse=not all_copies, count=count):
                if line.error is not None:
                    failed.append(str(line.line))
                _echo_json(line.to_json(), nl=True)
            if failed:
                shown_lines = ", ".join(failed[:20]) + (" …" if len(failed) > 20 else "")
                _fail(f"{len(failed)} truy vấn lỗi (dòng {shown_lines}).", 1)
            return
        res = s.search(query, filters=filters, limit=limit, offset=offset, sort=sort, facet_order=facet_order,
                       collapse=not all_copies, count=count)
        _print_result(res, nl=nl, as_json=as_json)


@main.command()
@click.argument("query")
@index_option
@filter_options(without=("directive",))  # the query is the directive
@click.option("-n", "--limit", type=click.IntRange(0, 10000), default=20, show_default=True, metavar="N",
              help="Số bài in ra / articles shown.")
@click.option("--offset", type=click.IntRange(0), default=0, metavar="N", help="Bỏ qua N bài đầu / paging offset.")
@click.option("--json", "as_json", is_flag=True, help="In JSON / print JSON.")
@click.option("--nl", is_flag=True, help="JSON một dòng / one-line JSON.")
@copies_options
@handle_errors
def directive(query, index_dir, filters, limit, offset, as_json, nl, all_copies, count):
    """Mọi bài dẫn một văn bản, mới nhất trước / every article citing a directive.

    \b
    Ví dụ:
      ttdn directive 57-KL/TW
      ttdn directive "ket luan 57" --json
    """
    from ttdn_search.search import Searcher

    with Searcher(index_dir) as s:
        res = s.lookup_directive(query, filters, limit=limit, offset=offset, collapse=not all_copies, count=count)
    if as_json or nl:
        out = res.to_json()
        out = {"query": query, "directives": out.pop("directives", []), **out}
        _echo_json(out, nl=nl)
        return
    from ttdn_search.terminal import directive_lines

    for line in directive_lines(res, query, offset, _bold):
        echo(line)


# ---------------------------------------------------------------------------------------------


@main.command()
@index_option
@FACET_ORDER
@click.option("--json", "as_json", is_flag=True, help="In JSON / print JSON.")
@handle_errors
def facets(index_dir, facet_order, as_json):
    """Mọi giá trị lọc kèm số bài / every facet value with its count.

    \b
    Ví dụ: ttdn facets --json
    """
    from dataclasses import asdict

    from ttdn_search.facets import FACET_LABELS
    from ttdn_search.search import Searcher

    with Searcher(index_dir) as s:
        all_f = s.all_facets(facet_order)
    if as_json:
        _echo_json({k: [asdict(c) for c in v] for k, v in all_f.items()})
        return
    for name, counts in all_f.items():
        click.echo(click.style(f"{FACET_LABELS[name]} ({len(counts)})", bold=True))  # our own label
        for c in counts:
            echo(f"  {c.value}: {c.count}  [{c.filter}]")


@main.command()
@click.argument("doc_id")
@index_option
@click.option("--json", "as_json", is_flag=True, help="In JSON / print JSON.")
@handle_errors
def show(doc_id, index_dir, as_json):
    """Trường lưu trữ và mọi nhãn của một bài / stored fields and tags of one article.

    \b
    Ví dụ: ttdn show seeds/003_a57d34146efc6618
    """
    from ttdn_search.search import Searcher

    with Searcher(index_dir) as s:
        doc = s.document(doc_id)
    if doc is None:
        _fail(f"Không có bài '{doc_id}' trong chỉ mục '{index_dir}'. Tìm id bằng: ttdn search ...", 1)
    if as_json:
        _echo_json(doc)
        return
    from ttdn_search.terminal import show_lines

    for line in show_lines(doc, _bold):
        echo(line)


@main.command()
@index_option
@click.option("--json", "as_json", is_flag=True, help="In JSON / print JSON.")
@handle_errors
def stats(index_dir, as_json):
    """Số bài, dung lượng, lần cập nhật cuối / index statistics.

    \b
    Ví dụ: ttdn stats --json
    """
    from ttdn_search.search import Searcher

    with Searcher(index_dir) as s:
        st = s.stats()
    if as_json:
        _echo_json(st)
        return
    from ttdn_search.terminal import stats_lines

    for line in stats_lines(st):
        echo(line)


# ---------------------------------------------------------------------------------------------


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Một dòng JSON mỗi bài / JSON lines, one per article.")
@handle_errors
def extract(paths, as_json):
    """Nhãn của từng bài, không ghi chỉ mục / tags of each article, no index written.

    \b
    Ví dụ: ttdn extract ../shared/corpus/seeds --json
    """
    from ttdn_search.extract import tag
    from ttdn_search.ingest import Skipped, iter_articles

    skipped = 0
    for item in iter_articles(paths):
        if isinstance(item, Skipped):
            skipped += 1
            echo(f"Bỏ qua: {item}", err=True)
            continue
        tags = tag(item).to_json()
        if as_json:
            _echo_json({"id": item.id, "title": item.title, **tags}, nl=True)
            continue
        from ttdn_search.terminal import tag_lines

        for line in tag_lines(item.id, item.title, tags, _bold):
            echo(line)
    if skipped:
        sys.exit(1)
