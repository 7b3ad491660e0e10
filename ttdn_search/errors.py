"""The errors ttdn-search raises for things a user can fix; the CLI turns them into one-line messages."""

import re


# Exit codes of every command: 0 ok; 1 failed (an error, or an input that could not be read at all);
# 2 usage (a bad option or value); 3 `ttdn index` finished but some records of readable files were
# skipped (a bad JSONL line, an empty text, an id used twice): the rest is indexed, cron can tell.
EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_RECORDS_SKIPPED = 0, 1, 2, 3


class TtdnError(Exception):
    """Something the user can fix; the message says what to do next."""

    exit_code = 1


class IndexMissing(TtdnError):
    """No index at the given location."""


class IndexLocked(TtdnError):
    """Another index run holds the write lock."""


class SchemaMismatch(TtdnError):
    """The index was written by an incompatible version of ttdn-search."""


class IndexDamaged(TtdnError):
    """Files of the index are missing or do not agree with each other; rebuilding fixes it."""


class CompanionMissing(IndexDamaged):
    """A segment's companion file is missing or cannot be opened."""


class NothingToIndex(TtdnError):
    """An index run found no article at all in its paths."""


class BadQuery(TtdnError):
    """A query or filter value that cannot be understood."""

    exit_code = 2


_UNPRINTABLE = re.compile(r"(\x1b\[[0-9;]*m)|[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def printable(text: str) -> str:
    """Text safe for a terminal: every control character but tab and newline shown as its escape
    (\\x1b), so nothing read from an index or a file name can move the cursor, clear the screen,
    retitle the window or plant a hyperlink. Colour and bold (SGR: ESC [ digits m, what click.style
    writes) are kept."""
    return _UNPRINTABLE.sub(lambda m: m.group(1) or repr(m.group())[1:-1], text)


def json_safe(text: str) -> str:
    """json.dumps(..., ensure_ascii=False) output with DEL and the C1 controls escaped too (JSON escapes
    only the C0 ones, and a terminal may act on U+009B as on ESC [)."""
    return re.sub(r"[\x7f-\x9f]", lambda m: f"\\u{ord(m.group()):04x}", text)


_ERRNO_REASONS = {
    "EROFS": "hệ thống tệp chỉ đọc", "EACCES": "không có quyền", "EPERM": "không được phép",
    "ENOSPC": "hết chỗ trống trên đĩa", "EDQUOT": "hết hạn mức dung lượng", "ENOENT": "không có tệp hay thư mục này",
    "ENOTDIR": "không phải thư mục", "EISDIR": "là một thư mục", "EEXIST": "đã có", "ENAMETOOLONG": "tên quá dài",
    "EMFILE": "mở quá nhiều tệp", "EIO": "lỗi vào/ra của thiết bị", "EBUSY": "đang bận",
}


def os_reason(exc: OSError) -> str:
    """An OSError's reason for a user: Vietnamese for the usual ones, then the system's own words."""
    import errno

    name = errno.errorcode.get(exc.errno or -1, "")
    own = exc.strerror or str(exc)
    return f"{_ERRNO_REASONS[name]} ({own})" if name in _ERRNO_REASONS else own


def shown(value: object, limit: int = 60) -> str:
    """A user's value quoted for a one-line message: control characters escaped, a long value cut short."""
    text = "".join(c if c.isprintable() else repr(c)[1:-1] for c in str(value))
    if len(text) > limit:
        text = text[:limit] + "…"
    return f"'{text}'"


# json's own messages (English), as a user reads them.
_JSON_REASONS = {
    "Expecting value": "thiếu giá trị",
    "Expecting property name enclosed in double quotes": "tên trường phải nằm trong dấu nháy kép",
    "Expecting ',' delimiter": "thiếu dấu phẩy",
    "Expecting ':' delimiter": "thiếu dấu hai chấm",
    "Unterminated string starting at": "chuỗi chưa đóng dấu nháy",
    "Extra data": "thừa dữ liệu sau đối tượng JSON",
    "Invalid control character at": "ký tự điều khiển trong chuỗi",
    "Invalid \\escape": "ký tự thoát (\\) sai",
    "Invalid \\uXXXX escape": "mã \\uXXXX sai",
}


def json_reason(exc) -> str:
    """Why a JSON text is broken, in Vietnamese, with the column: "tên trường phải … (cột 2)"."""
    msg = getattr(exc, "msg", str(exc))
    reason = _JSON_REASONS.get(msg, msg)
    col = getattr(exc, "colno", None)
    return f"{reason} (cột {col})" if col else reason


def utf8_arguments(kwargs: dict) -> None:
    """A text argument (query, id, filter value) whose bytes are not UTF-8 is a terminal set to another
    encoding: say so, instead of searching for U+FFFD or failing deep inside. Paths may be any bytes."""
    from dataclasses import fields, is_dataclass

    values = []
    for name, v in kwargs.items():
        if isinstance(v, str):
            values.append(v)
        elif is_dataclass(v):
            values.extend(x for f in fields(v) for x in ([getattr(v, f.name)] if isinstance(getattr(v, f.name), str)
                                                        else getattr(v, f.name) or []) if isinstance(x, str))
    for v in values:
        if any("\udc80" <= c <= "\udcff" for c in v):
            raise BadQuery(f"Tham số {shown(v)} không phải UTF-8: hãy đặt bảng mã của terminal là UTF-8 "
                           "(ví dụ LANG=C.UTF-8).")
