"""`ttdn index`: build and update an index."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ttdn_search.cli import _echo_json, echo, handle_errors, index_option, main
from ttdn_search.errors import EXIT_FAILED, EXIT_RECORDS_SKIPPED


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
