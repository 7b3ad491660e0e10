"""Build and update the index: ingest, tag and segment in worker processes; one writer commits in batches.

Crash safety: Whoosh writes a new segment and then its table of contents, so a commit is all or nothing.
Articles are committed every `batch_size` documents (env `TTDN_BATCH_SIZE`, default 10,000); a run that is
killed loses at most the current batch, and the next run skips what was committed (content hash) and
completes the job. `--rebuild` builds a new index beside the old one and swaps it in only when complete.
One run at a time: every run holds a lock on `.NAME.lock` beside the index folder NAME (see `run_lock`);
readers take no lock.
See docs/reliability.md.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterable, Iterator

from ttdn_search.errors import IndexLocked, IndexMissing, SchemaMismatch, TtdnError
if TYPE_CHECKING:
    from ttdn_search.ingest import Article, Skipped

META_FILE = "ttdn.json"
DEFAULT_BATCH = 10000
# When runs have left more segments than this, the smallest are merged into one (see `_merge_small`).
MAX_SEGMENTS = 12
# Seconds a second index run waits for the first one before it refuses (env TTDN_LOCK_WAIT).
DEFAULT_LOCK_WAIT = 5.0


@dataclass
class IndexReport:
    """What one index run did."""

    added: int = 0
    updated: int = 0
    unchanged: int = 0
    duplicates: int = 0
    skipped: list[Skipped] = field(default_factory=list)
    total: int = 0
    seconds: float = 0.0

    def to_json(self) -> dict:
        return {
            "added": self.added,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "duplicates": self.duplicates,
            "skipped": [{"path": s.path, "line": s.line, "reason": s.reason} for s in self.skipped],
            "total": self.total,
            "seconds": round(self.seconds, 3),
        }


def default_index_dir() -> Path:
    return Path(os.environ.get("TTDN_INDEX") or "index")


# ---------------------------------------------------------------------------------------------
# Index metadata and opening


def read_meta(index_dir: Path) -> dict:
    try:
        return json.loads((index_dir / META_FILE).read_text("utf-8"))
    except (OSError, ValueError):
        return {}


def _write_meta(index_dir: Path, **changes) -> None:
    from ttdn_search.schema import SCHEMA_VERSION

    meta = read_meta(index_dir)
    meta.setdefault("created", time.strftime("%Y-%m-%dT%H:%M:%S%z"))
    meta.update(changes)
    meta["schema_version"] = SCHEMA_VERSION
    tmp = index_dir / (META_FILE + ".tmp")
    tmp.write_text(json.dumps(meta, ensure_ascii=False, indent=1), "utf-8")
    os.replace(tmp, index_dir / META_FILE)


def _named(index_dir: Path) -> Path:
    """The folder with a name of its own ('.' and '..' have none), for the files kept beside it."""
    index_dir = Path(index_dir)
    return index_dir if index_dir.name not in ("", ".", "..") else Path(os.path.abspath(index_dir))


def _old_dir(index_dir: Path) -> Path:
    index_dir = _named(index_dir)
    return index_dir.with_name(index_dir.name + ".old")


def _recover_swap(index_dir: Path) -> None:
    """Finish or undo what a crashed run left beside the index; only called under the run lock."""
    old = _old_dir(index_dir)
    if old.exists():
        if _has_index(old) and not _has_index(index_dir):
            # Killed between the two renames of a swap: the previous index comes back.
            shutil.rmtree(index_dir, ignore_errors=True)
            os.replace(old, index_dir)
        else:
            shutil.rmtree(old, ignore_errors=True)
    # A rebuild killed before its swap leaves its half-built folder; the run lock says none is running.
    named = _named(index_dir)
    for stale in named.parent.glob(f"{named.name}.building-*"):
        shutil.rmtree(stale, ignore_errors=True)


def _has_index(folder: Path) -> bool:
    """True when the folder holds a committed Whoosh index (a table of contents).

    Only the file names are looked at: Whoosh's own `exists_in` unpickles the schema, which fails with an
    AttributeError on an index written by a version of ttdn-search whose schema classes no longer exist,
    before the schema version could say so (see `open_index`)."""
    try:
        return folder.is_dir() and any(folder.glob("_MAIN_*.toc"))
    except OSError:
        return False


def readable_dir(index_dir: Path) -> Path:
    """The folder to read: the index, or during a rebuild's swap (a few microseconds) the previous one."""
    index_dir = Path(index_dir)
    if not _has_index(index_dir) and _has_index(_old_dir(index_dir)):
        return _old_dir(index_dir)
    return index_dir


