"""Facet values of an article's tags: what the province, year, directive and kind facets count."""

from __future__ import annotations

# Facet name -> label shown to users.
FACET_LABELS = {
    "province": "Tỉnh/thành",
    "province_new": "Đơn vị sau 1/7/2025",
    "year": "Năm",
    "directive": "Văn bản được dẫn",
    "kind": "Loại bài",
}
FACET_NAMES = tuple(FACET_LABELS)
# The short labels of the CLI's one-line facet summary, in its order (province_new is left out there).
FACET_SHORT = {"province": "Tỉnh", "year": "Năm", "directive": "Văn bản", "kind": "Loại"}


def facet_values(tags) -> dict[str, list[str]]:
    """Values of every facet for one article's tags (lists, possibly empty).

    `year` is the years the article is about or was published in: a 2020 review published in January
    2021 is found under both years.
    """
    from ttdn_search.extract.provinces import new_unit

    province = [tags.province] if tags.province else []
    years = set(tags.years)
    if tags.date:
        years.add(int(tags.date[:4]))
    return {
        "province": province,
        "province_new": sorted({new_unit(p) for p in province if new_unit(p)}),
        "year": [str(y) for y in sorted(years)],
        "directive": sorted({d.id for d in tags.directives}),
        "kind": list(tags.kind),
    }
