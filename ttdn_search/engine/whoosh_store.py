"""The document store: Whoosh, and the only module that imports it.

Whoosh keeps each article's stored fields and its ids (`id`, `idhash`, `rawkey`), writes segments
crash-safely (a segment, then its table of contents) and merges them. Everything it does not do (matching,
facets, ranking, the word vocabulary) is in each segment's companion file, which `TtdnWriter` writes in
the same commit. What this module relies on of Whoosh beyond its public API is listed in `TtdnWriter`
and `Store`: the segment writer's commit steps (`_commit_toc`, `_added`, `newsegment`, `write_per_doc`),
the index's segment list (`_segments`), `clean_files`, and the file names of tables of contents and
segments (a companion's name `<segment id>.ttdn` matches Whoosh's segment file pattern, so Whoosh deletes
it with its segment). whoosh-reloaded is pinned in pyproject.toml for that reason.
"""

from __future__ import annotations

import contextlib
import functools
import time
from pathlib import Path

from whoosh import fields
from whoosh import index as windex
from whoosh.writing import LockError, SegmentWriter

from ttdn_search.engine import format as F
from ttdn_search.engine.companion import Companion
from ttdn_search.engine.groups import Merged
from ttdn_search.engine.segments import SegmentInfo, Segments, companion_path
from ttdn_search.errors import IndexDamaged, IndexLocked, TtdnError

# Bump when the Whoosh fields change in a way that old indexes cannot serve (the companion file has its
# own version, format.FORMAT_VERSION) or what stored fields and facet values mean changes (5: `date` is
# published-else-event, `year` the article's own year, `mentioned_year` the years it refers to, one
# province value per unit).
SCHEMA_VERSION = 5
INDEX_NAME = "MAIN"


def build_schema() -> fields.Schema:
    return fields.Schema(
        id=fields.ID(stored=True, unique=True),
        title=fields.STORED(),
        text=fields.STORED(),
        # date and content_hash are stored only: the companion filters and sorts by date, and the hash is
        # read from the stored fields. Indexed, each cost a term and its postings per document (Whoosh on
        # 5,000 documents: 2.1-2.8 s with them, 1.3-1.6 s without). An index made before keeps its own
        # schema, which Whoosh reads from it.
        date=fields.STORED(),
        source=fields.STORED(),
        url=fields.STORED(),
        path=fields.STORED(),
        tags=fields.STORED(),
        content_hash=fields.STORED(),
        # "id<US>hash", read from the lexicon to skip unchanged articles without loading stored fields.
        idhash=fields.ID(),
        # "raw key<US>id<US>hash" of a JSONL record (ingest.raw_key): a re-run skips an unchanged record
        # without cleaning its page again.
        rawkey=fields.ID(),
    )


ID_SEP = "\x1f"  # between the parts of an idhash or rawkey term


def idhash_term(doc_id: str, content_hash: str) -> str:
    return f"{doc_id}{ID_SEP}{content_hash}"


def rawkey_term(raw_key: str, doc_id: str, content_hash: str) -> str:
    return f"{raw_key}{ID_SEP}{doc_id}{ID_SEP}{content_hash}"


def has_index(folder: Path) -> bool:
    """True when the folder holds a committed index (a table of contents).

    Only the file names are looked at: Whoosh's own `exists_in` unpickles the schema, which fails with an
    AttributeError on an index written by a version of ttdn-search whose schema classes no longer exist,
    before the schema version could say so."""
    try:
        return folder.is_dir() and any(folder.glob(f"_{INDEX_NAME}_*.toc"))
    except OSError:
        return False


