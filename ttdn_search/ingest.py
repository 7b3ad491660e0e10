"""Read articles from text, HTML and JSON Lines files, each page cleaned of its boilerplate (pagetext.py).

Every input becomes an `Article`, a `Skipped` (with its path, line and reason) or, for a JSONL record
the index already holds byte for byte, an `Unchanged`.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar, Iterable, Iterator

from ttdn_search.errors import json_reason
from ttdn_search.extract.dates import parse_record_date
from ttdn_search.lines import numbered_lines
from ttdn_search.normalize import normalize
from ttdn_search.pagetext import clean_page

TEXT_SUFFIXES = (".txt",)
HTML_SUFFIXES = (".html", ".htm")
JSONL_SUFFIXES = (".jsonl", ".jsonl.gz", ".ndjson")
# A page file (.txt, .html) bigger than this is not one article: it is skipped without being read.
MAX_FILE_BYTES = 16 * 1024 * 1024
# One JSONL line longer than this is skipped without being held in memory whole.
MAX_RECORD_BYTES = 16 * 1024 * 1024
# Article text longer than this (after cleaning) is skipped: no news article comes near it (the longest of
# the 20,098 in ../shared has 21,000 characters) and segmenting a million characters takes ~20 s.
MAX_ARTICLE_CHARS = 1_000_000
# A title longer than this keeps its start as the title and goes whole into the text (the longest real
# one in ../shared has 856 characters; a 2,000,000-character title took 18 s to index and 1 s more on
# every search that showed it). An id longer than MAX_ID_CHARS is no id: the record is skipped.
MAX_TITLE_CHARS = 2000
MAX_ID_CHARS = 1000


@dataclass
class Article:
    """One article as read from a file: clean text, headline and what the page said around them."""

    id: str
    title: str
    text: str
    date: str | None = None
    source: str | None = None
    url: str | None = None
    path: str | None = None
    # Lines removed as boilerplate (banners, bylines, counters); taggers may read them, nothing indexes them.
    meta_lines: list[str] = field(default_factory=list)
    # What the user should know about the record that did not stop it being indexed (a bad date).
    notices: list[str] = field(default_factory=list)
    # The JSONL line the article came from, for messages about it.
    line: int | None = None
    # For a JSONL record: a digest of its file, line and exact bytes (see `raw_key`), so a later run can
    # tell it unchanged without cleaning the page again.
    raw_key: str = ""
    # Every text field went through normalize() in clean_page: consumers need not do it again.
    normalized: ClassVar[bool] = True

    @property
    def content_hash(self) -> str:
        h = hashlib.blake2b(digest_size=16)
        for part in (self.title, self.text, self.date or "", self.source or "", self.url or "", "\n".join(self.meta_lines)):
            h.update(part.encode("utf-8"))
            h.update(b"\x00")
        return h.hexdigest()


@dataclass
class _Said:
    """A line the user is told about an input: where (path, JSONL line) and why, in Vietnamese."""

    path: str
    reason: str
    line: int | None = None

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.reason}"


@dataclass
class Skipped(_Said):
    """An input that could not be read: nothing of it is indexed. `record`: one record of a file that was
    read (a bad JSONL line, a reused id), not a file or folder that could not be."""

    record: bool | None = None

    def __post_init__(self):
        if self.record is None:
            self.record = self.line is not None


class Notice(_Said):
    """Something about a record the user should know that did not stop it being indexed (a bad date)."""


# ---------------------------------------------------------------------------------------------
# Decoding


class _Unreadable(Exception):
    pass


def decode_bytes(data: bytes) -> str:
    """Text of a file's bytes: UTF-8 (with or without BOM) or UTF-16 with BOM; anything else is refused."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise _Unreadable("UTF-16 hỏng, không đọc được") from exc
    nul = data.find(b"\x00")
    if nul >= 0:
        raise _Unreadable(f"không phải tệp văn bản (có byte NUL ở vị trí {nul})")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        from ttdn_search.legacy import decode_legacy

        text = decode_legacy(data)
        if text is None:
            raise _Unreadable(
                f"không phải UTF-8 (byte lỗi ở vị trí {exc.start}), cũng không đọc được như Windows-1258 hay TCVN3"
            ) from exc
        return text


