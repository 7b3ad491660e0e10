"""The one index schema, its field names and its version."""

from __future__ import annotations

from whoosh import fields
from whoosh.analysis import RegexTokenizer

from ttdn_search.analysis import word_analyzer

# Bump when the schema or the analysis changes in a way that old indexes cannot serve.
SCHEMA_VERSION = 3

# Facet fields: exact values, FACET_SEPARATOR between several.
FACET_FIELDS = ("province", "province_new", "year", "directive", "kind")


FACET_SEPARATOR = "\x1f"


def _facet() -> fields.TEXT:
    # Values may hold commas and spaces ("Quán triệt, phổ biến"), so they are joined by a control character.
    return fields.TEXT(analyzer=RegexTokenizer(r"[^\x1f]+"), phrase=False, stored=False)


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
        # The word view (pyvi's segmentation), tokenised in the worker processes: the writer only splits it
        # on spaces. Matching, facets and ranking read the folded syllables from the segment's companion
        # file (companion.py), which the same commit writes from the same analysis.
        title_words=fields.TEXT(analyzer=word_analyzer(), phrase=False, field_boost=2.0),
        body_words=fields.TEXT(analyzer=word_analyzer(), phrase=False),
        # Facets and filters.
        province=_facet(),
        province_new=_facet(),
        provinces=_facet(),
        year=_facet(),
        directive=_facet(),
        kind=_facet(),
    )


SCHEMA = build_schema()
