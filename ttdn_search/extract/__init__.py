"""Taggers over an article: publication date, provinces, own province, years, cited documents, kind."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ._data import mark_normal, norm
from . import dates as _dates
from . import directives as _directives
from . import kinds as _kinds
from . import own_province as _own_province
from . import provinces as _provinces
from .directives import Directive

__all__ = ["Directive", "Tags", "tag"]


@dataclass
class Tags:
    """Everything the taggers say about one article (fields as in shared/eval/SPEC.md)."""

    date: str | None = None  # the publication date (SPEC.md): a byline, or the source record's date
    # Where `date` came from ("byline", "record"), or "event" when only the lead's event date is known.
    date_source: str | None = None
    event_date: str | None = None  # the date of the reported event, from the lead
    province: str | None = None
    provinces: list[str] = field(default_factory=list)
    provinces_new: list[str] = field(default_factory=list)
    years: list[int] = field(default_factory=list)
    directives: list[Directive] = field(default_factory=list)
    short_refs: list[str] = field(default_factory=list)
    kind: list[str] = field(default_factory=list)

    @property
    def when(self) -> str | None:
        """The article's date for filters, sorting, pages and its own year: published, else the event's."""
        return self.date or self.event_date

    def to_json(self) -> dict:
        return {
            "date": self.date,
            "date_source": self.date_source,
            "event_date": self.event_date,
            "province": self.province,
            "provinces": list(self.provinces),
            "provinces_new": list(self.provinces_new),
            "years": list(self.years),
            "directives": [d.id for d in self.directives],
            "directive_details": [d.to_json() for d in self.directives],
            "short_refs": list(self.short_refs),
            "kind": list(self.kind),
        }


def tag(article) -> Tags:
    """Tag one article (attributes id, title, text, date, meta_lines)."""
    # Articles from ingest are normalised already (Article.normalized); other objects are normalised here.
    fix = mark_normal if getattr(article, "normalized", False) else norm
    title = fix(getattr(article, "title", "") or "")
    text = fix(getattr(article, "text", "") or "")
    # The title is usually repeated as the first line of the page text; tag it once.
    body = text
    first = text.lstrip().split("\n", 1)[0].strip()
    if title and first == title.strip():
        body = text.lstrip().split("\n", 1)[1] if "\n" in text.lstrip() else ""
    full = mark_normal(f"{title}\n{body}" if title else body)
    # The body and the lead are cut from the normalised text at a line or a word's end: normal already
    # (each tagger that took them normalised them again).
    mark_normal(body)

    published, source = _dates.published_with_source(article)
    lead_text = mark_normal(_after_title(title, body))
    event = _dates.event_date(lead_text, published)

    found, shorts, spans = _directives.find_with_spans(full)
    # Numbers inside ids are not years, except the year of a normative id (72/2015/NĐ-CP).
    years = set(_dates.years(full, exclude=spans))
    for d in found:
        m = re.match(r"\d+[/-]((?:19|20)\d{2})/", d.id)
        if m:
            years.add(int(m.group(1)))
    for line in getattr(article, "meta_lines", None) or []:
        if _dates.byline_date([line]):
            years.add(int(_dates.byline_date([line])[:4]))

    # Unit names follow the publication date (Thừa Thiên Huế is Huế from 2025); undated: as written.
    provinces = _provinces.find_provinces(full, published)
    meta = [norm(x) for x in (getattr(article, "meta_lines", None) or [])]
    own = _own_province._own(title, body, meta, provinces, published)
    new = []
    for p in provinces:
        n = _provinces.new_unit(p)
        if n not in new:
            new.append(n)
    lead = re.split(r"(?<=[.!?])\s", lead_text.strip(), maxsplit=1)[0] if lead_text.strip() else ""
    return Tags(
        date=published,
        date_source=source or ("event" if event else None),
        event_date=event,
        province=own,
        provinces=provinces,
        provinces_new=new,
        years=sorted(years),
        directives=found,
        short_refs=shorts,
        kind=_kinds.find_kinds(title, lead),
    )


# How far into a page its headline may sit under banners and menus (raw pages keep them).
HEADLINE_WITHIN = 1500


def _after_title(title: str, body: str) -> str:
    """The text that follows the headline: the body itself, or for a raw page that repeats the headline
    under its banners, what follows the headline's last repetition near the top."""
    t = title.strip()
    if t and len(t) > 10:
        at = body.rfind(t, 0, HEADLINE_WITHIN + len(t))
        if at >= 0:
            return body[at + len(t):].lstrip()
    return body
