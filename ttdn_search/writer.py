"""The index writer: Whoosh's segment writer plus each segment's companion file."""

from __future__ import annotations

from whoosh.writing import SegmentWriter


class TtdnWriter(SegmentWriter):
    """Whoosh's segment writer, writing each new segment's companion file (companion.py) in the same commit.

    Segments are merged only when asked (`commit(merge=[segments])`), and the companion of the merged
    segment is built from the old companions in exactly the order Whoosh copies the documents. The
    companion is written after Whoosh has packed the segment and before the table of contents names it:
    a run killed before that leaves a file Whoosh's clean-up deletes with the unused segment.
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
        from ttdn_search.companion import Builder

        self.companion = Builder()
        self._to_merge: list = []

    def add_prepared(self, doc: dict, update: bool) -> None:
        keys, pairs, view, date = doc.pop("_keys"), doc.pop("_pairs"), doc.pop("_view"), doc.pop("_date")
        words = doc.pop("_words")
        if doc.get("rawkey") is None:  # not from a JSONL record
            doc.pop("rawkey", None)
        if update:
            self.update_document(**doc)
        else:
            self.add_document(**doc)
        self.companion.add(keys, view, date, pairs, words)

    def commit(self, merge: list | None = None):  # type: ignore[override]
        self._to_merge = [seg.segment_id() for seg in merge or ()]
        super().commit(mergetype=self._merge)

    def _merge(self, writer, segments):
        if not self._to_merge:
            return list(segments)
        from whoosh.reading import SegmentReader

        from ttdn_search.companion import Companion, companion_path

        chosen = [seg for seg in segments if seg.segment_id() in self._to_merge]
        for seg in chosen:
            comp = Companion(companion_path(self.storage.folder, seg))
            live = None
            if seg.has_deletions():
                live = [d for d in range(seg.doc_count_all()) if not seg.is_deleted(d)]
            reader = SegmentReader(self.storage, self.schema, seg)
            try:
                self.add_reader(reader)
            finally:
                reader.close()
            self.companion.add_segment(comp, live)
            comp.close()
        return [seg for seg in segments if seg.segment_id() not in self._to_merge]

    def _commit_toc(self, segments):
        if self._added and len(self.companion):
            from ttdn_search.companion import companion_path

            self.companion.write(companion_path(self.storage.folder, self.newsegment))
        super()._commit_toc(segments)