def open_index(index_dir: Path):
    """Open an existing index for reading; clear errors when it is missing or from another schema."""
    from whoosh import index as windex

    from ttdn_search.schema import SCHEMA_VERSION

    index_dir = readable_dir(Path(index_dir))
    if not _has_index(index_dir):
        raise IndexMissing(
            f"Không tìm thấy chỉ mục tại '{index_dir}'. Hãy tạo bằng: ttdn index ĐƯỜNG_DẪN --index {index_dir}"
        )
    version = read_meta(index_dir).get("schema_version")
    if version != SCHEMA_VERSION:
        # Never read an index of another schema: its fields would be misread, silently.
        if isinstance(version, int) and version > SCHEMA_VERSION:
            which = f"một phiên bản ttdn-search mới hơn (lược đồ {version}, bản này đọc lược đồ {SCHEMA_VERSION})"
        elif version is None:
            which = f"một phiên bản ttdn-search cũ (không có {META_FILE} ghi số lược đồ)"
        else:
            which = f"một phiên bản ttdn-search cũ hơn (lược đồ {version}, cần {SCHEMA_VERSION})"
        raise SchemaMismatch(
            f"Chỉ mục '{index_dir}' được tạo bởi {which}. "
            f"Hãy lập lại chỉ mục: ttdn index ĐƯỜNG_DẪN --rebuild --index {index_dir}"
        )
    for attempt in range(5):
        try:
            return windex.open_dir(str(index_dir))
        except OSError:
            # A concurrent commit deleted the table of contents we were about to read: read the new one.
            if attempt == 4:
                raise
            time.sleep(0.05)
        except Exception as exc:  # whoosh raises many types for a damaged index
            raise TtdnError(f"Không mở được chỉ mục '{index_dir}': {exc}. Hãy chạy lại với --rebuild.") from exc


# File descriptors of run locks held by this process; forked workers close their copies (see _worker_init).
_HELD_LOCKS: set[int] = set()


def lock_path(index_dir: Path) -> Path:
    index_dir = _named(index_dir)
    return index_dir.with_name(f".{index_dir.name}.lock")


class run_lock:
    """Exclusive right to write an index folder, held for a whole `ttdn index` run (rebuild included).

    An advisory lock (flock) on `.NAME.lock` beside the folder, not inside it, because a rebuild swaps the
    folder. The kernel drops the lock when the process dies, so a killed run never leaves a stale lock.
    """

    def __init__(self, index_dir: Path, wait: float | None = None):
        self.index_dir = Path(index_dir)
        if wait is None:
            wait = float(os.environ.get("TTDN_LOCK_WAIT") or DEFAULT_LOCK_WAIT)
        self.wait = wait
        self.fd: int | None = None

    def __enter__(self):
        try:
            import fcntl
        except ImportError:  # no flock (Windows): Whoosh's own writer lock still serialises commits
            return self
        deadline = time.monotonic() + self.wait
        while True:
            self.index_dir.parent.mkdir(parents=True, exist_ok=True)
            path = lock_path(self.index_dir)
            fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                os.close(fd)
                if time.monotonic() >= deadline:
                    raise IndexLocked(
                        f"Chỉ mục '{self.index_dir}' đang được một lần chạy 'ttdn index' khác ghi{self._holder(path)}. "
                        "Hãy đợi lần chạy đó xong rồi thử lại."
                    ) from None
                time.sleep(0.1)
                continue
            try:
                same = os.fstat(fd).st_ino == os.stat(path).st_ino
            except OSError:
                same = False
            if not same:  # someone removed the lock file while we waited
                os.close(fd)
                continue
            os.ftruncate(fd, 0)
            os.write(fd, str(os.getpid()).encode())
            self.fd = fd
            _HELD_LOCKS.add(fd)
            return self

    @staticmethod
    def _holder(path: Path) -> str:
        with contextlib.suppress(OSError, ValueError):
            return f" (tiến trình {int(path.read_text().strip())})"
        return ""

    def __exit__(self, *exc):
        if self.fd is not None:
            _HELD_LOCKS.discard(self.fd)
            os.close(self.fd)
            self.fd = None


# ---------------------------------------------------------------------------------------------
# Document preparation (runs in worker processes)


