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
import errno
import os
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterable, Iterator

from ttdn_search.engine.derived import words_of, write_facets_after, write_groups_after, write_vocab_after
from ttdn_search.engine.merging import DEFAULT_BATCH, merge_small
from ttdn_search.engine.vocab import read_vocab
from ttdn_search.errors import NothingToIndex, TtdnError
from ttdn_search.folder import (
    HELD_LOCKS, default_index_dir, has_index, named, open_store, read_meta, recover_swap, refuse_damaged, run_lock,
    swap, write_meta,
)

if TYPE_CHECKING:
    from ttdn_search.ingest import Article, Notice, Skipped



@dataclass
class IndexReport:
    """What one index run did."""

    added: int = 0
    updated: int = 0
    unchanged: int = 0
    duplicates: int = 0
    skipped: list[Skipped] = field(default_factory=list)
    # Records indexed with something left out (a date that does not exist), each said once.
    notices: list[Notice] = field(default_factory=list)
    total: int = 0
    seconds: float = 0.0

    def to_json(self) -> dict:
        return {
            "added": self.added,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "duplicates": self.duplicates,
            "skipped": [{"path": s.path, "line": s.line, "reason": s.reason} for s in self.skipped],
            "notices": [{"path": s.path, "line": s.line, "reason": s.reason} for s in self.notices],
            "total": self.total,
            "seconds": round(self.seconds, 3),
        }


# ---------------------------------------------------------------------------------------------
# Document preparation (runs in worker processes)


def prepare(article: Article) -> dict:
    """Every field value of one article's index document, tags and segmentation included; the keys
    starting with "_" are its companion entries (engine/format.py), not Whoosh fields."""
    from ttdn_search.analysis import keys_and_words
    from ttdn_search.engine.copies import signature, text_shingles
    from ttdn_search.engine.format import date_int, doc_keys, fold_keys, pack_views, tie_key
    from ttdn_search.engine.whoosh_store import idhash_term, rawkey_term
    from ttdn_search.extract import tag
    from ttdn_search.facets import facet_values

    tags = tag(article)
    values = facet_values(tags)
    (title_keys, title_words), (body_keys, body_words) = keys_and_words(article.title), keys_and_words(article.text)
    title_fold, body_fold = fold_keys(title_keys), fold_keys(body_keys)
    date = tags.when or ""  # published, else the event's: what filters, sorting and pages use
    keys = doc_keys(title_fold, body_fold, date, values, exact=set(title_keys).union(body_keys))
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
        "idhash": idhash_term(article.id, article.content_hash),
        "rawkey": rawkey_term(article.raw_key, article.id, article.content_hash) if article.raw_key else None,
        "_keys": keys,
        "_words": list(set(title_words.split()).union(body_words.split())),
        "_view": pack_views(title_fold, body_fold, f"{title_words}\n{body_words}", values),
        "_date": date_int(date),
        "_tie": tie_key(article.id),
        "_signature": signature(text_shingles(title_fold, body_fold)),
    }


def _prepare_safe(article: Article) -> dict | Skipped:
    try:
        return prepare(article)
    except Exception as exc:  # one bad article must not stop the run
        from ttdn_search.ingest import Skipped

        return Skipped(article.path or article.id, f"lỗi khi phân tích bài '{article.id}': {exc!r}", article.line,
                       record=True)


def _worker_init(parent: int) -> None:
    # A forked worker shares the run lock's open file; were the parent killed, a worker that outlived it
    # would keep the index locked. Closing the worker's copy leaves the parent's lock in force.
    for fd in list(HELD_LOCKS):
        with contextlib.suppress(OSError):
            os.close(fd)
    HELD_LOCKS.clear()
    # On Linux, die with the parent rather than finish a chunk and print a BrokenPipeError traceback.
    with contextlib.suppress(Exception):
        import ctypes
        import signal

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    if os.getppid() != parent:
        os._exit(1)
    # Ctrl-C is the parent's to handle (its one message); workers printed 49-71 lines of tracebacks.
    with contextlib.suppress(Exception):
        import signal

        signal.signal(signal.SIGINT, signal.SIG_IGN)


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


