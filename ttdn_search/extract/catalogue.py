"""The documents central to thông tin đối ngoại work: titles, dates and issuers for display and lookup."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from ..normalize import normalize
from ._data import json_data


@dataclass(frozen=True)
class CatalogueEntry:
    """One central document: canonical id, type name, issuing body, issue date (YYYY-MM-DD) and title."""

    id: str
    type: str
    issuer: str
    date: str | None
    title: str


@cache
def _entries() -> tuple[CatalogueEntry, ...]:
    rows = json_data("catalogue.json")["entries"]
    return tuple(
        CatalogueEntry(normalize(r["id"]), normalize(r["type"]), normalize(r["issuer"]), r.get("date"), normalize(r["title"]))
        for r in rows
    )


@cache
def _by_id() -> dict[str, CatalogueEntry]:
    return {e.id: e for e in _entries()}


def entries() -> list[CatalogueEntry]:
    """All catalogue entries, in the order of the data file."""
    return list(_entries())


def get(id: str) -> CatalogueEntry | None:
    """The entry for a canonical id, or for any spelling of it ("57-kl/tw"); None when not catalogued."""
    hit = _by_id().get(normalize(id).strip())
    if hit is None:
        from .directives import canonical

        c = canonical(id)
        hit = _by_id().get(c) if c else None
    return hit
