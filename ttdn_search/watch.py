"""Saved searches (`ttdn watch`): a name, a query and filters, kept in the index folder (watches.json);
a run reports, for each, the articles indexed since its previous run, as lines, JSON or a "Tin mới" page.

What "new" means: every commit stamps the articles it indexes (FORMAT.md "Indexed at"), each commit later
than the one before; a run remembers the latest stamp it saw and the next reports what is stamped after
it. The stamps and watches.json survive `--rebuild` (an article rebuilt unchanged keeps its stamp), so a
rebuild reports nothing new. watches.json is the user's data, not derived: a damaged one is reported and
never overwritten; it is written to a temporary file, synced and renamed into place, under a lock of its
own (`NAME/.watches.lock`), so two commands never lose each other's change.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import time
import unicodedata
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path

from ttdn_search.errors import BadQuery, IndexMissing, TtdnError, shown
from ttdn_search.filters import Filters
from ttdn_search.folder import has_index, named, run_lock

WATCH_FILE = "watches.json"
FILE_VERSION = 1
MAX_NAME_CHARS = 100
_NAME = re.compile(r"[^\W_][\w.-]*")  # letters (Vietnamese too), digits, then also '.', '-', '_'


@dataclass
class Watch:
    name: str
    query: str
    filters: list[list[str]] = field(default_factory=list)  # Filters.pairs()
    created: str = ""
    seen: int = 0  # the latest commit stamp the last run saw: the next reports what is stamped after it
    last_run: str | None = None

    def to_filters(self) -> Filters:
        f = Filters()
        for name, value in self.filters:
            f.add(name, value)
        return f

    def describe(self) -> str:
        shown_filters = " ".join(f"{n}:{v}" for n, v in self.filters)
        return f"«{self.query}»" + (f" [{shown_filters}]" if shown_filters else "") if self.query else (
            f"[{shown_filters}]" if shown_filters else "(mọi bài)")


@dataclass
class WatchNews:
    """One saved search's run: since when, and what is new."""

    watch: Watch
    since: str  # ISO time
    result: object  # SearchResult
    latest: int = 0  # the latest commit stamp of the index the run read

    def to_json(self) -> dict:
        res = self.result.to_json()
        return {"name": self.watch.name, "query": self.watch.query, "filters": dict_filters(self.watch),
                "since": self.since, "new": res["total"], "groups": res["groups"], "hits": res["hits"]}


def dict_filters(w: Watch) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for name, value in w.filters:
        out.setdefault(name, []).append(value)
    return out


def _path(index_dir: Path) -> Path:
    return named(Path(index_dir)) / WATCH_FILE


def saved_watches(index_dir: Path) -> dict[str, Watch]:
    """`ttdn watch list`: the saved searches of an index (IndexMissing when there is no index)."""
    _require_index(index_dir)
    return read_watches(index_dir)


def _require_index(index_dir: Path) -> None:
    if not has_index(named(Path(index_dir))):
        raise IndexMissing(f"Không tìm thấy chỉ mục tại '{index_dir}'. Hãy tạo bằng: ttdn index ĐƯỜNG_DẪN --index {index_dir}")


def read_watches(index_dir: Path) -> dict[str, Watch]:
    """The saved searches of an index folder ({} when there are none yet)."""
    path = _path(index_dir)
    try:
        raw = path.read_text("utf-8")
    except FileNotFoundError:
        return {}
    except (OSError, UnicodeDecodeError) as exc:
        raise TtdnError(f"Không đọc được tệp tìm kiếm đã lưu '{path}': {exc}.") from exc
    try:
        doc = json.loads(raw)
        if not isinstance(doc, dict) or doc.get("version") != FILE_VERSION or not isinstance(doc.get("watches"), list):
            raise ValueError("không đúng cấu trúc")
        out = {}
        for item in doc["watches"]:
            w = Watch(**item)
            if not (isinstance(w.name, str) and isinstance(w.query, str) and type(w.seen) is int
                    and isinstance(w.created, str) and (w.last_run is None or isinstance(w.last_run, str))
                    and isinstance(w.filters, list)
                    and all(isinstance(p, list) and len(p) == 2 and all(isinstance(x, str) for x in p) for p in w.filters)):
                raise ValueError("một mục không đúng kiểu")
            out[w.name] = w
        return out
    except (ValueError, TypeError, RecursionError) as exc:
        raise TtdnError(f"Tệp tìm kiếm đã lưu '{path}' bị hỏng ({exc}); ttdn không ghi đè lên nó. Hãy sửa tệp, "
                        "hoặc xoá nó (mất các tìm kiếm đã lưu) rồi thêm lại bằng ttdn watch add.") from None