def prepare(article: Article) -> dict:
    """Every field value of one article's index document, tags and segmentation included; the keys
    starting with "_" are its companion entries (see companion.py), not Whoosh fields."""
    from ttdn_search.analysis import segment_words, syllable_keys
    from ttdn_search.companion import date_int, doc_keys, fold_keys, pack_views
    from ttdn_search.extract import tag
    from ttdn_search.facets import facet_values

    tags = tag(article)
    values = facet_values(tags)
    title_fold = fold_keys(syllable_keys(article.title))
    body_fold = fold_keys(syllable_keys(article.text))
    title_words, body_words = segment_words(article.title), segment_words(article.text)
    date = tags.date or ""
    keys, pairs, counts = doc_keys(title_fold, body_fold, date, values)
    return {
        "id": article.id,
        "title": article.title,
        "text": article.text,
        "date": date,
        "source": article.source,
        "url": article.url,
        "path": article.path,
        "tags": tags.to_json(),
        "content_hash": article.content_hash,
        "idhash": f"{article.id}\x1f{article.content_hash}",
        "rawkey": f"{article.raw_key}\x1f{article.id}\x1f{article.content_hash}" if article.raw_key else None,
        "_keys": keys,
        "_words": list(set(title_words.split()).union(body_words.split())),
        "_pairs": pairs,
        "_view": pack_views(title_fold, body_fold, f"{title_words}\n{body_words}", values, counts),
        "_date": date_int(date),
    }


def _prepare_safe(article: Article) -> dict | Skipped:
    try:
        return prepare(article)
    except Exception as exc:  # one bad article must not stop the run
        from ttdn_search.ingest import Skipped

        return Skipped(article.path or article.id, f"lỗi khi phân tích bài '{article.id}': {exc!r}")


def _worker_init(parent: int) -> None:
    # A forked worker shares the run lock's open file; were the parent killed, a worker that outlived it
    # would keep the index locked. Closing the worker's copy leaves the parent's lock in force.
    for fd in list(_HELD_LOCKS):
        with contextlib.suppress(OSError):
            os.close(fd)
    _HELD_LOCKS.clear()
    # On Linux, die with the parent rather than finish a chunk and print a BrokenPipeError traceback.
    with contextlib.suppress(Exception):
        import ctypes
        import signal

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    if os.getppid() != parent:
        os._exit(1)


def _prepared(articles: Iterator[Article], jobs: int) -> Iterator[dict | Skipped]:
    if jobs <= 1:
        for a in articles:
            yield _prepare_safe(a)
        return
    import multiprocessing as mp

    # fork shares the loaded model pages with the workers; spawn would reload everything per worker.
    ctx = mp.get_context("fork")
    with ctx.Pool(jobs, initializer=_worker_init, initargs=(os.getpid(),)) as pool:
        yield from pool.imap(_prepare_safe, articles, chunksize=16)


# ---------------------------------------------------------------------------------------------
# Building


def _existing_hashes(ix) -> tuple[dict[str, str], dict[str, tuple[str, str]]]:
    """id -> content hash of every committed document, and raw key -> (id, hash) of the JSONL records
    they came from, read from the lexicon (no stored fields)."""
    out: dict[str, str] = {}
    raw: dict[str, tuple[str, str]] = {}
    stale: set[str] = set()
    with ix.searcher() as s:
        reader = s.reader()
        fields = set(reader.indexed_field_names())  # an iterator: "in" would consume it
        if "idhash" not in fields:
            return out, raw
        for term in reader.lexicon("idhash"):
            key = term.decode("utf-8")
            doc_id, _, digest = key.rpartition("\x1f")
            if doc_id in out:
                stale.add(doc_id)
            out[doc_id] = digest
        # Deleted documents keep their terms until a merge: ask which hash is live for the few ids updated.
        for doc_id in stale:
            docnum = s.document_number(id=doc_id)
            out[doc_id] = reader.stored_fields(docnum).get("content_hash", "") if docnum is not None else ""
        if "rawkey" in fields:
            for term in reader.lexicon("rawkey"):
                key, doc_id, digest = term.decode("utf-8").split("\x1f", 2)
                # Only records whose content is what the index holds now (not a deleted older version).
                if out.get(doc_id) == digest:
                    raw[key] = (doc_id, digest)
    return out, raw