class TtdnWriter(SegmentWriter):
    """Whoosh's segment writer, writing each new segment's companion file in the same commit.

    Segments are merged only when asked (`commit(merge=[segment ids])`), and the companion of the merged
    segment is built from the old companions in exactly the order Whoosh copies the documents (checked:
    `write_per_doc` must copy the live documents in ascending order, and the companion must hold as many
    documents as the segment). The companion is written after Whoosh has packed the segment and before
    the table of contents names it: a run killed before that leaves a file Whoosh's clean-up deletes with
    the unused segment.
    """

    def __init__(self, ix, **kwargs):
        from whoosh.codec.whoosh3 import W3Codec

        # No field is scored by Whoosh, so no per-posting length statistics: asking for them costs a
        # file-existence check per posting at commit (16% of a build).
        codec = W3Codec()
        codec.length_stats = False
        # One file per part of a segment, not one compound file: a reader of a compound file gets each
        # part as a BytesIO copy, so every one-off search copied the stored fields of every segment
        # (25 ms on news-20k) before reading ten documents.
        super().__init__(ix, codec=codec, compound=False, **kwargs)
        # Imported here: the builder needs numpy (about 110 ms to import), which no search does.
        from ttdn_search.engine.builder import Builder

        self.companion = Builder()
        self._to_merge: list[str] = []
        # What this writer's merge did, for the groups of copies after the run (engine/regroup.py).
        self.merged = Merged()
        # (tie key, signature) -> when the article was first indexed (watch.kept_stamps): a rebuild asks it
        # for every article (kept_new), an update for the article it replaces, so that an article whose
        # text is unchanged (its metadata, or nothing, changed) is not new to `ttdn watch`.
        self.kept = None
        self.kept_new = False
        # The latest stamp the index ever gave (ttdn.json "stamp", carried over by a rebuild): a commit stamps
        # later still, even when the articles stamped last were merged away or the clock went back.
        self.floor = 0
        # True when `floor` is known to be at least every stamp in the index (no commit since ttdn.json was
        # written, or only this run's, whose stamps the run added to it): a commit then reads no companion.
        self.floor_covers = False
        self.stamped = 0  # the stamp this writer's commit gave its documents

    def add_prepared(self, doc: dict, update: bool) -> None:
        """One prepared document (indexer.prepare): its Whoosh fields, and its companion entries (the
        keys starting with "_")."""
        keys, view, date = doc.pop("_keys"), doc.pop("_view"), doc.pop("_date")
        words, tie, sig = doc.pop("_words"), doc.pop("_tie"), doc.pop("_signature", b"")
        if doc.get("rawkey") is None:  # not from a JSONL record
            doc.pop("rawkey", None)
        if update:
            self.update_document(**doc)
        else:
            self.add_document(**doc)
        kept = self.kept(tie, sig) if self.kept is not None and (update or self.kept_new) else 0
        self.companion.add(keys, view, date, words, tie, sig, kept)

    def commit(self, merge: list[str] | None = None):  # type: ignore[override]
        self._to_merge = list(merge or ())
        super().commit(mergetype=self._merge)

    def _merge(self, writer, segments):
        if not self._to_merge:
            return list(segments)
        from whoosh.reading import SegmentReader

        chosen = [seg for seg in segments if seg.segment_id() in self._to_merge]
        sources = self.merged.into.setdefault(self.newsegment.segment_id(), [])
        for seg in chosen:
            comp = Companion(companion_path(self.storage.folder, seg.segment_id()))
            live = None
            if seg.has_deletions():
                live = [d for d in range(seg.doc_count_all()) if not seg.is_deleted(d)]
                sigs, size = comp.all_signatures(), F.SIG_BYTES
                for d in sorted(set(range(comp.ndocs)) - set(live)):
                    self.merged.dropped[seg.segment_id(), d] = bytes(sigs[d * size : (d + 1) * size])
            sources.append((seg.segment_id(), list(range(comp.ndocs)) if live is None else live))
            before = self.docnum
            reader = SegmentReader(self.storage, self.schema, seg)
            try:
                self.add_reader(reader)
            except BaseException:
                comp.close()
                raise
            finally:
                reader.close()
            copied = self.docnum - before
            if copied != (comp.ndocs if live is None else len(live)):
                comp.close()
                raise IndexDamaged(f"Gộp phân đoạn {seg.segment_id()}: Whoosh chép {copied} bài, tệp đi kèm có "
                                   f"{comp.ndocs if live is None else len(live)}. Hãy chạy lại với --rebuild.")
            self.companion.add_segment(comp, live)
            comp.close()
        return [seg for seg in segments if seg.segment_id() not in self._to_merge]

    def write_per_doc(self, fieldnames, reader):
        docmap = super().write_per_doc(fieldnames, reader)
        # The companion of a merged segment lists the live documents in ascending order: Whoosh must
        # have copied them in that order, or every later hit would show another article.
        if docmap is not None:
            new = [docmap[d] for d in sorted(docmap)]
            if new != sorted(new):
                raise IndexDamaged("Whoosh chép các bài khi gộp không theo thứ tự; không ghi tệp đi kèm.")
        return docmap

    def _commit_toc(self, segments):
        if self._added and len(self.companion):
            if len(self.companion) != self.doc_count():
                raise IndexDamaged(f"Phân đoạn mới có {self.doc_count()} bài, tệp đi kèm {len(self.companion)}; "
                                   "không ghi mục lục.")
            self.companion.write(companion_path(self.storage.folder, self.newsegment.segment_id()),
                                 self._stamp(segments))
        super()._commit_toc(segments)
        record_toc(Path(self.storage.folder), self.generation)


    def _stamp(self, segments) -> int:
        """When this commit indexes its documents: the time in seconds, and always later than every stamp
        already in the index, so that `ttdn watch` (which remembers the latest stamp it saw) never misses
        a commit made in the same second as the one before."""
        latest = max(self.companion.added, default=0)  # merged documents keep their own
        for seg in () if self.floor_covers else segments:
            if seg.segment_id() == self.newsegment.segment_id():
                continue
            comp = Companion(companion_path(self.storage.folder, seg.segment_id()))
            try:
                latest = max(latest, max(comp.added, default=0))
            finally:
                comp.close()
        self.stamped = max(int(time.time()), latest + 1, self.floor + 1)
        return self.stamped


