"""The one index schema, its field names and its version."""

from __future__ import annotations

from whoosh import fields

# Bump when the schema or the analysis changes in a way that old indexes cannot serve.
SCHEMA_VERSION = 4


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
        # Nothing else: matching, facets, ranking and the word vocabulary are in each segment's companion
        # file (companion.py), which the same commit writes. Whoosh keeps the documents and their ids.
    )


SCHEMA = build_schema()
