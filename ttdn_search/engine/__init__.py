"""The search engine under ttdn-search: a document store (Whoosh) and, per segment, a companion file.

    format.py         the companion format: its version, structs, key alphabet, folding and hashing
                      (byte by byte in FORMAT.md)
    bitmaps.py        document sets as Python ints
    companion.py      one companion file: Builder writes it, Companion reads it
    segments.py       every segment's companion as one document space (checked against the store)
    whoosh_store.py   the only module that imports whoosh: schema, writer, reader, segment list
    match.py          a query tree -> the bitmap of matching documents
    rank.py           candidates and their scores (BM25 + phrase, exact-diacritic and word evidence)
    facet_counts.py   facet counts of a set of documents
    vocab.py          the index's own vocabulary (compounds, accented spellings; vocab.bin)
    listed.py         facet values', facets' and months' sets index-wide (facets.bin)
"""
