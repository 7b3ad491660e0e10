"""The `ttdn` command line: a thin shell over the library. This package is the only one that imports click;
its modules each hold a few commands (build.py, find.py, pages.py, watch.py), registered on `main` below."""

from __future__ import annotations

import functools
import json
import os
import sys
from pathlib import Path

import click

from ttdn_search import cli_vi
from ttdn_search.errors import TtdnError, json_safe, os_reason, printable, utf8_arguments

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


FACET_ORDER = click.option(
    "--facet-order", type=click.Choice(["count", "time"]), default="count", show_default=True,
    help="Giá trị lọc theo số bài, hoặc năm theo thời gian (mới nhất trước) / facet values by count or years by time.")


def copies_options(fn):
    """--all-copies and --count: one hit per group of copies or every article; what facets count."""
    fn = click.option("--count", type=click.Choice(["articles", "groups"]), default="articles", show_default=True,
                      help="Nhóm lọc đếm bài, hoặc tin (bản đăng lại tính một lần) / facets count articles or groups.")(fn)
    return click.option("--all-copies", is_flag=True,
                        help="Hiện cả các bản đăng lại, không gộp / every copy, not one per group.")(fn)


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




# The commands, registered on `main` as their modules are imported.
from ttdn_search.cli import build, find, pages, watch  # noqa: E402,F401  (registers their commands)
