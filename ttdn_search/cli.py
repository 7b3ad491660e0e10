"""The `ttdn` command line: a thin shell over the library. The only module that imports click."""

from __future__ import annotations

import functools
import json
import os
import sys
from pathlib import Path

import click

from ttdn_search import cli_vi
from ttdn_search.errors import EXIT_FAILED, EXIT_RECORDS_SKIPPED, BadQuery, TtdnError, json_safe, os_reason, printable, utf8_arguments
from ttdn_search.terminal import SEARCH_HELP

cli_vi.install(click)  # click's own messages in Vietnamese first

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


def _echo_json(obj, nl: bool = False) -> None:
    click.echo(json_safe(json.dumps(obj, ensure_ascii=False, indent=None if nl else 2)))


def echo(message: object = "", err: bool = False) -> None:
    """click.echo of text that may quote an index or a file name: control characters shown escaped."""
    click.echo(printable(str(message)), err=err)


def _fail(msg: str, code: int = 1):
    # One line, whatever the message quotes back from the user's input.
    echo("Lỗi: " + " ".join(str(msg).split("\n")), err=True)
    sys.exit(code)


def handle_errors(fn):
    """Turn library errors into one-line messages and exit codes (1 error, 2 usage)."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            utf8_arguments(kwargs)
            return fn(*args, **kwargs)
        except TtdnError as exc:
            _fail(str(exc), exc.exit_code)
        except KeyboardInterrupt:
            _fail("Đã dừng theo yêu cầu (Ctrl-C). Chỉ mục vẫn giữ những lô đã ghi xong.", 1)
        except BrokenPipeError:
            sys.stderr.close()
            sys.exit(0)
        except OSError as exc:  # a folder that cannot be written, a path through a file, ...
            where = f" '{exc.filename}'" if exc.filename else ""
            _fail(f"Không đọc/ghi được{where}: {os_reason(exc)}.", 1)

    return wrapper


def index_option(fn):
    return click.option(
        "--index", "index_dir", type=click.Path(file_okay=False, path_type=Path),
        default=lambda: os.environ.get("TTDN_INDEX") or "index", show_default="./index hoặc $TTDN_INDEX",
        help="Thư mục chỉ mục / index directory.",
    )(fn)


def filter_options(fn=None, *, without: tuple[str, ...] = ()):
    """The filter options of filters.FILTERS (repeat an option to OR its values; different options AND),
    handed to the command as one `filters` argument; `without`: filters the command has no use for."""
    from ttdn_search.filters import FILTERS, from_options

    if fn is None:
        return functools.partial(filter_options, without=without)
    specs = [spec for spec in FILTERS if spec.flags and spec.name not in without]
    dests = [{"from": "date_from", "to": "date_to"}.get(spec.name, spec.name) for spec in specs]

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        return fn(*args, filters=from_options(**{d: kwargs.pop(d) for d in dests}), **kwargs)

    for spec, dest in reversed(list(zip(specs, dests))):
        wrapper = click.option(*spec.flags, dest, multiple=not spec.single, help=spec.help, metavar=spec.metavar)(wrapper)
    return wrapper


class _Command(click.Command):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **{"options_metavar": "[TÙY CHỌN]", **kwargs})


class _Group(click.Group):
    """A query that starts with "-" (an excluded word: `ttdn search -covid -n 3`, or after "--": `ttdn search
    -- -covid -n 3`) is the query, not an option: it is moved behind a "--" of its own, so the options
    around it still count."""

    command_class = _Command

    def parse_args(self, ctx, args):
        from ttdn_search.argv import query_last

        cmd = self.commands.get(args[0]) if args else None
        if cmd is not None and args[0] in QUERY_COMMANDS:
            options = [p for p in cmd.params if isinstance(p, click.Option)]
            names = {n for p in options for n in p.opts + p.secondary_opts}
            takes = {n for p in options if not p.is_flag and not p.count for n in p.opts}
            args = [args[0], *query_last(args[1:], names, takes)]
        return super().parse_args(ctx, args)


QUERY_COMMANDS = ("search", "html")  # the commands whose QUERY may start with "-"


@click.group(cls=_Group, context_settings=CONTEXT, options_metavar="[TÙY CHỌN]", subcommand_metavar="LỆNH [ĐỐI SỐ]...")
@click.version_option(package_name="ttdn-search", prog_name="ttdn")
def main():
    """ttdn: tìm kiếm tin bài thông tin đối ngoại / search Vietnamese foreign-information news.

    \b
    Ví dụ / example:
      ttdn index bai-viet/            # lập chỉ mục một thư mục
      ttdn search "thông tin đối ngoại" -p "Nghệ An" -y 2024
      ttdn directive "ket luan 57"
      ttdn html "thông tin đối ngoại" -o ket-qua/
    """


# ---------------------------------------------------------------------------------------------


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@index_option
@click.option("--rebuild", is_flag=True, help="Xây lại từ đầu (chỉ mục cũ giữ nguyên đến khi xong) / start fresh.")
@click.option("-j", "--jobs", type=click.IntRange(1, 64), default=None, help="Số tiến trình (mặc định: số lõi) / worker processes.")
@click.option("-q", "--quiet", is_flag=True,
              help="Không hiện thanh tiến độ (vẫn in dòng bỏ qua và tóm tắt) / no progress bar.")
@click.option("--json", "as_json", is_flag=True, help="In báo cáo JSON / JSON report.")
@handle_errors
def index(paths, index_dir, rebuild, jobs, quiet, as_json):
    """Lập chỉ mục các tệp .txt, .html, .jsonl(.gz) / index files and folders.

    Mã thoát: 0 xong; 3 xong nhưng có bản ghi bị bỏ qua (dòng JSON hỏng, id trùng, bài rỗng); 1 có tệp
    không đọc được hoặc lỗi (phần còn lại vẫn được lập chỉ mục); 2 sai cách dùng.

    \b
    Ví dụ: ttdn index ../shared/corpus/seeds --index ./index
    """
    from ttdn_search.indexer import build_index

    from ttdn_search.ingest import Notice
    from ttdn_search.progress import Progress, count_records

    # A progress line only on a terminal (never in a log or a pipe), and never with --quiet or --json.
    bar = Progress(sys.stderr, count_records(paths)) if not quiet and not as_json and sys.stderr.isatty() else None

    def on_skip(sk):  # shown even with --quiet: quiet hides the progress line only
        line = f"{'Lưu ý' if isinstance(sk, Notice) else 'Bỏ qua'}: {sk}"
        if bar is None:
            echo(line, err=True)
            return
        bar.say(line)
        if getattr(sk, "record", False):
            bar.advance(1)

    try:
        report = build_index(paths, index_dir, rebuild=rebuild, jobs=jobs, progress=bar and bar.advance, on_skip=on_skip)
    finally:
        if bar is not None:
            bar.close()
    if as_json:
        _echo_json(report.to_json())
    else:
        echo(
            f"Xong: thêm {report.added}, cập nhật {report.updated}, không đổi {report.unchanged}, "
            f"trùng lặp {report.duplicates}, bỏ qua {len(report.skipped)}"
            + (f", lưu ý {len(report.notices)}" if report.notices else "")
            + f"; chỉ mục '{index_dir}' có {report.total} bài ({report.seconds:.1f} s)."
        )
    if report.skipped and not as_json:
        from ttdn_search.terminal import skipped_summary

        echo(skipped_summary(report.skipped), err=True)
    if any(not sk.record for sk in report.skipped):
        sys.exit(EXIT_FAILED)  # an input that could not be read at all
    if report.skipped:
        sys.exit(EXIT_RECORDS_SKIPPED)


FACET_ORDER = click.option(
    "--facet-order", type=click.Choice(["count", "time"]), default="count", show_default=True,
    help="Giá trị lọc theo số bài, hoặc năm theo thời gian (mới nhất trước) / facet values by count or years by time.")


# ---------------------------------------------------------------------------------------------


_bold = functools.partial(click.style, bold=True)
_mark = functools.partial(click.style, fg="yellow", bold=True)


def _print_result(res, nl: bool, as_json: bool) -> None:
    if as_json or nl:
        _echo_json(res.to_json(), nl=nl)
        return
    from ttdn_search.terminal import result_lines

    for line in result_lines(res, _bold, _mark):
        echo(line)


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
@handle_errors
def search(query, index_dir, filters, limit, offset, sort, as_json, nl, queries_file, as_csv, xlsx, facet_order):
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
            for line in s.run_batch(queries_file, filters, limit=limit, offset=offset, sort=sort):
                if line.error is not None:
                    failed.append(str(line.line))
                _echo_json(line.to_json(), nl=True)
            if failed:
                shown_lines = ", ".join(failed[:20]) + (" …" if len(failed) > 20 else "")
                _fail(f"{len(failed)} truy vấn lỗi (dòng {shown_lines}).", 1)
            return
        res = s.search(query, filters=filters, limit=limit, offset=offset, sort=sort, facet_order=facet_order)
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
@handle_errors
def directive(query, index_dir, filters, limit, offset, as_json, nl):
    """Mọi bài dẫn một văn bản, mới nhất trước / every article citing a directive.

    \b
    Ví dụ:
      ttdn directive 57-KL/TW
      ttdn directive "ket luan 57" --json
    """
    from ttdn_search.search import Searcher

    with Searcher(index_dir) as s:
        res = s.lookup_directive(query, filters, limit=limit, offset=offset)
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


# ---------------------------------------------------------------------------------------------


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
@handle_errors
def html(query, index_dir, filters, out_dir, limit, sort, facet_pages):
    """Ghi trang kết quả HTML tĩnh, mở được ngoại tuyến / write a static results page.

    \b
    Ví dụ: ttdn html "thông tin đối ngoại" -p "Nghệ An" -o ket-qua/
    """
    from ttdn_search.render import write_static_site
    from ttdn_search.search import Searcher

    with Searcher(index_dir) as s:
        page = write_static_site(s, query, filters, out_dir, limit=limit, sort=sort, facet_values=facet_pages)
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


if __name__ == "__main__":
    main()
