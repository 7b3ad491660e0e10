"""The one index schema, its field names and its version."""

from __future__ import annotations

from whoosh import fields
from whoosh.analysis import RegexTokenizer
from whoosh.columns import VarBytesColumn

from ttdn_search.analysis import word_analyzer

# Bump when the schema or the analysis changes in a way that old indexes cannot serve.
SCHEMA_VERSION = 2

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
        # Three views of the title and the body (see analysis.py), tokenised in the worker processes:
        # the writer only splits them on spaces.
        title_words=fields.TEXT(analyzer=word_analyzer(), phrase=False, field_boost=2.0),
        body_words=fields.TEXT(analyzer=word_analyzer(), phrase=False),
        title_syl=fields.TEXT(analyzer=word_analyzer(), phrase=True, field_boost=2.0),
        body_syl=fields.TEXT(analyzer=word_analyzer(), phrase=True),
        # The folded view of title and body together decides what matches (one term per query syllable,
        # not a union of two); both folded views are stored so the re-ranker reads them without analysis.
        title_fold=fields.TEXT(analyzer=word_analyzer(), phrase=True, stored=True, field_boost=2.0),
        all_fold=fields.TEXT(analyzer=word_analyzer(), phrase=True, stored=True),
        # Facets and filters.
        province=_facet(),
        province_new=_facet(),
        provinces=_facet(),
        year=_facet(),
        directive=_facet(),
        kind=_facet(),
        # All facet values of a document in one column, read per hit to count facets quickly.
        facets=fields.COLUMN(VarBytesColumn()),
    )


SCHEMA = build_schema()
