"""Turn a saved HTML page into text lines, dropping scripts, navigation and link lists by their structure."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

# Elements whose text is never article text.
_SKIP = {"script", "style", "noscript", "template", "svg", "nav", "footer", "aside", "form", "button",
         "select", "iframe", "head", "menu"}
_BLOCK = {"p", "div", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "td", "th", "br",
          "section", "article", "header", "table", "blockquote", "figcaption", "figure", "dd", "dt", "pre"}
_VOID = {"br", "img", "hr", "meta", "link", "input", "source", "wbr", "area", "base", "col", "embed", "param", "track"}
_DATE_META = ("article:published_time", "datepublished", "pubdate", "publishdate", "date", "dc.date.issued")


@dataclass
class HtmlPage:
    title: str | None
    lines: list[str]
    date: str | None = None
    url: str | None = None
    meta_lines: list[str] = field(default_factory=list)


class _Extractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.skip_depth = 0
        self.stack: list[str] = []
        # How many of each tag are open: an end tag checks it in O(1), so 50,000 nested <div>s stay linear.
        self.open_count: dict[str, int] = {}
        self.blocks: list[tuple[str, int]] = []  # (text, chars inside links)
        self.buf: list[str] = []
        self.link_chars = 0
        self.in_link = 0
        self.h1: str | None = None
        self.in_h1 = False
        self.h1_buf: list[str] = []
        self.title_tag: str | None = None
        self.in_title = False
        self.meta: dict[str, str] = {}

    def _flush(self) -> None:
        text = re.sub(r"\s+", " ", "".join(self.buf)).strip()
        if text:
            self.blocks.append((text, self.link_chars))
        self.buf = []
        self.link_chars = 0

    def handle_starttag(self, tag, attrs):
        a = {k.lower(): (v or "") for k, v in attrs}
        if tag == "meta":
            key = (a.get("property") or a.get("name") or a.get("itemprop") or "").lower()
            if key and a.get("content"):
                self.meta[key] = a["content"]
            return
        if tag == "time" and a.get("datetime"):
            self.meta.setdefault("time", a["datetime"])
        if tag == "title":
            self.in_title = True
        if tag in _VOID:
            if tag == "br":
                self._flush()
            return
        self.stack.append(tag)
        self.open_count[tag] = self.open_count.get(tag, 0) + 1
        if tag in _SKIP or self.skip_depth:
            self.skip_depth += 1
            return
        if tag in _BLOCK:
            self._flush()
        if tag == "a":
            self.in_link += 1
        if tag == "h1" and self.h1 is None:
            self.in_h1 = True

    def handle_endtag(self, tag):
        if tag == "title":
            self.in_title = False
        if tag in _VOID:
            return
        # Tolerate unbalanced markup: pop to the matching tag if it is open.
        if not self.open_count.get(tag):
            return
        while self.stack:
            top = self.stack.pop()
            self.open_count[top] -= 1
            if self.skip_depth:
                self.skip_depth -= 1
            elif top == "a":
                self.in_link = max(0, self.in_link - 1)
            elif top == "h1" and self.in_h1:
                self.in_h1 = False
                self.h1 = re.sub(r"\s+", " ", "".join(self.h1_buf)).strip() or None
            if top in _BLOCK:
                self._flush()
            if top == tag:
                break

    def handle_data(self, data):
        if self.in_title and not self.skip_depth:
            self.title_tag = ((self.title_tag or "") + data).strip()
            return
        if self.skip_depth:
            return
        self.buf.append(data)
        if self.in_link:
            self.link_chars += len(data.strip())
        if self.in_h1:
            self.h1_buf.append(data)


def html_to_page(html: str) -> HtmlPage:
    """Text lines of an HTML page; blocks that are mostly link text (menus, related lists) are dropped."""
    p = _Extractor()
    try:
        p.feed(html)
        p.close()
    except (AssertionError, ValueError):
        pass
    p._flush()
    lines, meta_lines = [], []
    for text, link_chars in p.blocks:
        visible = len(text.replace(" ", ""))
        if visible and link_chars / visible > 0.6:
            meta_lines.append(text)
        else:
            lines.append(text)
    title = p.h1 or p.meta.get("og:title") or p.title_tag
    date = None
    for key in _DATE_META + ("time",):
        m = re.match(r"((?:19|20)\d{2})-(\d{2})-(\d{2})", p.meta.get(key, ""))
        if m:
            date = "-".join(m.groups())
            break
    url = p.meta.get("og:url")
    return HtmlPage(title=title, lines=lines, date=date, url=url, meta_lines=meta_lines)
