"""What an index run asks of the documents already committed: each id's content hash (new, changed or
unchanged?) and each JSONL record's raw key (the same bytes indexed before: skipped unread).

Reading both whole means every idhash and rawkey term of the lexicon: seconds at a million articles,
for a run that brings a hundred. So in an index of WHOLE_BELOW documents or more, a run's first questions are answered one id at a time (the id
field's hash lookup in each segment, the live version's stored hash), its first records are parsed
rather than skipped by raw key, and only a run that asks many (a re-index of a big corpus) reads the
lexicon whole, once, and answers from dictionaries from then on, raw keys included. Either way a run
indexes, updates and counts the same (tests/test_known.py).
"""

from __future__ import annotations

from ttdn_search.engine.whoosh_store import ID_SEP

# Questions answered by lookups before the whole lexicon is read (a lookup is a seek per segment).
LOOKUPS = 1000
# Below this many documents the lexicon is read whole at once: it takes a fraction of a second there, and
# every re-run then skips its unchanged records unparsed.
WHOLE_BELOW = 50_000


class Known:
    """The committed documents of one store, as of the run's start: `hashes` (id -> content hash) and
    `raw` (raw key -> (id, content hash)) behave as the dictionaries Store.existing_hashes returns."""

    def __init__(self, store, lookups: int | None = None):
        self._store = store
        self._searcher = store.ix.searcher()
        self._reader = self._searcher.reader()
        names = set(self._reader.indexed_field_names())  # an iterator: "in" would consume it
        self._has_ids, self._has_raw = "idhash" in names, "rawkey" in names
        self._left = LOOKUPS if lookups is None else lookups
        if self._reader.doc_count_all() < WHOLE_BELOW:
            self._left = 0
        self._whole: tuple[dict, dict] | None = None
        self._ids: dict[str, str | None] = {}  # looked up (None: not in the index)
        self.hashes = _Hashes(self)
        self.raw = _Raw(self)

    def close(self) -> None:
        self._searcher.close()

    def _spend(self) -> bool:
        """Whether to answer by lookup; reads everything once the lookups are spent."""
        if self._whole is not None:
            return False
        if self._left > 0:
            self._left -= 1
            return True
        self._whole = self._store.existing_hashes()
        return False

    def hash_of(self, doc_id: str) -> str | None:
        if not self._has_ids:
            return None
        if doc_id in self._ids:
            return self._ids[doc_id]
        if not self._spend():
            return self._whole[0].get(doc_id)
        reader = self._reader
        found = None
        if reader.doc_frequency("id", doc_id):  # a hash lookup per segment, no seek in a sorted file
            for d in reader.postings("id", doc_id).all_ids():
                if not reader.is_deleted(d):
                    found = reader.stored_fields(d).get("content_hash", "")
            if found is None:  # no live version: as the lexicon says it
                found = ""
                for term in reader.expand_prefix("idhash", doc_id + ID_SEP):
                    found = term.decode("utf-8")[len(doc_id) + 1 :]
        self._ids[doc_id] = found
        return found

    def record(self, key: str) -> tuple[str, str] | None:
        """The record a raw key names, once the lexicon is read whole; before that, None: a small run
        parses its records and asks by id (a raw key is a prefix of its terms, a seek per segment)."""
        if not self._has_raw or (self._whole is None and self._spend()):
            return None
        return self._whole[1].get(key)


class _Hashes:
    """id -> content hash, with this run's own additions on top."""

    def __init__(self, known: Known):
        self._known, self._set = known, {}

    def get(self, doc_id: str, default=None):
        if doc_id in self._set:
            return self._set[doc_id]
        found = self._known.hash_of(doc_id)
        return default if found is None else found

    def __contains__(self, doc_id: str) -> bool:
        return self.get(doc_id) is not None

    def __setitem__(self, doc_id: str, digest: str) -> None:
        self._set[doc_id] = digest


class _Raw:
    """raw key -> (id, content hash) of the records the index holds now."""

    def __init__(self, known: Known):
        self._known = known

    def __bool__(self) -> bool:
        return self._known._has_raw

    def get(self, key: str, default=None):
        found = self._known.record(key)
        return default if found is None else found
