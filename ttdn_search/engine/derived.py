"""What an index run writes after its last commit, derived from the index and rebuilt when damaged:
vocab.bin (engine/vocab.py), copies.bin (engine/groups.py) and facets.bin (engine/listed.py), each from
the one before and what the run changed where it can, else from every segment."""

from __future__ import annotations

from pathlib import Path


def write_vocab_after(reader, index_dir: Path, segments_before: set[str], incremental: bool, merged=None,
                      merging_new=()) -> None:
    """vocab.bin: the one before with the words this run added (its new segments', and `merging_new`, the
    words of those its merge took in), when every segment before is still there or went into this run's
    merge; else from every segment."""
    from ttdn_search.engine.vocab import write_vocab

    view = reader.segments()
    try:
        parts = view.companions()
        into = dict(merged.into) if merged is not None else {}
        kept = {sid for sid, _ in parts} | {sid for sources in into.values() for sid, _ in sources}
        incremental = incremental and segments_before <= kept
        new = [comp for sid, comp in parts if sid not in segments_before and sid not in into] + list(merging_new)
        write_vocab(index_dir, view.iter_words(), new if incremental else None)
    finally:
        view.close()


class _Words:
    """A segment's words, read before a merge took its companion away (write_vocab asks iter_words)."""

    def __init__(self, words: list):
        self.words = words

    def iter_words(self):
        return iter(self.words)


def words_of(store, segment_ids: set[str]) -> list[_Words]:
    """The words of these segments of a store, read now."""
    if not segment_ids:
        return []
    reader = store.reader()
    try:
        view = reader.segments()
        try:
            return [_Words(list(comp.iter_words())) for sid, comp in view.companions() if sid in segment_ids]
        finally:
            view.close()
    finally:
        reader.close()


def write_groups_after(reader, index_dir: Path, generation: int, merged=None) -> int:
    """copies.bin for the committed generation, unless it holds it already (a run that changed nothing):
    from the groups before and what changed (engine/regroup.py; `merged`: what this run's merge did),
    else found from every signature. The latest commit stamp of the index."""
    from ttdn_search.engine.groups import Groups, find_labels, read_stored, write_groups
    from ttdn_search.engine.regroup import regroup

    view = reader.segments()
    try:
        stored = read_stored(index_dir)
        if stored is None or not stored.holds(generation, view):
            labels = regroup(view, stored, merged)
            write_groups(index_dir, generation, view,
                         Groups.from_labels(find_labels(view) if labels is None else labels))
        return view.latest_stamp()
    finally:
        view.close()


def write_facets_after(reader, index_dir: Path, generation: int) -> None:
    """facets.bin for the committed generation (engine/listed.py), unless it holds it already."""
    from ttdn_search.engine.listed import write_listed

    view = reader.segments()
    try:
        if view.parts and view.wide() is None:
            write_listed(index_dir, generation, view)
    finally:
        view.close()