def _create(index_dir: Path):
    from whoosh import index as windex

    from ttdn_search.schema import build_schema

    index_dir.mkdir(parents=True, exist_ok=True)
    # Metadata first: a run killed between the two leaves a folder the next run simply creates again,
    # never an index without its schema version (which would read as "written by another version").
    _write_meta(index_dir, updated=time.strftime("%Y-%m-%dT%H:%M:%S%z"), articles=0)
    return windex.create_in(str(index_dir), build_schema())


def batch_size_from_env() -> int:
    """Documents per commit: TTDN_BATCH_SIZE (a developer knob; tests use small batches), else 10,000.

    Each commit is a segment, and Whoosh merges segments slowly (about 9 ms per article), so a fresh
    build writes few large segments and never merges them; searching ten segments costs little more
    than searching one (companion bitmaps are shifted and ORed).
    """
    try:
        return max(1, int(os.environ.get("TTDN_BATCH_SIZE") or DEFAULT_BATCH))
    except ValueError:
        return DEFAULT_BATCH


def build_index(
    paths: Iterable[str | os.PathLike],
    index_dir: str | os.PathLike | None = None,
    rebuild: bool = False,
    jobs: int | None = None,
    batch_size: int | None = None,
    progress: Callable[[int], None] | None = None,
    on_skip: Callable[[Skipped], None] | None = None,
    lock_wait: float | None = None,
) -> IndexReport:
    """Index every article under paths into index_dir, updating articles already there.

    Raises IndexLocked when another run holds the index for longer than lock_wait seconds.
    """
    index_dir = Path(index_dir) if index_dir is not None else default_index_dir()
    batch_size = batch_size or batch_size_from_env()
    with run_lock(index_dir, lock_wait):
        _recover_swap(index_dir)
        if rebuild:
            named = _named(index_dir)
            target = named.with_name(f"{named.name}.building-{os.getpid()}")
            shutil.rmtree(target, ignore_errors=True)
            report = _build_into(paths, target, True, jobs, batch_size, progress, on_skip)
            try:
                _swap(target, named)
            except OSError as exc:  # e.g. the folder is busy as a mount point
                raise TtdnError(
                    f"Không thay được chỉ mục '{index_dir}' bằng bản vừa xây ({exc.strerror}); "
                    f"bản mới nằm ở '{target}', bản cũ vẫn giữ nguyên."
                ) from exc
            return report
        return _build_into(paths, index_dir, False, jobs, batch_size, progress, on_skip)


def _swap(new: Path, index_dir: Path) -> None:
    old = _old_dir(index_dir)
    shutil.rmtree(old, ignore_errors=True)
    # The folder may carry a README of its own (the repository's index/ does); it survives a rebuild.
    if (index_dir / "README.md").is_file():
        shutil.copy2(index_dir / "README.md", new / "README.md")
    if index_dir.exists():
        os.replace(index_dir, old)
    # Between these two renames readers fall back to the .old folder (readable_dir) and a killed run
    # is undone by the next one (_recover_swap).
    os.replace(new, index_dir)
    shutil.rmtree(old, ignore_errors=True)


