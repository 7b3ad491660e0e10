"""The one index schema, its field names and its version."""

from __future__ import annotations

from whoosh import fields, formats
from whoosh.analysis import RegexTokenizer

from ttdn_search.analysis import word_analyzer

# Bump when the schema or the analysis changes in a way that old indexes cannot serve.
SCHEMA_VERSION = 4

# Facet fields: exact values, FACET_SEPARATOR between several.
FACET_FIELDS = ("province", "province_new", "year", "directive", "kind")


FACET_SEPARATOR = "\x1f"


class SpaceSeparatedTerms(formats.Existence):
    """Which terms a document has, from a string the indexing workers already tokenised and lower-cased:
    split on spaces, no token objects, no frequencies, no positions. Whoosh does not score these fields
    (ranking reads the companion file), so nothing more is worth its writing time."""

    def word_values(self, value, analyzer, **kwargs):
        fb = self.field_boost
        return ((w, 1, fb, b"") for w in set(value.split()))


def _terms(field_boost: float = 1.0) -> fields.FieldType:
    return fields.FieldType(SpaceSeparatedTerms(field_boost=field_boost), word_analyzer(), scorable=False)


def _facet() -> fields.TEXT:
    # Values may hold commas and spaces ("Quán triệt, phổ biến"), so they are joined by a control character.
    f = fields.TEXT(analyzer=RegexTokenizer(r"[^\x1f]+"), phrase=False, stored=False)
    f.scorable = False
    return f


def build_schema() -> fields.Schema:
    return fields.Schema(
        id=fields.ID(stored=True, unique=True),
        title=fields.STORED(),
        text=fields.STORED(),
        date=fields.ID(stored=True, sortable=True),
        source=fields.STORED(),
        url=fields.STORED(),
        path=fields.STORED(),
        tags=fields.STORED(),
        content_hash=fields.ID(stored=True),
        # "id<US>hash", read from the lexicon to skip unchanged articles without loading stored fields.
        idhash=fields.ID(),
        # "raw key<US>id<US>hash" of a JSONL record (ingest.raw_key): a re-run skips an unchanged record
        # without cleaning its page again.
        rawkey=fields.ID(),
        # The word view (pyvi's segmentation), tokenised in the worker processes: the writer only splits it
        # on spaces. Matching, facets and ranking read the folded syllables from the segment's companion
        # file (companion.py), which the same commit writes from the same analysis.
        title_words=_terms(field_boost=2.0),
        body_words=_terms(),
        # Facets and filters.
        province=_facet(),
        province_new=_facet(),
        provinces=_facet(),
        year=_facet(),
        directive=_facet(),
        kind=_facet(),
    )


SCHEMA = build_schema()