def _create(index_dir: Path):
    from ttdn_search.engine.whoosh_store import Store

    index_dir.mkdir(parents=True, exist_ok=True)
    # Metadata first: a run killed between the two leaves a folder the next run simply creates again,
    # never an index without its schema version (which would read as "written by another version").
    write_meta(index_dir, updated=time.strftime("%Y-%m-%dT%H:%M:%S%z"), articles=0)
    return Store.create(index_dir)


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
    on_skip: Callable[[Skipped | Notice], None] | None = None,
    lock_wait: float | None = None,
) -> IndexReport:
    """Index every article under paths into index_dir, updating articles already there.

    Raises IndexLocked when another run holds the index for longer than lock_wait seconds.
    """
    # Through a symbolic link the run locks, writes and swaps the folder itself (see folder.named).
    index_dir = named(Path(index_dir) if index_dir is not None else default_index_dir())
    paths = list(paths)
    batch_size = batch_size or batch_size_from_env()
    with run_lock(index_dir, lock_wait):
        recover_swap(index_dir)
        if rebuild:
            folder = named(index_dir)
            target = folder.with_name(f"{folder.name}.building-{os.getpid()}")
            shutil.rmtree(target, ignore_errors=True)
            from ttdn_search.watch import kept_stamps

            try:
                report = _build_into(paths, target, True, jobs, batch_size, progress, on_skip, kept_stamps(folder),
                                     _stamp_of(folder))
            except OSError as exc:
                if exc.errno not in _DISK_FULL:
                    raise
                shutil.rmtree(target, ignore_errors=True)
                raise TtdnError(f"Hết chỗ trống trên đĩa khi xây lại chỉ mục '{index_dir}'. Bản đang xây đã được "
                                "xoá; chỉ mục cũ giữ nguyên như trước. Hãy giải phóng chỗ trống rồi chạy lại.") from None
            except NothingToIndex as exc:
                if has_index(folder):  # the index being rebuilt stays as it was
                    raise NothingToIndex(str(exc).replace(NOTHING_CREATED, f"chỉ mục '{index_dir}' giữ nguyên")) from None
                raise
            from ttdn_search.watch import kept_through_swap

            try:
                with kept_through_swap(folder, target):
                    swap(target, folder)
            except OSError as exc:  # e.g. the folder is busy as a mount point
                raise TtdnError(
                    f"Không thay được chỉ mục '{index_dir}' bằng bản vừa xây ({exc.strerror}); "
                    f"bản mới nằm ở '{target}', bản cũ vẫn giữ nguyên."
                ) from exc
            return report
        before = _doc_count(index_dir)
        try:
            return _build_into(paths, index_dir, False, jobs, batch_size, progress, on_skip)
        except OSError as exc:
            if exc.errno not in _DISK_FULL:
                raise
            raise TtdnError(_disk_full_message(index_dir, before)) from None


_DISK_FULL = (errno.ENOSPC, errno.EDQUOT)


def _doc_count(index_dir: Path) -> int | None:
    if not has_index(index_dir):
        return None
    try:
        return open_store(index_dir).doc_count()
    except (TtdnError, OSError):
        return None


def _disk_full_message(index_dir: Path, before: int | None) -> str:
    """What a run that filled the disk committed, after removing what it left half-written."""
    for tmp in list(index_dir.glob("*.tmp")) + list(index_dir.glob(".*.tmp")):
        with contextlib.suppress(OSError):
            if tmp.is_dir():  # Whoosh's own temporary storage (MAIN.tmp), when the disk filled while it wrote
                shutil.rmtree(tmp)
            else:
                tmp.unlink()
    now = _doc_count(index_dir)
    if now is not None:
        with contextlib.suppress(TtdnError, OSError):
            open_store(index_dir).tidy()  # unreferenced segment files and companions of the failed batch
    head = f"Hết chỗ trống trên đĩa khi ghi chỉ mục '{index_dir}'; các tệp ghi dở đã được xoá."
    if now is None:
        return f"{head} Chưa ghi được bài nào. Hãy giải phóng chỗ trống rồi chạy lại."
    added = now - (before or 0)
    return (f"{head} Chỉ mục có {now} bài ({'thêm được ' + str(added) + ' bài ở lần chạy này' if added > 0 else 'lần chạy này chưa ghi thêm được bài nào'}). "
            "Hãy giải phóng chỗ trống rồi chạy lại đúng lệnh này: nó bỏ qua các bài đã có và ghi tiếp phần còn lại.")