def _build_into(paths, index_dir: Path, fresh: bool, jobs, batch_size, progress, on_skip) -> IndexReport:
    from whoosh.writing import LockError

    from ttdn_search.ingest import Skipped, Unchanged, iter_articles

    start = time.perf_counter()
    report = IndexReport()
    if fresh or not _has_index(index_dir):
        ix = _create(index_dir)
    else:
        ix = open_index(index_dir)
    existing, known_raw = _existing_hashes(ix)
    jobs = jobs or os.cpu_count() or 1
    segments_before = {seg.segment_id() for seg in ix._segments()}
    start_generation = ix.latest_generation()

    seen: dict[str, str] = {}

    def to_index() -> Iterator[Article]:
        for item in iter_articles(paths, known_raw):
            if isinstance(item, Skipped):
                report.skipped.append(item)
                if on_skip:
                    on_skip(item)
                continue
            if isinstance(item, Unchanged):
                if item.id in seen:
                    if seen[item.id] == item.content_hash:
                        report.duplicates += 1
                    else:
                        sk = Skipped(item.id, f"trùng id '{item.id}' với một bài trước trong lần chạy này; giữ bài đầu")
                        report.skipped.append(sk)
                        if on_skip:
                            on_skip(sk)
                    continue
                seen[item.id] = item.content_hash
                report.unchanged += 1
                if progress:
                    progress(1)
                continue
            if item.id in seen:
                if seen[item.id] == item.content_hash:
                    # The same record twice (an export that repeats itself): one article, nothing lost.
                    report.duplicates += 1
                    continue
                sk = Skipped(item.path or item.id, f"trùng id '{item.id}' với một bài trước trong lần chạy này; giữ bài đầu",
                             item.line)
                report.skipped.append(sk)
                if on_skip:
                    on_skip(sk)
                continue
            seen[item.id] = item.content_hash
            if existing.get(item.id) == item.content_hash:
                report.unchanged += 1
                if progress:
                    progress(1)
                continue
            yield item

    writer = None
    pending = 0
    try:
        for doc in _prepared(to_index(), jobs):
            if isinstance(doc, Skipped):
                report.skipped.append(doc)
                if on_skip:
                    on_skip(doc)
                continue
            if writer is None:
                writer = _writer(ix, LockError, index_dir)
            update = doc["id"] in existing
            writer.add_prepared(doc, update)
            if update:
                report.updated += 1
            else:
                report.added += 1
            existing[doc["id"]] = doc["content_hash"]
            pending += 1
            if progress:
                progress(1)
            if pending >= batch_size:
                writer.commit()
                writer, pending = None, 0
        if writer is not None:
            writer.commit()
            writer = None
        small = _merge_small(ix._segments())
        if small:
            writer = _writer(ix, LockError, index_dir)
            writer.commit(merge=small)
            writer = None
    finally:
        if writer is not None:
            writer.cancel()
    if not (report.added or report.updated):
        _tidy(ix, index_dir)
    generation = ix.latest_generation()
    with ix.searcher() as s:
        report.total = s.doc_count()
        # The vocabulary follows the committed generation, so a run killed after a commit and before this
        # point gets its vocabulary from the next run even when that run finds nothing to change.
        if read_meta(index_dir).get("vocab_generation") != generation or not (index_dir / "vocab.json").exists():
            from ttdn_search.suggest import write_vocab

            from ttdn_search.companion import Segments

            view = Segments(s.reader(), ix.storage.folder)
            try:
                now = set(view.segment_ids)
                # Only added segments, no merge, and the previous vocabulary matches the generation this
                # run started from: update it with the new segments' words; otherwise read them all.
                incremental = (
                    not fresh and segments_before <= now
                    and read_meta(index_dir).get("vocab_generation") == start_generation
                )
                new = [comp for (comp, _), sid in zip(view.parts, view.segment_ids) if sid not in segments_before]
                write_vocab(index_dir, view.iter_words(), new if incremental else None)
            finally:
                view.close()
    _write_meta(index_dir, updated=time.strftime("%Y-%m-%dT%H:%M:%S%z"), articles=report.total,
                vocab_generation=generation)
    report.seconds = time.perf_counter() - start
    return report


def _merge_small(segments) -> list:
    """The segments to merge after a run: none while there are at most MAX_SEGMENTS, else the smallest
    ones, so that MAX_SEGMENTS // 2 remain (small incremental runs add up; big segments stay as they are)."""
    if len(segments) <= MAX_SEGMENTS:
        return []
    by_size = sorted(segments, key=lambda seg: seg.doc_count())
    return by_size[: len(segments) - MAX_SEGMENTS // 2 + 1]


def _tidy(ix, index_dir: Path) -> None:
    """Remove what a killed run left in the folder when this run commits nothing (a commit would do it).

    A half-written segment and a table of contents never renamed into place are unreferenced files;
    readers never open them, and the run lock says no writer is producing them now.
    """
    from whoosh.index import clean_files

    with contextlib.suppress(OSError):
        clean_files(ix.storage, ix.indexname, ix.latest_generation(), ix._segments())
    for temp in index_dir.glob(f"_{ix.indexname}_*.toc.*"):
        with contextlib.suppress(OSError):
            temp.unlink()


def _writer(ix, lock_error, index_dir: Path):
    from ttdn_search.writer import TtdnWriter

    try:
        return TtdnWriter(ix, timeout=5.0)
    except lock_error as exc:
        raise IndexLocked(
            f"Chỉ mục '{index_dir}' đang được một lần chạy 'ttdn index' khác ghi. Hãy đợi lần chạy đó xong rồi thử lại."
        ) from exc