# ---------------------------------------------------------------------------------------------
# Readers


def _file_id(path: Path, root: Path | None) -> str:
    """A stable id from the file path: the root folder's name and the path under it, without suffix."""
    if root is not None and root.is_dir():
        rel = path.relative_to(root)
        name = f"{root.name}/{rel.as_posix()}"
    else:
        name = f"{path.parent.name}/{path.name}" if path.parent.name else path.name
    for suffix in (".html", ".htm", ".txt"):
        if name.lower().endswith(suffix):
            name = name[: -len(suffix)]
            break
    return _shown(name)


_TOO_LONG = f"bài quá dài (hơn {MAX_ARTICLE_CHARS:,} ký tự), không phải một bài báo".replace(",", ".")


def _too_long(body: list[str]) -> bool:
    return sum(len(ln) + 1 for ln in body) > MAX_ARTICLE_CHARS


def _file_text(path: Path) -> str | None:
    """A whole file's text, or None when it holds nothing but whitespace."""
    data = path.read_bytes()
    return decode_bytes(data) if data.strip() else None


def _read_text_file(path: Path, root: Path | None) -> Iterator[Article | Skipped]:
    text = _file_text(path)
    if text is None:
        yield Skipped(_shown(path), "tệp rỗng")
        return
    page = clean_page(text)
    if not page.body and not page.title:
        yield Skipped(_shown(path), "không có nội dung bài viết")
        return
    if _too_long(page.body):
        yield Skipped(_shown(path), _TOO_LONG)
        return
    yield Article(
        id=_file_id(path, root),
        title=page.title,
        text="\n".join(page.body),
        path=_shown(path),
        meta_lines=page.meta_lines,
    )


def _read_html_file(path: Path, root: Path | None) -> Iterator[Article | Skipped]:
    from ttdn_search.htmltext import html_to_page

    text = _file_text(path)
    if text is None:
        yield Skipped(_shown(path), "tệp rỗng")
        return
    page = html_to_page(text)
    clean = clean_page("\n".join(page.lines), title=page.title)
    if not clean.body:
        yield Skipped(_shown(path), "không tìm thấy nội dung bài viết trong HTML")
        return
    if _too_long(clean.body):
        yield Skipped(_shown(path), _TOO_LONG)
        return
    yield Article(
        id=_file_id(path, root),
        title=clean.title,
        text="\n".join(clean.body),
        date=page.date,
        url=page.url,
        path=_shown(path),
        meta_lines=page.meta_lines + clean.meta_lines,
    )


@dataclass
class Unchanged:
    """A record an earlier run indexed from the same file, line and bytes: nothing to read again."""

    id: str
    content_hash: str


def raw_key(path: str, lineno: int, raw: bytes) -> str:
    """Digest of where a JSONL record is and of its exact bytes."""
    h = hashlib.blake2b(digest_size=12)
    h.update(f"{path}:{lineno}\n".encode("utf-8", "surrogateescape"))
    h.update(raw)
    return h.hexdigest()


def article_from_record(rec: dict, default_id: str, path: str | None = None) -> Article:
    """An Article from one JSON record; raises ValueError with a Vietnamese reason when it is unusable."""
    if not isinstance(rec, dict):
        raise ValueError("dòng không phải một đối tượng JSON")
    text = rec.get("text")
    if not isinstance(text, str):
        raise ValueError("thiếu trường 'text' hoặc 'text' không phải chuỗi")
    if not text.strip():
        raise ValueError("trường 'text' rỗng")
    if len(text) > MAX_ARTICLE_CHARS:
        raise ValueError(_TOO_LONG)
    title = rec.get("title")
    title = title if isinstance(title, str) and title.strip() else None
    page = clean_page(text, title=title)
    date, date_problem = parse_record_date(rec.get("date"))
    rid = rec.get("id")
    rid = str(rid).strip() if isinstance(rid, (str, int)) and str(rid).strip() else default_id
    source = rec.get("source") if isinstance(rec.get("source"), str) else None
    url = rec.get("url") if isinstance(rec.get("url"), str) else None
    return Article(
        id=normalize(rid),
        title=page.title,
        text="\n".join(page.body),
        date=date,
        source=source,
        url=url,
        path=path,
        meta_lines=page.meta_lines,
        notices=[f"{date_problem}; bài vẫn được lập chỉ mục, không lấy ngày của bản ghi"] if date_problem else [],
    )