def write_watches(index_dir: Path, watches: dict[str, Watch]) -> None:
    """watches.json, written whole to a temporary file, synced, then renamed into place."""
    data = json.dumps({"version": FILE_VERSION, "watches": [asdict(w) for w in watches.values()]},
                      ensure_ascii=False, indent=1)
    _write_durably(_path(index_dir), data.encode("utf-8"))


def _write_durably(path: Path, data: bytes) -> None:
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)
    with contextlib.suppress(OSError):  # the rename itself, durable
        fd = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _locked(index_dir: Path):
    _require_index(index_dir)
    return run_lock(index_dir, inside=LOCK_NAME, busy=_BUSY)


LOCK_NAME = ".watches.lock"
_BUSY = "có danh sách tìm kiếm đã lưu đang được một lệnh 'ttdn watch' khác ghi"
# How long a finished rebuild waits for a `ttdn watch` command to let go of the saved searches.
REBUILD_LOCK_WAIT = 600.0


def _now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S%z")


def add_watch(searcher, name: str, query: str, filters: Filters | None) -> Watch:
    """Save a search under a new name; what its first run reports is what is indexed after now."""
    name, query = unicodedata.normalize("NFC", name), unicodedata.normalize("NFC", query)
    if not _NAME.fullmatch(name) or len(name) > MAX_NAME_CHARS:
        raise BadQuery(f"Tên {shown(name)} không dùng được: dùng chữ, số, '.', '-' hoặc '_' (bắt đầu bằng chữ hoặc "
                       f"số, tối đa {MAX_NAME_CHARS} ký tự), chẳng hạn: ket-luan-57.")
    filters = filters or Filters()
    searcher.search(query, filters=filters, limit=0, facets=False)  # a query that cannot run is refused now
    w = Watch(name, query, [list(p) for p in filters.pairs()], _now(), searcher.segments.latest_stamp())
    with _locked(searcher.index_dir):
        watches = read_watches(searcher.index_dir)
        if name in watches:
            raise TtdnError(f"Đã có tìm kiếm lưu tên «{name}»: {watches[name].describe()}. Xoá trước bằng: "
                            f"ttdn watch rm {name}")
        watches[name] = w
        write_watches(searcher.index_dir, watches)
    return w


def remove_watch(index_dir: Path, name: str) -> Watch:
    name = unicodedata.normalize("NFC", name)
    with _locked(index_dir):
        watches = read_watches(index_dir)
        if name not in watches:
            raise TtdnError(_unknown(name, watches))
        gone = watches.pop(name)
        write_watches(index_dir, watches)
    return gone


def _unknown(name: str, watches: dict) -> str:
    have = ", ".join(sorted(watches)[:20]) or "chưa có tìm kiếm nào được lưu"
    return f"Không có tìm kiếm lưu tên «{name}» (đã lưu: {have})."


def parse_since(text: str) -> int:
    """A commit stamp for `--since`: a date (2026-12-01), a time (2026-12-01T08:00), or a span back from
    now (24h, 7d); the articles indexed at or after it are new."""
    text = text.strip()
    m = re.fullmatch(r"(\d{1,6})\s*([hd]|giờ|ngày)", text, re.IGNORECASE)
    try:
        if m:
            n, unit = int(m.group(1)), m.group(2).lower()
            return int(time.time()) - n * (3600 if unit in ("h", "giờ") else 86400) - 1
        return int(datetime.fromisoformat(text).timestamp()) - 1
    except (ValueError, OverflowError, OSError):
        raise BadQuery(f"--since {shown(text)} không đọc được: dùng một ngày (2026-12-01), một thời điểm "
                       "(2026-12-01T08:00) hoặc một khoảng lùi từ bây giờ (24h, 7d).") from None


def _iso(stamp: int) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S%z", time.localtime(stamp)) if stamp > 0 else ""


