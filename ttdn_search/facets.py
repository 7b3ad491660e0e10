"""Facet values of an article's tags: what the province, year, directive and kind facets count."""

from __future__ import annotations

# Facet name -> label shown to users.
FACET_LABELS = {
    "province": "Tỉnh/thành",
    "province_new": "Đơn vị sau 1/7/2025",
    "year": "Năm",
    "mentioned_year": "Năm được nhắc đến",
    "directive": "Văn bản được dẫn",
    "kind": "Loại bài",
}
FACET_NAMES = tuple(FACET_LABELS)
# The short labels of the CLI's one-line facet summary, in its order (province_new is left out there).
FACET_SHORT = {"province": "Tỉnh", "year": "Năm", "directive": "Văn bản", "kind": "Loại"}
# The facets whose values are shown in order of time when asked (`order="time"`), newest first.
TIME_FACETS = ("year", "mentioned_year")


def facet_values(tags) -> dict[str, list[str]]:
    """Values of every facet for one article's tags (lists, possibly empty).

    `province` is the article's own unit among the 63 (one value per unit: Thừa Thiên Huế, called Huế
    from 2025, is one value), `province_new` the unit after 1 July 2025 that holds it; `year` is the
    year of the article's own date (published, else its event's) and `mentioned_year` the years its
    text refers to.
    """
    from ttdn_search.extract.provinces import lookup

    unit = lookup(tags.province) if tags.province else None
    when = tags.when
    return {
        "province": [unit_name(tags.province)] if unit else [],
        "province_new": [unit.new_unit] if unit else [],
        "year": [when[:4]] if when else [],
        "mentioned_year": [str(y) for y in sorted(set(tags.years))],
        "directive": sorted({d.id for d in tags.directives}),
        "kind": list(tags.kind),
    }


def unit_name(name: str) -> str:
    """The province facet's value for a unit's name: its name among the 63 units of before 1 July 2025
    ("Huế" -> "Thừa Thiên Huế"); a unit only the 34 have keeps its name."""
    from ttdn_search.extract.provinces import old_unit

    return old_unit(name) or name


def new_unit_of(province: str | None) -> str | None:
    """The unit after 1 July 2025 that holds a province (None for none or an unknown name)."""
    from ttdn_search.extract.provinces import lookup

    unit = lookup(province) if province else None
    return unit.new_unit if unit else None