def _read_jsonl(path: Path, root: Path | None, known: dict | None = None) -> Iterator[Article | Skipped | Unchanged]:
    opener = gzip.open if path.name.lower().endswith(".gz") else open
    # A record without an id is "folder/file.jsonl:LINE" (a .gz file as the .jsonl it holds).
    stem = _file_id(path, root)
    stem = stem[:-3] if stem.lower().endswith(".gz") else stem
    # The file itself, however it was spelled (relative, absolute, through a link), and the id an id-less
    # record gets: the same file given as corpus.jsonl.gz and as /abs/corpus.jsonl.gz is skipped fast
    # either way (one spelling re-read every record: 49-62 s against 1.8 s on news-20k).
    where = f"{os.path.realpath(path)}\x00{stem}"
    lineno = 0
    with opener(path, "rb") as fh:
        for lineno, raw in numbered_lines(fh, MAX_RECORD_BYTES):
            if raw is None:
                yield Skipped(_shown(path), f"dòng quá dài (hơn {MAX_RECORD_BYTES // (1024 * 1024)} MB)", lineno)
                continue
            key = raw_key(where, lineno, raw)
            seen = known.get(key) if known else None
            if seen is not None:
                yield Unchanged(*seen)
                continue
            try:
                rec = json.loads(raw.decode("utf-8"))
            except RecursionError:
                yield Skipped(_shown(path), "JSON lồng quá sâu", lineno)
                continue
            except UnicodeDecodeError:
                yield Skipped(_shown(path), "dòng không phải UTF-8", lineno)
                continue
            except json.JSONDecodeError as exc:
                yield Skipped(_shown(path), f"JSON hỏng: {json_reason(exc)}", lineno)
                continue
            try:
                article = article_from_record(rec, f"{stem}:{lineno}", _shown(path))
                article.line = lineno
                article.raw_key = key
                yield article
            except ValueError as exc:
                yield Skipped(_shown(path), str(exc), lineno)
    if not lineno:  # nothing but blank lines, however many
        yield Skipped(_shown(path), "tệp rỗng (không có dòng nào có dữ liệu)")


def _reader_for(path: Path):
    name = path.name.lower()
    if name.endswith(JSONL_SUFFIXES):
        return _read_jsonl
    if name.endswith(HTML_SUFFIXES):
        return _read_html_file
    if name.endswith(TEXT_SUFFIXES):
        return _read_text_file
    return None


def _walk(root: Path) -> Iterator[Path | Skipped]:
    """Files under a folder in sorted order; symlink loops and unreadable folders are reported, not followed."""
    seen: set[tuple[int, int]] = set()
    stack = [root]
    while stack:
        folder = stack.pop()
        try:
            st = folder.stat()
        except OSError as exc:
            yield Skipped(_shown(folder), f"không đọc được thư mục ({exc.strerror})")
            continue
        key = (st.st_dev, st.st_ino)
        if key in seen:
            yield Skipped(_shown(folder), "vòng lặp liên kết tượng trưng, bỏ qua")
            continue
        seen.add(key)
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError as exc:
            yield Skipped(_shown(folder), f"không đọc được thư mục ({exc.strerror})")
            continue
        subdirs = []
        for entry in entries:
            p = Path(entry.path)
            try:
                is_dir = entry.is_dir()
            except OSError:
                is_dir = False
            if is_dir:
                subdirs.append(p)
            elif _reader_for(p) is not None:
                yield p
        stack.extend(reversed(subdirs))


