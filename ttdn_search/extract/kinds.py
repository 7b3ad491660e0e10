"""The article's own kind (hội nghị tổng kết, triển khai nhiệm vụ, kế hoạch...), on evidence in its title or
lead only: the cues, their cancelling senses, and examples and counter-examples are in data/kinds.json."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from ..normalize import normalize
from ._data import json_data

# A report names its event among the lead's first words ("Sáng 12/4, Sở Nội vụ tổ chức hội thảo ..."); a
# cue later in the sentence is background ("..., đúng lúc Bắc Kinh tổ chức diễn đàn Vành đai và Con đường").
LEAD_WORDS = 20
# A headline longer than this is a sentence (a record whose title is its first line): read it as a lead.
TITLE_CHARS = 150


@dataclass(frozen=True)
class Kind:
    name: str
    title: tuple[str, ...]
    lead: tuple[str, ...]
    not_: tuple[str, ...]
    examples: tuple[tuple[str, str], ...]
    counter_examples: tuple[tuple[str, str], ...]


@cache
def kinds() -> tuple[Kind, ...]:
    return tuple(
        Kind(k["kind"], tuple(k["title"]), tuple(k["lead"]), tuple(k.get("not", ())),
             tuple(tuple(x) for x in k.get("examples", ())), tuple(tuple(x) for x in k.get("counter_examples", ())))
        for k in json_data("kinds.json")["kinds"]
    )


def vocabulary() -> list[str]:
    """The controlled vocabulary of kinds."""
    return [k.name for k in kinds()]


def _key(text: str) -> str:
    """Lower-case NFC text, one tone-mark style, with " | " between sentences and phrases (a cue never
    spans them) and commas, dashes and quotes as spaces ("Kiểm tra, giám sát" holds "kiểm tra giám sát")."""
    text = normalize(text or "").lower()
    text = re.sub(r"[.;:!?()\[\]\n]+", " | ", text)
    return " " + " ".join(re.sub(r"[^\w|]+", " ", text).split()) + " "


def _has(key: str, cue: str) -> bool:
    return key.startswith(f" {cue[1:]} ") if cue.startswith("^") else f" {cue} " in key


# In a lead, an event named after these words is where something else was said, not what is reported:
# "Phát biểu tại Hội nghị sơ kết ...", "dự lễ trao giải Quả Bóng Vàng".
_MENTION_BEFORE = ("tại", "dự", "tham dự", "bên lề", "ngày trước", "sau", "theo", "tại lễ", "dự lễ", "tại buổi",
                   "dự buổi", "tại hội nghị")


def _reported(key: str, cue: str) -> bool:
    """A lead cue found at least once where it is not a mere mention (see _MENTION_BEFORE)."""
    at = key.find(f" {cue} ")
    while at >= 0:
        if not any(key[:at + 1].endswith(f" {w} ") for w in _MENTION_BEFORE):
            return True
        at = key.find(f" {cue} ", at + 1)
    return False


@cache
def _skip_all() -> tuple[str, ...]:
    return tuple(json_data("kinds.json").get("skip_all", ()))


# "Cuộc thi viết 'Tôi và Hà Nội': Phố cổ mùa thu" is an entry published under the contest's name.
_ENTRY = re.compile(r"^\s*(?:Cuộc thi|cuộc thi|CUỘC THI)[^:]{1,80}:\s*(?P<rest>.+)$")


def find_kinds(title: str, lead: str = "") -> list[str]:
    """The kinds the title shows, or failing that the lead sentence; a `not` cue in either cancels a kind."""
    entry = _ENTRY.match(title or "")
    if entry:
        title = entry.group("rest")
    t, l = _key(title), _key(lead)
    if len(title or "") > TITLE_CHARS:
        t, l = " ", _key(title)
    l = " " + " ".join(l.split()[:LEAD_WORDS]) + " "
    # Each list of cues is first asked as one pattern (most title and lead hold none of a kind's cues);
    # only a list with a hit is read cue by cue, as before.
    skip, by_kind = _cue_patterns()
    if skip.holds(t, l) and any(_has(t, c) or _has(l, c) for c in _skip_all()):
        return []
    live = [(k, rx) for k, rx in zip(kinds(), by_kind)
            if not (rx[0].holds(t, l) and any(_has(t, c) or _has(l, c) for c in k.not_))]
    return [k.name for k, rx in live if rx[1].holds(t, "") and any(
        _has(t, c) and (c.startswith("^") or _reported(t, c)) for c in k.title)] or \
        [k.name for k, rx in live if rx[2].holds("", l) and any(_reported(l, c) for c in k.lead)]


class _Cues:
    """Whether a key could hold one of a list of cues (`_has`): a superset test, in one search per key."""

    def __init__(self, cues):
        plain = [re.escape(c) for c in cues if not c.startswith("^")]
        self.plain = re.compile(" (?:" + "|".join(plain) + ") ") if plain else None
        self.first = tuple(f" {c[1:]} " for c in cues if c.startswith("^"))

    def holds(self, t: str, l: str) -> bool:
        if self.first and (t.startswith(self.first) or l.startswith(self.first)):
            return True
        return self.plain is not None and bool(self.plain.search(t) or self.plain.search(l))


@cache
def _cue_patterns() -> tuple[_Cues, list[tuple[_Cues, _Cues, _Cues]]]:
    return _Cues(_skip_all()), [(_Cues(k.not_), _Cues(k.title), _Cues(k.lead)) for k in kinds()]