def run_watches(searcher, names=(), since: int | None = None, limit: int = 20) -> list[WatchNews]:
    """What is new for each saved search (the named ones, else all): what the search finds in the whole
    index (its reading and strictness chosen there, as `ttdn search` would) that was indexed after its last
    run, or after `since` (parse_since). Newest first, one article per group of copies. Nothing is
    recorded here: `record_runs` does that once the caller has shown the news."""
    out = []
    watches = read_watches(searcher.index_dir)
    names = [unicodedata.normalize("NFC", n) for n in names]
    for name in names:
        if name not in watches:
            raise TtdnError(_unknown(name, watches))
    latest = searcher.segments.latest_stamp()
    for w in (watches[n] for n in names) if names else watches.values():
        after = w.seen if since is None else since
        try:
            res = searcher.search(w.query, filters=w.to_filters(), limit=limit, sort="date", facets=False,
                                  within=searcher.segments.indexed_after(after))
        except BadQuery as exc:  # a saved filter this version no longer reads: the data's fault, not usage
            raise TtdnError(f"Tìm kiếm lưu «{w.name}» không chạy được: {exc} Sửa hoặc xoá nó: ttdn watch rm {w.name}") from None
        out.append(WatchNews(w, _iso(after + 1) if after else "", res, latest))
    return out


def record_runs(index_dir: Path, news: list[WatchNews]) -> None:
    """Remember, for each saved search that was run and shown, the latest stamp its run saw: the next run
    reports what is indexed after it. Called after the news was written out, so a failed output (a page
    that cannot be written, a closed pipe) loses nothing."""
    if not news:
        return
    with _locked(index_dir):
        watches = read_watches(index_dir)  # again: another command may have changed the file meanwhile
        for n in news:
            w = watches.get(n.watch.name)
            if w is not None:
                w.seen, w.last_run = max(w.seen, n.latest), _now()
        write_watches(index_dir, watches)


def kept_stamps(folder: Path):
    """When each live article of the index being rebuilt was first indexed, by (tie key, copy signature):
    an article rebuilt unchanged keeps its stamp, so `ttdn watch` does not see it as new. None when there
    is no readable index."""
    import zlib

    import numpy as np

    from ttdn_search.engine.bitmaps import members
    from ttdn_search.folder import open_store

    keys, stamps = [], []
    try:
        reader = open_store(folder).reader()
        try:
            view = reader.segments()
            try:
                for comp, offset in view.parts:
                    sigs = comp.all_signatures()
                    width = len(sigs) // comp.ndocs if comp.ndocs else 0
                    for d in members(view.live >> offset & comp.everything):
                        keys.append(comp.ties[d] << 32 | zlib.crc32(sigs[d * width : (d + 1) * width]))
                        stamps.append(comp.added[d])
            finally:
                view.close()
        finally:
            reader.close()
    except (TtdnError, OSError):  # a damaged index: the rebuild that mends it loses the stamps, not its run
        return None
    order = np.argsort(np.array(keys, dtype=np.uint64), kind="stable")
    keys_a, stamps_a = np.array(keys, dtype=np.uint64)[order], np.array(stamps, dtype=np.uint32)[order]

    def kept(tie: int, sig: bytes) -> int:
        key = np.uint64(tie << 32 | zlib.crc32(sig))
        i = int(np.searchsorted(keys_a, key))
        return int(stamps_a[i]) if i < len(keys_a) and keys_a[i] == key else 0

    return kept if keys else None


@contextlib.contextmanager
def kept_through_swap(old_folder: Path, new_folder: Path):
    """A rebuild keeps the saved searches: the old folder's watches.json goes into the new one, and the
    folders are swapped inside the block, under the watches lock (a `ttdn watch` change made meanwhile
    waits for the swap, and is never written into the folder being replaced)."""
    old = named(Path(old_folder))
    if not old.is_dir():  # a first build with --rebuild: nothing to keep
        yield
        return
    # Whatever state the old index is in (a damaged one is what --rebuild mends), its saved searches are
    # kept; a `ttdn watch` holds the lock for seconds, the rebuild waits for it rather than be thrown away.
    with run_lock(old, wait=REBUILD_LOCK_WAIT, inside=LOCK_NAME, busy=_BUSY):
        src = old / WATCH_FILE
        if src.is_file():
            _write_durably(Path(new_folder) / WATCH_FILE, src.read_bytes())
        yield
