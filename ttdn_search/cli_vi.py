"""click's own messages in Vietnamese first ("Không có tùy chọn '--nope'." / "No such option"), so that every
line a user of `ttdn` reads speaks the project's language.

click marks its strings for gettext (`from gettext import gettext as _` in each module) but reads the
catalogue from the process locale; `install()` gives the click modules a translator over the catalogue
below instead, for the `ttdn` process only. The keys are click's msgids exactly: tests/test_cli_vi.py
checks that each one is still in the installed click, so an upgrade that rewords a message fails loudly
rather than falling back to English in silence.
"""

from __future__ import annotations

import gettext

CATALOGUE = {
    "Usage:": "Cách dùng:",
    "Options": "Tùy chọn",
    "Commands": "Lệnh",
    "Positional arguments": "Đối số",
    "Show this message and exit.": "Hiện trợ giúp này rồi thoát / show this help.",
    "Show the version and exit.": "Hiện phiên bản rồi thoát / show the version.",
    "Try '{command} {option}' for help.": "Xem '{command} {option}' để biết cách dùng.",
    "Error: {message}": "Lỗi: {message}",
    "No such option {name!r}.": "Không có tùy chọn {name!r} / no such option.",
    "No such command {name!r}.": "Không có lệnh {name!r} / no such command.",
    "Did you mean {possibility}?": "Có phải ý bạn là {possibility}?",
    "(Did you mean one of: {possibilities}?)": "(Có phải ý bạn là một trong: {possibilities}?)",
    "Missing command.": "Thiếu lệnh / missing command.",
    "Missing argument": "Thiếu đối số",
    "Missing option": "Thiếu tùy chọn",
    "Missing parameter": "Thiếu tham số",
    "Missing {param_type}": "Thiếu {param_type}",
    "Missing parameter: {param_name}": "Thiếu tham số: {param_name}",
    "Option {name!r} requires an argument.": "Tùy chọn {name!r} cần một giá trị.",
    "Option {name!r} requires {nargs} arguments.": "Tùy chọn {name!r} cần {nargs} giá trị.",
    "Option {name!r} does not take a value.": "Tùy chọn {name!r} không nhận giá trị.",
    "Got unexpected extra argument ({args})": "Thừa đối số ({args})",
    "Got unexpected extra arguments ({args})": "Thừa các đối số ({args})",
    "Invalid value for {param_hint}: {message}": "Giá trị không hợp lệ cho {param_hint}: {message}",
    "Invalid value: {message}": "Giá trị không hợp lệ: {message}",
    "{value!r} is not one of {choices}.": "{value!r} không thuộc các giá trị {choices}.",
    "{value!r} is not {choice}.": "{value!r} không phải {choice}.",
    "{value!r} is not a valid {number_type}.": "{value!r} không phải số hợp lệ ({number_type}).",
    "{value} is not in the range {range}.": "{value} nằm ngoài khoảng {range}.",
    "{value!r} is not a valid boolean. Recognized values: {states}":
        "{value!r} không phải giá trị đúng/sai hợp lệ; dùng một trong: {states}",
    "{name} {filename!r} does not exist.": "{name} {filename!r} không tồn tại.",
    "{name} {filename!r} is a file.": "{name} {filename!r} là một tệp, không phải thư mục.",
    "{name} {filename!r} is a directory.": "{name} {filename!r} là một thư mục, không phải tệp.",
    "{name} {filename!r} is not readable.": "Không đọc được {name} {filename!r}.",
    "{name} {filename!r} is not writable.": "Không ghi được {name} {filename!r}.",
    "{name} {filename!r} is not executable.": "Không chạy được {name} {filename!r}.",
    "Could not open file {filename!r}: {message}": "Không mở được tệp {filename!r}: {message}",
    "file": "tệp",
    "directory": "thư mục",
    "path": "đường dẫn",
    "default: {default}": "mặc định: {default}",
    "Aborted!": "Đã dừng.",
}
PARAM_TYPES = {"option": "tùy chọn", "argument": "đối số", "parameter": "tham số"}


def _gettext(message: str) -> str:
    return CATALOGUE.get(message, message)


def _ngettext(singular: str, plural: str, n: int) -> str:
    return _gettext(singular if n == 1 else plural)


def install(click) -> None:
    """Give the click package's modules the Vietnamese catalogue (only names still bound to gettext's
    functions); `click` is the imported package (cli.py is the one module that imports it)."""
    for name in ("core", "decorators", "exceptions", "formatting", "parser", "termui", "types", "utils"):
        mod = getattr(click, name, None)
        if getattr(mod, "_", None) is gettext.gettext:
            mod._ = _gettext
        if getattr(mod, "ngettext", None) is gettext.ngettext:
            mod.ngettext = _ngettext
    for cls in (click.Option, click.Argument, click.Parameter):
        vi = PARAM_TYPES.get(cls.param_type_name)
        if vi:
            cls.param_type_name = vi