def toc_path(folder: Path, generation: int) -> Path:
    return Path(folder) / f"_{INDEX_NAME}_{generation}.toc"


def latest_toc(folder: Path) -> tuple[int, Path] | None:
    """(generation, file) of the newest table of contents, found by file name."""
    best = None
    for p in Path(folder).glob(f"_{INDEX_NAME}_*.toc"):
        digits = p.name[len(INDEX_NAME) + 2 : -4]
        if digits.isdigit() and (best is None or int(digits) > best[0]):
            best = (int(digits), p)
    return best


def record_toc(folder: Path, generation: int) -> None:
    """Keep the crc32 of the table of contents just committed in ttdn.json: Whoosh's table of contents
    (a pickle) has no checksum of its own, and one flipped bit in it changed answers silently."""
    import zlib

    from ttdn_search.folder import write_meta

    with contextlib.suppress(OSError):
        write_meta(folder, toc={"generation": generation,
                                "crc32": zlib.crc32(toc_path(folder, generation).read_bytes())})


def check_toc(folder: Path) -> None:
    """Refuse a table of contents that is not the one committed (when ttdn.json knows its checksum; a run
    killed between the two writes leaves it unknown, and then there is nothing to compare)."""
    import zlib

    from ttdn_search.folder import read_meta

    latest = latest_toc(folder)
    known = read_meta(folder).get("toc")
    if latest is None or not isinstance(known, dict) or known.get("generation") != latest[0]:
        return
    try:
        crc = zlib.crc32(latest[1].read_bytes())
    except OSError:
        return  # a concurrent commit removed it: opening reads the next one
    if crc != known.get("crc32"):
        raise IndexDamaged(f"Chỉ mục '{folder}' bị hỏng: mục lục {latest[1].name} không còn như khi ghi "
                           f"(sai mã kiểm tra). Hãy lập lại chỉ mục: ttdn index ĐƯỜNG_DẪN --rebuild --index {folder}")


def damaged(folder, exc: BaseException) -> IndexDamaged:
    """The one message for Whoosh files that cannot be read (Whoosh raises many kinds of error for them)."""
    return IndexDamaged(f"Chỉ mục '{folder}' bị hỏng: không đọc được tệp của Whoosh ({type(exc).__name__}). "
                        f"Hãy lập lại chỉ mục: ttdn index ĐƯỜNG_DẪN --rebuild --index {folder}")


def _reads_store(method):
    """Whoosh's errors on reading damaged files become IndexDamaged (OSError, TypeError and EOFError
    too: a long-lived searcher whose files a merge deleted catches IndexDamaged, reopens and retries)."""

    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        try:
            return method(self, *args, **kwargs)
        except TtdnError:
            raise
        except Exception as exc:
            raise damaged(self.ix.storage.folder, exc) from exc

    return wrapper


class StoredReader:
    """Stored fields and ids on a bare Whoosh reader: `whoosh.searching` and the query machinery it
    imports would cost every one-off search about 25 ms of imports for nothing."""

    @_reads_store
    def __init__(self, ix):
        self.ix = ix
        self._reader = ix.reader()

    @_reads_store
    def stored_fields(self, docnum: int) -> dict:
        fields = self._reader.stored_fields(docnum)
        if not isinstance(fields, dict) or not isinstance(fields.get("id"), str):
            raise ValueError("stored fields without an id")
        return fields

    def all_stored_fields(self):
        it = iter(self._reader.all_stored_fields())
        while True:
            try:
                fields = next(it)
            except StopIteration:
                return
            except Exception as exc:
                raise damaged(self.ix.storage.folder, exc) from exc
            if not isinstance(fields, dict) or not isinstance(fields.get("id"), str):
                raise damaged(self.ix.storage.folder, ValueError("stored fields without an id"))
            yield fields

    @_reads_store
    def doc_count(self) -> int:
        return self._reader.doc_count()

    @_reads_store
    def document_number(self, id: str) -> int | None:
        reader = self._reader
        if not reader.doc_frequency("id", id):
            return None
        for d in reader.postings("id", id).all_ids():
            if not reader.is_deleted(d):
                return d
        return None

    @_reads_store
    def segment_infos(self) -> list[SegmentInfo]:
        out = []
        for segreader, offset in self._reader.leaf_readers():
            seg = segreader.segment()
            if seg is None:  # an index with no segment yet
                continue
            deleted = list(seg.deleted_docs()) if segreader.has_deletions() else []
            out.append(SegmentInfo(seg.segment_id(), offset, segreader.doc_count_all(), deleted))
        return out

    def segments(self) -> Segments:
        """The companions of this reader's segments, as one document space."""
        return Segments(self.segment_infos(), self._reader.doc_count_all(), self.ix.storage.folder,
                        self._reader.generation())

    @_reads_store
    def up_to_date(self) -> bool:
        return self.ix.latest_generation() == self._reader.generation()

    def generation(self) -> int:
        """The generation (table of contents) this reader reads."""
        return self._reader.generation()

    def refresh(self) -> "StoredReader":
        return self if self.up_to_date() else StoredReader(self.ix)

    def close(self) -> None:
        self._reader.close()