def _build_into(paths, index_dir: Path, fresh: bool, jobs, batch_size, progress, on_skip,
                kept=None, floor: int = 0) -> IndexReport:
    from ttdn_search.ingest import Notice, Skipped

    start = time.perf_counter()
    report = IndexReport()
    # A new index is created with its first article: a run that finds none creates nothing.
    if not fresh and not has_index(index_dir):
        refuse_damaged(index_dir)  # segments without a table of contents: never created over
    store = None if fresh or not has_index(index_dir) else open_store(index_dir)
    jobs = jobs or os.cpu_count() or 1
    segments_before = {sid for sid, _ in store.segment_sizes()} if store else set()
    start_generation = store.generation() if store else None

    def skip(item) -> None:
        (report.notices if isinstance(item, Notice) else report.skipped).append(item)
        if on_skip:
            on_skip(item)

    writer = None
    pending = 0
    known_stamps: list = []
    floor = max(floor, _stamp_of(index_dir))
    # ttdn.json was written after the index's last commit (its generation is the one this run starts from):
    # its stamp is the latest in the index, and each commit of this run raises it (TtdnWriter.floor_covers).
    meta = read_meta(index_dir) if store is not None else {}
    floor_covers = (start_generation is not None and meta.get("vocab_generation") == start_generation
                    and type(meta.get("stamp")) is int)

    def stamps_of_updated(tie: int, sig: bytes) -> int:  # read from the index on the run's first update
        if not known_stamps:
            from ttdn_search.watch import kept_stamps

            known_stamps.append(kept_stamps(index_dir) if not fresh else None)
        return known_stamps[0](tie, sig) if known_stamps[0] else 0

    from ttdn_search.engine.known import Known

    known = Known(store) if store else None  # engine/known.py: looked up, or read whole for a big run
    existing, known_raw = (known.hashes, known.raw) if known else ({}, {})
    try:
        for doc in _prepared(_to_index(paths, known_raw, existing, report, skip, progress), jobs):
            if isinstance(doc, Skipped):
                skip(doc)
                continue
            if writer is None:
                store = store or _create(index_dir)
                writer = store.writer()
                writer.kept, writer.kept_new = (kept, True) if kept is not None else (stamps_of_updated, False)
                writer.floor, writer.floor_covers = floor, floor_covers
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
                floor, writer, pending = max(floor, writer.stamped), None, 0
        if writer is not None:
            writer.commit()
            floor, writer = max(floor, writer.stamped), None
        if store is None or not (report.added or report.updated or report.unchanged or report.duplicates):
            raise NothingToIndex(_nothing_found(paths, report, index_dir, store is None))
        small = merge_small(store.segment_sizes())  # engine/merging.py: the policy
        merged, merging_new = None, []
        if small:
            # The words of this run's segments that the merge takes in: the vocabulary adds them (the
            # merge's other documents are in it already), and their companions go with the merge.
            merging_new = words_of(store, set(small) - segments_before)
            writer = store.writer()
            writer.floor, writer.floor_covers = floor, floor_covers
            writer.commit(merge=small)
            merged, writer = writer.merged, None
    finally:
        if writer is not None:
            writer.cancel()
        if known is not None:
            known.close()
    if not (report.added or report.updated):
        store.tidy()
    generation = store.generation()
    reader = store.reader()
    try:
        report.total = reader.doc_count()
        # The vocabulary follows the committed generation, so a run killed after a commit and before this
        # point gets its vocabulary from the next run even when that run finds nothing to change; so does
        # a damaged one (searches meanwhile build it from the companions).
        meta = read_meta(index_dir)
        if meta.get("vocab_generation") != generation or read_vocab(index_dir) is None:
            # Only added segments, no merge, and the previous vocabulary matches the generation this run
            # started from: update it with the new segments' words; otherwise read them all.
            write_vocab_after(reader, index_dir, segments_before,
                         not fresh and meta.get("vocab_generation") == start_generation, merged, merging_new)
        floor = max(floor, write_groups_after(reader, index_dir, generation, merged))
        write_facets_after(reader, index_dir, generation)
    finally:
        reader.close()
    write_meta(index_dir, updated=time.strftime("%Y-%m-%dT%H:%M:%S%z"), articles=report.total, stamp=floor,
               vocab_generation=generation)
    report.seconds = time.perf_counter() - start
    return report


def _stamp_of(folder: Path) -> int:
    """The latest commit stamp an index folder's ttdn.json records (0 when none or unreadable)."""
    try:
        stamp = read_meta(folder).get("stamp", 0)
    except (TtdnError, OSError, AttributeError):
        return 0
    return stamp if type(stamp) is int else 0


NOTHING_CREATED = "chưa tạo chỉ mục nào"


def _nothing_found(paths, report: IndexReport, index_dir: Path, created: bool) -> str:
    where = ", ".join(f"'{p}'" for p in list(paths)[:3]) or "(không có đường dẫn)"
    skipped = f" ({len(report.skipped)} mục bị bỏ qua, xem các dòng «Bỏ qua» ở trên)" if report.skipped else ""
    state = NOTHING_CREATED if created else f"chỉ mục '{index_dir}' giữ nguyên"
    return f"Không tìm thấy bài nào để lập chỉ mục trong {where}{skipped}; {state}."


def _to_index(paths, known_raw, existing, report: IndexReport, skip, progress) -> Iterator[Article]:
    """The articles of this run that are new or changed; counts the others in the report."""
    from ttdn_search.ingest import Notice, Skipped, Unchanged, iter_articles

    seen: dict[str, str] = {}
    reused = "trùng id '{}' với một bài trước trong lần chạy này; giữ bài đầu"
    for item in iter_articles(paths, known_raw):
        if isinstance(item, Skipped):
            skip(item)
            continue
        if item.id in seen:
            if seen[item.id] == item.content_hash:
                # The same record twice (an export that repeats itself): one article, nothing lost.
                report.duplicates += 1
            elif isinstance(item, Unchanged):
                skip(Skipped(item.id, reused.format(item.id), record=True))
            else:
                skip(Skipped(item.path or item.id, reused.format(item.id), item.line))
            continue
        seen[item.id] = item.content_hash
        if isinstance(item, Unchanged) or existing.get(item.id) == item.content_hash:
            report.unchanged += 1
            if progress:
                progress(1)
            continue
        for reason in item.notices:
            skip(Notice(item.path or item.id, reason, item.line))
        yield item
