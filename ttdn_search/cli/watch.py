"""`ttdn watch`: saved searches and what is new for each since its last run (watch.py)."""

from __future__ import annotations

from pathlib import Path

import click

from ttdn_search.cli import _Command, _echo_json, echo, filter_options, handle_errors, index_option, main


class _WatchGroup(click.Group):
    command_class = _Command  # "[TÙY CHỌN]" in every subcommand's usage line


@main.group(cls=_WatchGroup, options_metavar="[TÙY CHỌN]", subcommand_metavar="LỆNH [ĐỐI SỐ]...")
def watch():
    """Tìm kiếm đã lưu và tin mới của từng tìm kiếm / saved searches and what is new.

    \b
    Ví dụ:
      ttdn watch add ket-luan-57 "57-KL/TW"
      ttdn watch add lao-cai "thông tin đối ngoại" -p "Lào Cai"
      ttdn watch run                # bài mới từ lần chạy trước (dùng được trong cron)
      ttdn watch run --since 7d --html tin-moi/
    """


@watch.command("add")
@click.argument("name", metavar="TÊN")
@click.argument("query", required=False, default="", metavar="[CÂU_TÌM]")
@index_option
@filter_options
@handle_errors
def watch_add(name, query, index_dir, filters):
    """Lưu một tìm kiếm (câu tìm và bộ lọc) dưới một tên / save a search.

    Lần chạy đầu báo các bài được lập chỉ mục sau lúc lưu.
    """
    from ttdn_search.search import Searcher
    from ttdn_search.watch import add_watch

    with Searcher(index_dir) as s:
        w = add_watch(s, name, query, filters)
    echo(f"Đã lưu «{w.name}»: {w.describe()}. Xem tin mới bằng: ttdn watch run {w.name}")


@watch.command("list")
@index_option
@click.option("--json", "as_json", is_flag=True, help="In JSON / print JSON.")
@handle_errors
def watch_list(index_dir, as_json):
    """Các tìm kiếm đã lưu / saved searches."""
    from dataclasses import asdict

    from ttdn_search.watch import saved_watches

    watches = saved_watches(Path(index_dir))
    if as_json:
        _echo_json({"watches": [asdict(w) for w in watches.values()]})
        return
    if not watches:
        echo("Chưa có tìm kiếm nào được lưu. Thêm bằng: ttdn watch add TÊN \"câu tìm\" [bộ lọc]")
    for w in watches.values():
        echo(f"{w.name}: {w.describe()} · lưu {w.created[:16].replace('T', ' ')}"
             + (f" · chạy lần cuối {w.last_run[:16].replace('T', ' ')}" if w.last_run else " · chưa chạy"))


@watch.command("rm")
@click.argument("name", metavar="TÊN")
@index_option
@handle_errors
def watch_rm(name, index_dir):
    """Xoá một tìm kiếm đã lưu / remove a saved search."""
    from ttdn_search.watch import remove_watch

    w = remove_watch(Path(index_dir), name)
    echo(f"Đã xoá «{w.name}»: {w.describe()}.")


@watch.command("run")
@click.argument("names", nargs=-1, metavar="[TÊN]...")
@index_option
@click.option("--since", metavar="LÚC", help="Bài lập chỉ mục từ lúc này (2026-12-01, 2026-12-01T08:00, 24h, 7d); "
              "không ghi lại lần chạy / new since then, the run not recorded.")
@click.option("-n", "--limit", type=click.IntRange(0, 10000), default=20, show_default=True, metavar="N",
              help="Số bài mới in ra cho mỗi tìm kiếm / articles shown per search.")
@click.option("--json", "as_json", is_flag=True, help="In JSON / print JSON.")
@click.option("--html", "html_dir", type=click.Path(file_okay=False, path_type=Path), metavar="THƯ_MỤC",
              help="Ghi trang «Tin mới» tĩnh vào thư mục này / write a static 'Tin mới' page.")
@handle_errors
def watch_run(names, index_dir, since, limit, as_json, html_dir):
    """Tin mới của từng tìm kiếm đã lưu từ lần chạy trước / what is new since the last run.

    Thoát 0 dù có tin mới hay không (1 chỉ khi lỗi), nên chạy được trong cron.
    """
    from ttdn_search.search import Searcher
    from ttdn_search.watch import parse_since, record_runs, run_watches

    after = parse_since(since) if since is not None else None
    with Searcher(index_dir) as s:
        news = run_watches(s, names, after, limit)
    # The news goes out first; only then is the run recorded (a page that cannot be written loses nothing).
    if html_dir is not None:
        from ttdn_search.render import write_watch_page

        echo(str(write_watch_page(news, html_dir).resolve()), err=as_json)
    if as_json:
        _echo_json({"watches": [n.to_json() for n in news]})
    elif html_dir is None:
        from ttdn_search.terminal import watch_lines

        for line in watch_lines(news):
            echo(line)
    if after is None:
        record_runs(Path(index_dir), news)