def iter_paths(paths: Iterable[str | os.PathLike]) -> Iterator[tuple[Path, Path | None] | Skipped]:
    """Every readable input file under the given paths, with the root it was found under."""
    for given in paths:
        p = Path(given)
        if not p.exists():
            yield Skipped(_shown(p), "không tồn tại")
        elif p.is_dir():
            for item in _walk(p):
                yield item if isinstance(item, Skipped) else (item, p)
        elif _reader_for(p) is None:
            yield Skipped(_shown(p), "định dạng không hỗ trợ (cần .txt, .html, .htm, .jsonl, .jsonl.gz)")
        else:
            yield (p, None)


def _bounded(a: Article) -> Article | Skipped:
    """The article with its id and title within bounds (see MAX_TITLE_CHARS), or why it cannot be."""
    if len(a.id) > MAX_ID_CHARS:
        return Skipped(a.path or "", f"id dài {len(a.id):,} ký tự (tối đa {MAX_ID_CHARS:,})".replace(",", "."), a.line)
    if len(a.title) > MAX_TITLE_CHARS:
        if len(a.title) + len(a.text) > MAX_ARTICLE_CHARS:
            return Skipped(a.path or "", _TOO_LONG, a.line)
        cut = a.title.rfind(" ", 0, MAX_TITLE_CHARS)
        cut = cut if cut > MAX_TITLE_CHARS // 2 else MAX_TITLE_CHARS
        a.notices.append(f"tiêu đề dài {len(a.title):,} ký tự: giữ {cut:,} ký tự đầu làm tiêu đề, cả tiêu đề vẫn "
                         "được lập chỉ mục trong nội dung".replace(",", "."))
        a.text, a.title = a.title + "\n" + a.text, a.title[:cut].rstrip() + "…"
    return a


def read_file(path: Path, root: Path | None = None, known: dict | None = None) -> Iterator[Article | Skipped | Unchanged]:
    """Articles in one file; problems come back as Skipped items, never as exceptions. `known` maps the
    `raw_key` of JSONL records an earlier run indexed to (id, content hash): those come back as Unchanged."""
    reader = _reader_for(path)
    shown_path = _shown(path)
    try:
        st = path.stat()
        if not stat.S_ISREG(st.st_mode):
            # A FIFO hangs a read forever, /dev/zero never ends: only regular files are read.
            yield Skipped(shown_path, "không phải tệp thường (FIFO, thiết bị, …), bỏ qua")
            return
        size = st.st_size
        if reader is not _read_jsonl and size > MAX_FILE_BYTES:
            yield Skipped(_shown(path), f"tệp quá lớn ({size // (1024 * 1024)} MB > {MAX_FILE_BYTES // (1024 * 1024)} MB)")
            return
        for item in (reader(path, root, known) if reader is _read_jsonl else reader(path, root)):
            yield _bounded(item) if isinstance(item, Article) else item
    except _Unreadable as exc:
        yield Skipped(shown_path, str(exc))
    except PermissionError:
        yield Skipped(shown_path, "không có quyền đọc tệp")
    except (OSError, EOFError, gzip.BadGzipFile) as exc:
        yield Skipped(shown_path, f"lỗi đọc tệp ({getattr(exc, 'strerror', None) or exc})")


def _shown(path) -> str:
    """A path as text that can be stored and printed: a file name's bytes that are not UTF-8 become U+FFFD
    (they came in as surrogates, which Whoosh cannot encode: one such name aborted the whole run)."""
    return str(path).encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def iter_articles(paths: Iterable[str | os.PathLike], known: dict | None = None) -> Iterator[Article | Skipped | Unchanged]:
    """Every article under the given files and folders, in a stable order, with skipped inputs in between
    (and, given `known`, records an earlier run indexed as Unchanged; see `read_file`)."""
    for item in iter_paths(paths):
        if isinstance(item, Skipped):
            yield item
        else:
            yield from read_file(*item, known=known)
