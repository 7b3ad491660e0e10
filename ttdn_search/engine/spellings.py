"""How the word views of a companion's documents write a run of folded syllables, read in place
(Companion.spellings, the suggester's "did you mean" with diacritics): a part of the companion's reader,
kept apart for its size."""

from __future__ import annotations

import itertools
import math
import re

from ttdn_search.engine import format as F
from ttdn_search.normalize import fold


def spellings(comp, docnums: list[int], folded: list[str]) -> dict[str, int]:
    """How the word views of `docnums` write a run of folded syllables: spelling ("võ văn thưởng") ->
    times found. A code is folded the first time a document shows it (cached per open file, with the
    codes of each folded syllable), and the run is looked for as codes: no document is decoded."""
    if not folded:
        return {}
    names = comp._syllables()
    folds, by_fold = comp._folds, comp._by_fold
    mm = comp._mm
    find = mm.find
    sep = F.VIEW_SEP
    gone = F.WORD_SEP + F.LINE
    none: frozenset = frozenset()
    out: dict[str, int] = {}
    for _, s, e in comp._located(docnums):
        j = find(sep, find(sep, s, e) + 1, e) + 1
        text = mm[j : find(sep, j, e)].translate(None, gone).decode("utf-8")
        chars = set(text)
        for c in chars.difference(folds):
            f = folds[c] = fold(names[F.code_rank(c)])
            by_fold.setdefault(f, set()).add(c)
        classes = [sorted(by_fold.get(f, none) & chars) for f in folded]
        if not all(classes):
            continue
        if math.prod(map(len, classes)) <= 16:  # a few spellings: count each (str.count, no regex)
            runs = ["".join(r) for r in itertools.product(*classes)]
            if len(set(runs[0])) < len(runs[0]) and len(runs) > 1:
                runs = []  # a syllable repeated ("viet nam viet nam"): spellings may overlap, see below
            for run in runs:
                n = text.count(run)
                if n:
                    spelling = " ".join(names[F.code_rank(c)] for c in run)
                    out[spelling] = out.get(spelling, 0) + n
            if runs:
                continue
        pattern = "".join("[" + "".join(map(re.escape, c)) + "]" for c in classes)
        for m in re.finditer(pattern, text):  # non-overlapping, left to right
            spelling = " ".join(names[F.code_rank(c)] for c in m.group())
            out[spelling] = out.get(spelling, 0) + 1
    return out
