"""Every segment's companion as one space of document numbers (the Whoosh reader's numbering)."""

from __future__ import annotations

import bisect
import heapq
from dataclasses import dataclass, field
from pathlib import Path

from ttdn_search.engine import format as F
from ttdn_search.engine.bitmaps import MANY, cutter, from_ids, full, join, members
from ttdn_search.engine.companion import Companion
from ttdn_search.engine.listed import Listed, read_listed, wide_key
from ttdn_search.errors import IndexDamaged


# What a view remembers of keys joined from its segments (Segments.bitmap, .df): about 500 sets over a
# million documents, and counts of as many keys as a long-running server asks.
BITMAP_CACHE_BYTES = 64 << 20
DF_CACHE = 1 << 16


@dataclass
class SegmentInfo:
    """What the document store says of one segment: its id, its first document number in the whole
    index, how many documents it holds (deleted ones included) and which are deleted."""

    id: str
    offset: int
    ndocs: int
    deleted: list[int] = field(default_factory=list)


def companion_path(folder: str | Path, segment_id: str) -> Path:
    """`<segment id>.ttdn` beside the segment's own files."""
    return Path(folder) / f"{segment_id}.{F.EXT}"


class Segments:
    """The companions of every segment, as one space of document numbers."""

    def __init__(self, infos: list[SegmentInfo], ndocs: int, folder: str | Path, generation: int | None = None):
        self.parts: list[tuple[Companion, int]] = []
        self.segment_ids: list[str] = []  # of each part
        self._starts: list[int] = []
        live = 0
        try:
            for info in infos:
                if not info.ndocs:  # an index with no segment yet
                    continue
                comp = Companion(companion_path(folder, info.id))
                self.parts.append((comp, info.offset))
                if comp.ndocs != info.ndocs:
                    # The companion's document numbers are the segment's own: any other count would
                    # show one article's title for another's match.
                    raise IndexDamaged(
                        f"Chỉ mục '{folder}' hỏng: tệp đi kèm {comp.path.name} có {comp.ndocs} bài, phân đoạn của nó "
                        f"có {info.ndocs}. Hãy lập lại chỉ mục: ttdn index ĐƯỜNG_DẪN --rebuild --index {folder}"
                    )
                self.segment_ids.append(info.id)
                self._starts.append(info.offset)
                seglive = full(comp.ndocs)
                for d in info.deleted:
                    seglive &= ~(1 << d)
                live |= seglive << info.offset
        except BaseException:
            self.close()
            raise
        self.ndocs = ndocs
        self.live = live
        self.everything = full(self.ndocs)
        # BM25's average length: folded syllables of title and body per document (deleted ones included).
        self.avg_syllables = sum(c.syllables for c, _ in self.parts) / self.ndocs if self.ndocs else 0.0
        self._facets: dict[tuple[str, str | None], int] = {}
        # Keys' sets and counts joined from every part, remembered (a query asks the same keys at several
        # levels, the next query many of them again; each costs a lookup per segment).
        self._bitmaps: dict[str, int] = {}
        self._bitmap_bytes = 0
        self._dfs: dict[str, int] = {}
        self._values: dict[str, dict[str, int]] | None = None
        # facets.bin (engine/listed.py), read on the first facet or month asked, when it is of this
        # generation (`generation`: the reader's; None: never, the companions answer).
        self._folder, self._generation = Path(folder), generation
        self._listed: Listed | None | bool = False

    def close(self) -> None:
        for comp, _ in self.parts:
            comp.close()
        if getattr(self, "_listed", None):
            self._listed.close()

    def wide(self) -> Listed | None:
        """facets.bin when it holds this generation of the index, else None (read once; dropped when a
        set in it proves damaged, and the companions answer)."""
        if self._listed is False:
            self._listed = None
            if self._generation is not None and self.parts:
                self._listed = read_listed(self._folder, self._generation,
                                           [(sid, comp.ndocs) for sid, (comp, _) in zip(self.segment_ids, self.parts)])
        return self._listed

    def companions(self) -> list[tuple[str, Companion]]:
        """(segment id, companion) of every part."""
        return [(sid, comp) for sid, (comp, _) in zip(self.segment_ids, self.parts)]

    def locate(self, docnum: int) -> tuple[Companion, int]:
        """The companion holding a document, and its number there."""
        if len(self.parts) == 1:
            return self.parts[0][0], docnum
        i = bisect.bisect_right(self._starts, docnum) - 1
        comp, offset = self.parts[i]
        return comp, docnum - offset

    def bitmap(self, key: str) -> int:
        if wide_key(key) and (listed := self.wide()) is not None:
            try:
                return listed.bitmap(key)
            except ValueError:  # a damaged chunk (zlib.error is one too): the companions have the same set
                listed.close()
                self._listed = None
        bm = self._bitmaps.get(key)
        if bm is None:
            bm = join([(offset, comp.bitmap(key)) for comp, offset in self.parts])
            if len(self.parts) > 1:  # one part: the companion's own bitmap, nothing to join
                if self._bitmap_bytes > BITMAP_CACHE_BYTES:
                    self._bitmaps.clear()
                    self._bitmap_bytes = 0
                self._bitmaps[key] = bm
                self._bitmap_bytes += bm.bit_length() >> 3
        return bm

    def df(self, key: str) -> int:
        if wide_key(key) and (listed := self.wide()) is not None:
            return listed.df(key)
        df = self._dfs.get(key)
        if df is None:
            if len(self._dfs) >= DF_CACHE:
                self._dfs.clear()
            df = self._dfs[key] = sum(comp.df(key) for comp, _ in self.parts)
        return df

    def iter_words(self):
        """(word, document frequency) of each word, segment by segment (a word recurs across segments)."""
        for comp, _ in self.parts:
            yield from comp.iter_words()

    def all_of(self, keys: list[str], within: int | None = None) -> int:
        """Documents holding every key, and in `within` when given: segment by segment, rarest key first,
        stopping as soon as nothing is left (a segment with nothing of `within` is not read at all)."""
        if not keys:
            return self.everything if within is None else within
        if within is None and len(self.parts) > MANY and all(k in self._bitmaps for k in keys):
            # Many segments, and the view remembers every key's index-wide set: ANDing them costs less than
            # a lookup per key and segment (rarest first, stopping at nothing). A key not remembered is
            # cheaper segment by segment, where a rare key's list is tested without making its bitmap.
            out = None
            for key in sorted(keys, key=self.df):
                out = self.bitmap(key) if out is None else out & self.bitmap(key)
                if not out:
                    return 0
            return out
        out = []
        cut = cutter(within, len(self.parts)) if within is not None else None
        for comp, offset in self.parts:
            part = None
            if cut is not None:
                part = cut(offset, comp.everything)
                if not part:
                    continue
            out.append((offset, comp.all_of(keys, part)))
        return join(out)

    def facet(self, name: str, value: str | None) -> int:
        """The documents with this value of a facet (with any value, for None)."""
        key = (name, value)
        bm = self._facets.get(key)
        if bm is None:
            bm = self._facets[key] = self.bitmap(F.facet_key(name, value) if value is not None else F.any_key(name))
        return bm

    def facet_any(self, name: str) -> int:
        """The documents that have any value of a facet."""
        return self.facet(name, None)

    def facet_values(self, name: str) -> list[str]:
        """Every value of a facet, sorted."""
        return sorted(self._facet_dfs().get(name, {}))

    def facet_values_by_df(self, name: str) -> list[tuple[str, int]]:
        """(value, number of documents) of a facet, most frequent first (deleted documents included)."""
        return sorted(self._facet_dfs().get(name, {}).items(), key=lambda kv: (-kv[1], kv[0]))

    def _facet_dfs(self) -> dict[str, dict[str, int]]:
        if self._values is None and (listed := self.wide()) is not None:
            self._values = listed.facet_dfs()
        if self._values is None:
            values: dict[str, dict[str, int]] = {}
            for comp, _ in self.parts:
                for key, df in comp.keylist.items():
                    if F.is_facet_key(key):
                        fname, value = F.split_facet_key(key)
                        d = values.setdefault(fname, {})
                        d[value] = d.get(value, 0) + df
            self._values = values
        return self._values

    def _months(self) -> list[str]:
        if (listed := self.wide()) is not None:
            return listed.months()
        return sorted({k[1:] for comp, _ in self.parts for k in comp.keylist if F.is_month_key(k)}, reverse=True)

    def date(self, docnum: int) -> int:
        comp, local = self.locate(docnum)
        return comp.dates[local]

    def month_counts(self, bm: int) -> list[tuple[str, int]]:
        """(YYYY-MM, documents of bm dated in it) of every month holding any, oldest first: per segment, an
        AND and a count of each of its month bitmaps (kept as ints by the companion) with its share of bm,
        0.2 ms on news-20k whatever the size of bm (reading dates one by one cost 2 us per document)."""
        if self.wide() is not None:  # index-wide month sets: one AND each
            found = ((m, (self.bitmap(F.month_key(m)) & bm).bit_count()) for m in reversed(self._months()))
            return [(m, n) for m, n in found if n]
        counts: dict[str, int] = {}
        cut = cutter(bm, len(self.parts))
        for comp, offset in self.parts:  # segment by segment: its own month bitmaps and its share of bm
            local = cut(offset, comp.everything)
            if not local:
                continue
            for month, mbm in comp.month_bitmaps().items():
                n = (mbm & local).bit_count()
                if n:
                    counts[month] = counts.get(month, 0) + n
        return sorted(counts.items())

    def indexed_after(self, stamp: int) -> int:
        """Documents indexed after `stamp` (a commit's stamp: seconds since the epoch, see FORMAT.md)."""
        import numpy as np

        out = 0
        for comp, offset in self.parts:
            if comp.ndocs and max(comp.added) > stamp:
                newer = np.frombuffer(comp.added, dtype=np.uint32) > stamp
                out |= int.from_bytes(np.packbits(newer, bitorder="little").tobytes(), "little") << offset
        return out

    def latest_stamp(self) -> int:
        """When the latest commit indexed its documents (0 for an empty index)."""
        return max((max(comp.added, default=0) for comp, _ in self.parts), default=0)

    def tie(self, docnum: int) -> int:
        """The document's tie key (format.tie_key): orders equal dates and scores the same after merges."""
        comp, local = self.locate(docnum)
        return comp.ties[local]

    def date_range(self, lo: int, hi: int) -> int:
        """Documents dated from lo to hi (YYYYMMDD, inclusive)."""
        out = 0
        for month in self._months():
            ym = int(month.replace("-", ""))
            if ym * 100 + 31 < lo or ym * 100 + 1 > hi:
                continue
            bm = self.bitmap(F.month_key(month))
            if lo <= ym * 100 + 1 and ym * 100 + 31 <= hi:
                out |= bm
            else:
                for d in members(bm):
                    if lo <= self.date(d) <= hi:
                        out |= 1 << d
        return out

    def newest(self, bm: int, want: int) -> list[int]:
        """The `want` newest documents of bm (undated ones last); equal dates by tie key."""
        out: list[int] = []
        for month in self._months():
            if len(out) >= want:
                break
            sub = self.bitmap(F.month_key(month)) & bm
            if sub:
                out.extend(sorted(members(sub), key=lambda d: (-self.date(d), self.tie(d))))
        if len(out) < want:
            rest = bm
            for month in self._months():
                rest &= ~self.bitmap(F.month_key(month))
            out.extend(heapq.nsmallest(want - len(out), members(rest), key=self.tie))
        return out[:want]

    def texts(self, docnum: int) -> tuple[str, str, str]:
        """A document's folded title, folded body and word view, as text (Companion.texts)."""
        comp, local = self.locate(docnum)
        return comp.texts(local)

    def facet_keys(self, docnum: int) -> bytes:
        comp, local = self.locate(docnum)
        return comp.facet_keys(local)

    def phrase_candidates(self, folded: list[str], within: int) -> int:
        """Documents of `within` holding every adjacent pair of the syllables (`_pair_keys`: a superset of
        those holding them as a phrase, exactly these for one frequent pair): what the ranker favours."""
        out = []
        cut = cutter(within, len(self.parts))
        for comp, offset in self.parts:
            part = cut(offset, comp.everything)
            pattern = comp.pattern(folded) if part else None
            if pattern is not None:
                out.append((offset, comp.all_of(_pair_keys(comp, folded, pattern)[0], part)))
        return join(out)

    def words_holding(self, bm: int, runs: list[list[str]]) -> int:
        """The documents of bm whose word view holds every run of exact syllables, each coded in each
        segment's own codes: a pair with a key of its own (format.exact_pair_key) by its postings, the other
        runs searched in the views (Companion.words_holding)."""
        out = []
        cut = cutter(bm, len(self.parts))
        for comp, offset in self.parts:
            local = cut(offset, comp.everything)
            if not local:
                continue
            patterns = [comp.pattern(r) for r in runs]
            if None in patterns:  # no document of this segment holds them all
                continue
            rest = []
            for p in patterns:
                codes = p.decode("utf-8")
                key = F.exact_pair_key(codes)
                if len(codes) == 2 and comp.df(key):
                    local &= comp.bitmap(key)
                else:
                    rest.append(p)
            if local and rest:
                local = from_ids(comp.words_holding(members(local), rest), comp.ndocs)
            out.append((offset, local))
        return join(out)

    def spellings(self, docnums: list[int], folded: list[str]) -> dict[str, int]:
        """How the documents (any order) write a run of folded syllables: spelling -> times found
        (Companion.spellings, segment by segment)."""
        by: dict[int, list[int]] = {}
        for d in docnums:
            i = bisect.bisect_right(self._starts, d) - 1
            by.setdefault(i, []).append(d - self._starts[i])
        out: dict[str, int] = {}
        for i, local in by.items():
            for spelling, n in self.parts[i][0].spellings(sorted(local), folded).items():
                out[spelling] = out.get(spelling, 0) + n
        return out

    def holders(self, folded: list[str], within: int) -> int:
        """The documents of `within` whose folded title or body holds the syllables together: those
        holding every adjacent pair (`_pair_keys`), each searched in place for the run, unless it is a
        single pair with a key of its own (no search: its postings are exact)."""
        out = []
        cut = cutter(within, len(self.parts))
        for comp, offset in self.parts:
            part = cut(offset, comp.everything)
            pattern = comp.pattern(folded) if part else None
            if pattern is None:  # none of `within` here, or a syllable of the run in no view of this file
                continue
            keys, exact = _pair_keys(comp, folded, pattern)
            local = comp.all_of(keys, part)
            if local and not (exact and len(folded) == 2):
                local = from_ids(comp.holding(members(local), pattern), comp.ndocs)
            out.append((offset, local))
        return join(out)


def _pair_keys(comp: Companion, folded: list[str], pattern: bytes) -> tuple[list[str], bool]:
    """The keys of a run's adjacent pairs in one file (its codes: `pattern`): each pair's own key when the
    file has one (format.pair_key), else its bigram bucket's; and True when every pair had its own."""
    codes = pattern.decode("utf-8")
    keys: list[str] = []
    exact = True
    for i in range(len(codes) - 1):
        key = F.pair_key(codes[i : i + 2])
        if not comp.df(key):
            key = F.bigram_key(F.bigram_bucket(F.syllable_hash(folded[i]), F.syllable_hash(folded[i + 1])))
            exact = False
        keys.append(key)
    return list(dict.fromkeys(keys)), exact
