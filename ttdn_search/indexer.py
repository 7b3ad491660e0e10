"""Build and update the index: ingest, tag and segment in worker processes; one writer commits in batches.

Crash safety: Whoosh writes a new segment and then its table of contents, so a commit is all or nothing.
Articles are committed every `batch_size` documents; a run that is killed loses at most the current batch,
and the next run skips what was committed (content hash) and completes the job. `--rebuild` builds a new
index beside the old one and swaps it in only when complete.
"""

from __future__ import annotations

import json
import multiprocessing as mp
import os
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Iterator

from ttdn_search.errors import IndexLocked, IndexMissing, SchemaMismatch, TtdnError
from ttdn_search.ingest import Article, Skipped, iter_articles

META_FILE = "ttdn.json"
DEFAULT_BATCH = 2000


@dataclass
class IndexReport:
    """What one index run did."""

    added: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: list[Skipped] = field(default_factory=list)
    total: int = 0
    seconds: float = 0.0

    def to_json(self) -> dict:
        return {
            "added": self.added,
            "updated": self.updated,
            "unchanged": self.unchanged,
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


def _recover_swap(index_dir: Path) -> None:
    """Finish a rebuild swap that a crash interrupted between its two renames."""
    old = index_dir.with_name(index_dir.name + ".old")
    if not index_dir.exists() and old.exists():
        os.replace(old, index_dir)


def open_index(index_dir: Path):
    """Open an existing index for reading; clear errors when it is missing or from another schema."""
    from whoosh import index as windex

    from ttdn_search.schema import SCHEMA_VERSION

    index_dir = Path(index_dir)
    _recover_swap(index_dir)
    if not index_dir.is_dir() or not windex.exists_in(str(index_dir)):
        raise IndexMissing(
            f"Không tìm thấy chỉ mục tại '{index_dir}'. Hãy tạo bằng: ttdn index ĐƯỜNG_DẪN --index {index_dir}"
        )
    version = read_meta(index_dir).get("schema_version")
    if version != SCHEMA_VERSION:
        raise SchemaMismatch(
            f"Chỉ mục '{index_dir}' được tạo bởi phiên bản khác (lược đồ {version}, cần {SCHEMA_VERSION}). "
            f"Hãy chạy: ttdn index ĐƯỜNG_DẪN --rebuild --index {index_dir}"
        )
    try:
        return windex.open_dir(str(index_dir))
    except Exception as exc:  # whoosh raises many types for a damaged index
        raise TtdnError(f"Không mở được chỉ mục '{index_dir}': {exc}. Hãy chạy lại với --rebuild.") from exc


# ---------------------------------------------------------------------------------------------
# Document preparation (runs in worker processes)


def prepare(article: Article) -> dict:
    """Every field value of one article's index document, tags and segmentation included."""
    from ttdn_search.analysis import folded_keys, segment_words, syllable_keys
    from ttdn_search.extract import tag
    from ttdn_search.facets import facet_values
    from ttdn_search.schema import FACET_SEPARATOR as SEP

    tags = tag(article)
    values = facet_values(tags)
    tsyl, bsyl = syllable_keys(article.title), syllable_keys(article.text)
    return {
        "id": article.id,
        "title": article.title,
        "text": article.text,
        "date": tags.date or "",
        "source": article.source,
        "url": article.url,
        "path": article.path,
        "tags": tags.to_json(),
        "content_hash": article.content_hash,
        "idhash": f"{article.id}\x1f{article.content_hash}",
        "title_words": segment_words(article.title),
        "body_words": segment_words(article.text),
        "title_syl": " ".join(tsyl),
        "body_syl": " ".join(bsyl),
        "title_fold": " ".join(folded_keys(tsyl)),
        "body_fold": " ".join(folded_keys(bsyl)),
        "province": SEP.join(values["province"]),
        "province_new": SEP.join(values["province_new"]),
        "provinces": SEP.join(tags.provinces),
        "year": SEP.join(values["year"]),
        "directive": SEP.join(values["directive"]),
        "kind": SEP.join(values["kind"]),
        "facets": json.dumps(values, ensure_ascii=False, separators=(",", ":")).encode("utf-8"),
    }


def _prepare_safe(article: Article) -> dict | Skipped:
    try:
        return prepare(article)
    except Exception as exc:  # one bad article must not stop the run
        return Skipped(article.path or article.id, f"lỗi khi phân tích bài '{article.id}': {exc!r}")


def _prepared(articles: Iterator[Article], jobs: int) -> Iterator[dict | Skipped]:
    if jobs <= 1:
        for a in articles:
            yield _prepare_safe(a)
        return
    # fork shares the loaded model pages with the workers; spawn would reload everything per worker.
    ctx = mp.get_context("fork")
    with ctx.Pool(jobs) as pool:
        yield from pool.imap(_prepare_safe, articles, chunksize=16)


# ---------------------------------------------------------------------------------------------
# Building


def _existing_hashes(ix) -> dict[str, str]:
    """id -> content hash of every committed document, read from the lexicon (no stored fields)."""
    out: dict[str, str] = {}
    stale: set[str] = set()
    with ix.searcher() as s:
        reader = s.reader()
        if "idhash" not in reader.indexed_field_names():
            return out
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
    return out


def _create(index_dir: Path):
    from whoosh import index as windex

    from ttdn_search.schema import build_schema

    index_dir.mkdir(parents=True, exist_ok=True)
    ix = windex.create_in(str(index_dir), build_schema())
    _write_meta(index_dir, updated=time.strftime("%Y-%m-%dT%H:%M:%S%z"), articles=0)
    return ix


def build_index(
    paths: Iterable[str | os.PathLike],
    index_dir: str | os.PathLike | None = None,
    rebuild: bool = False,
    jobs: int | None = None,
    batch_size: int = DEFAULT_BATCH,
    progress: Callable[[int], None] | None = None,
    on_skip: Callable[[Skipped], None] | None = None,
) -> IndexReport:
    """Index every article under paths into index_dir, updating articles already there."""
    index_dir = Path(index_dir) if index_dir is not None else default_index_dir()
    _recover_swap(index_dir)
    if rebuild:
        target = index_dir.with_name(f"{index_dir.name}.building-{os.getpid()}")
        shutil.rmtree(target, ignore_errors=True)
        report = _build_into(paths, target, True, jobs, batch_size, progress, on_skip)
        _swap(target, index_dir)
        return report
    return _build_into(paths, index_dir, False, jobs, batch_size, progress, on_skip)


def _swap(new: Path, index_dir: Path) -> None:
    old = index_dir.with_name(index_dir.name + ".old")
    shutil.rmtree(old, ignore_errors=True)
    # The folder may carry a README of its own (the repository's index/ does); it survives a rebuild.
    if (index_dir / "README.md").is_file():
        shutil.copy2(index_dir / "README.md", new / "README.md")
    if index_dir.exists():
        os.replace(index_dir, old)
    os.replace(new, index_dir)
    shutil.rmtree(old, ignore_errors=True)


def _build_into(paths, index_dir: Path, fresh: bool, jobs, batch_size, progress, on_skip) -> IndexReport:
    from whoosh import index as windex
    from whoosh.writing import LockError

    start = time.perf_counter()
    report = IndexReport()
    if fresh or not (index_dir.is_dir() and windex.exists_in(str(index_dir))):
        ix = _create(index_dir)
    else:
        ix = open_index(index_dir)
    existing = _existing_hashes(ix)
    jobs = jobs or os.cpu_count() or 1

    seen: set[str] = set()

    def to_index() -> Iterator[Article]:
        for item in iter_articles(paths):
            if isinstance(item, Skipped):
                report.skipped.append(item)
                if on_skip:
                    on_skip(item)
                continue
            if item.id in seen:
                sk = Skipped(item.path or item.id, f"trùng id '{item.id}' với một bài trước trong lần chạy này; giữ bài đầu")
                report.skipped.append(sk)
                if on_skip:
                    on_skip(sk)
                continue
            seen.add(item.id)
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
            if doc["id"] in existing:
                writer.update_document(**doc)
                report.updated += 1
            else:
                writer.add_document(**doc)
                report.added += 1
            existing[doc["id"]] = doc["content_hash"]
            pending += 1
            if progress:
                progress(1)
            if pending >= batch_size:
                writer.commit(merge=False)
                writer, pending = None, 0
        if writer is not None:
            writer.commit()
            writer = None
    finally:
        if writer is not None:
            writer.cancel()
    with ix.searcher() as s:
        report.total = s.doc_count()
        if report.added or report.updated or not (index_dir / "vocab.json").exists():
            from ttdn_search.suggest import write_vocab

            write_vocab(index_dir, s.reader())
    _write_meta(index_dir, updated=time.strftime("%Y-%m-%dT%H:%M:%S%z"), articles=report.total)
    report.seconds = time.perf_counter() - start
    return report


def _writer(ix, lock_error, index_dir: Path):
    try:
        return ix.writer(timeout=5.0)
    except lock_error as exc:
        raise IndexLocked(
            f"Chỉ mục '{index_dir}' đang được một lần chạy 'ttdn index' khác ghi. Hãy đợi lần chạy đó xong rồi thử lại."
        ) from exc
