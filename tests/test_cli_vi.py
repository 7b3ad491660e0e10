"""click's own messages speak Vietnamese first, like the project's (issue #17)."""

import ast
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from ttdn_search.cli import main
from ttdn_search.cli_vi import CATALOGUE


def run(*args):
    return CliRunner().invoke(main, list(args), prog_name="ttdn")


def test_every_translated_message_is_still_one_of_clicks():
    """A click upgrade that rewords a message fails here instead of falling back to English silently."""
    msgids = set()
    for path in Path(click.__file__).parent.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("_", "ngettext"):
                msgids.update(a.value for a in node.args[:2] if isinstance(a, ast.Constant) and isinstance(a.value, str))
    assert set(CATALOGUE) <= msgids, sorted(set(CATALOGUE) - msgids)


@pytest.mark.parametrize(
    "args, shown",
    [
        (["search", "--nope"], "Không có tùy chọn '--nope'"),
        (["html", "x"], "Thiếu tùy chọn '-o' / '--output'"),
        (["search", "x", "--sort", "foo"], "Giá trị không hợp lệ cho '--sort'"),
        (["search", "x", "-n", "abc"], "Giá trị không hợp lệ cho '-n' / '--limit'"),
        (["nope"], "Không có lệnh 'nope'"),
    ],
)
def test_usage_errors_are_vietnamese_first_and_exit_2(args, shown):
    r = run(*args)
    assert r.exit_code == 2
    assert shown in r.output and "Cách dùng: ttdn" in r.output and "Lỗi: " in r.output
    for english in ("No such option", "Missing option", "Invalid value", "Usage:", "Try '"):
        assert english not in r.output


def test_help_is_vietnamese_first():
    for args in (["--help"], ["search", "--help"], ["index", "-h"]):
        out = run(*args).output
        assert out.startswith("Cách dùng: ttdn") and "Tùy chọn:" in out and "Hiện trợ giúp này rồi thoát" in out
        assert "Show this message and exit." not in out and "Options:" not in out
    assert "Lệnh:" in run("--help").output


def test_help_names_what_each_option_takes_in_vietnamese():
    out = run("search", "--help").output
    assert "-p, --province TỈNH" in out and "-n, --limit N" in out and "--from NGÀY" in out
    assert " TEXT " not in out and "INTEGER" not in out


def test_directive_has_no_directive_filter_and_extract_json_means_json(tmp_path):
    assert "--directive" not in run("directive", "--help").output
    page = Path(__file__).resolve().parents[1] / "ttdn_search" / "samples" / "trang-ninh-binh.txt"
    plain, as_json = run("extract", str(page)), run("extract", str(page), "--json")
    assert plain.exit_code == as_json.exit_code == 0
    assert plain.output.startswith("Ninh Bình: Hội nghị tổng kết") and "  văn bản dẫn: 16-KL/TW" in plain.output
    import json

    assert json.loads(as_json.output.splitlines()[0])["directives"] == ["16-KL/TW", "72/2015/NĐ-CP"]
