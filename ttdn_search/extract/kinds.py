"""The article's own kind (hội nghị tổng kết, triển khai nhiệm vụ, kế hoạch...) from its title and lead."""

from __future__ import annotations

import re
from functools import cache

from ..normalize import fold
from ._data import json_data


@cache
def _kinds() -> tuple[tuple[str, tuple[str, ...]], ...]:
    return tuple((k["kind"], tuple(k["phrases"])) for k in json_data("kinds.json")["kinds"])


def vocabulary() -> list[str]:
    """The controlled vocabulary of kinds."""
    return [k for k, _ in _kinds()]


def find_kinds(title: str, lead: str = "") -> list[str]:
    """Kinds shown by the title, or by the lead sentence when the title shows none."""
    for source in (title, lead):
        key = " " + re.sub(r"[^\w]+", " ", fold(source or "")) + " "
        found = [kind for kind, phrases in _kinds() if any(f" {p} " in key for p in phrases)]
        if found:
            return found
    return []