class Store:
    """An open Whoosh index: readers, writers, and what a build needs to know of its segments."""

    def __init__(self, ix):
        self.ix = ix
        self.folder = Path(ix.storage.folder)

    @classmethod
    def create(cls, folder: Path) -> "Store":
        return cls(windex.create_in(str(folder), build_schema(), indexname=INDEX_NAME))

    @classmethod
    def open(cls, folder: Path) -> "Store":
        for attempt in range(5):
            try:
                check_toc(folder)
                return cls(windex.open_dir(str(folder), indexname=INDEX_NAME))
            except TtdnError:
                raise
            except OSError:
                # A concurrent commit deleted the table of contents we were about to read: read the new one.
                if attempt == 4:
                    raise
                time.sleep(0.05)
            except Exception as exc:  # whoosh raises many types for a damaged index
                raise damaged(folder, exc) from exc
        raise AssertionError("unreachable")

    def reader(self) -> StoredReader:
        return StoredReader(self.ix)

    def generation(self) -> int:
        return self.ix.latest_generation()

    def segment_sizes(self) -> list[tuple[str, int]]:
        """(segment id, live documents) of every committed segment."""
        return [(seg.segment_id(), seg.doc_count()) for seg in self.ix._segments()]

    def doc_count(self) -> int:
        with contextlib.closing(self.ix.reader()) as r:
            return r.doc_count()

    def writer(self) -> TtdnWriter:
        try:
            return TtdnWriter(self.ix, timeout=5.0)
        except LockError as exc:
            raise IndexLocked(
                f"Chỉ mục '{self.folder}' đang được một lần chạy 'ttdn index' khác ghi. Hãy đợi lần chạy đó xong rồi thử lại."
            ) from exc

    def existing_hashes(self) -> tuple[dict[str, str], dict[str, tuple[str, str]]]:
        """id -> content hash of every committed document, and raw key -> (id, hash) of the JSONL records
        they came from, read from the lexicon (no stored fields)."""
        out: dict[str, str] = {}
        raw: dict[str, tuple[str, str]] = {}
        stale: set[str] = set()
        with self.ix.searcher() as s:
            reader = s.reader()
            names = set(reader.indexed_field_names())  # an iterator: "in" would consume it
            if "idhash" not in names:
                return out, raw
            for term in reader.lexicon("idhash"):
                doc_id, _, digest = term.decode("utf-8").rpartition(ID_SEP)
                if doc_id in out:
                    stale.add(doc_id)
                out[doc_id] = digest
            # Deleted documents keep their terms until a merge: ask which hash is live for the few ids updated.
            for doc_id in stale:
                docnum = s.document_number(id=doc_id)
                out[doc_id] = reader.stored_fields(docnum).get("content_hash", "") if docnum is not None else ""
            if "rawkey" in names:
                for term in reader.lexicon("rawkey"):
                    key, doc_id, digest = term.decode("utf-8").split(ID_SEP, 2)
                    # Only records whose content is what the index holds now (not a deleted older version).
                    if out.get(doc_id) == digest:
                        raw[key] = (doc_id, digest)
        return out, raw

    def tidy(self) -> None:
        """Remove what a killed run left in the folder when this run commits nothing (a commit would do it).

        A half-written segment and a table of contents never renamed into place are unreferenced files;
        readers never open them, and the run lock says no writer is producing them now.
        """
        with contextlib.suppress(OSError):
            windex.clean_files(self.ix.storage, self.ix.indexname, self.ix.latest_generation(), self.ix._segments())
        for temp in self.folder.glob(f"_{self.ix.indexname}_*.toc.*"):
            with contextlib.suppress(OSError):
                temp.unlink()
