"""What the CLI prints for a person: a result as lines of text. Styling (bold, marks) is the caller's
(cli.py, the only click user), passed in as functions."""

from __future__ import annotations

import html
import re
from typing import Callable, Iterator

from ttdn_search.facets import FACET_SHORT
from ttdn_search.filters import BY_NAME, FACET_FILTER
from ttdn_search.results import SearchResult, copies_note, interpreted_note, match_note
from ttdn_search.timeline import spark_line

Style = Callable[[str], str]

# `ttdn search --help`: what a query may hold.
SEARCH_HELP = """Tìm kiếm bài viết / search articles.

\b
Ví dụ:
  ttdn search "hội nghị tổng kết thông tin đối ngoại" -p "Nghệ An"
  ttdn search 'province:"Hưng Yên" year:2019 directive:59-KH/BCĐTTĐN'
  ttdn search "57-kl/tw" --sort date --json
  ttdn search --queries queries.jsonl --nl

\b
Cú pháp / syntax:
  thông tin đối ngoại    các từ như đã gõ: dấu như đã gõ, mỗi từ đứng liền
  thong tin doi ngoai    không dấu: mọi cách bỏ dấu (đ = d)
  "đối ngoại tỉnh"       một cụm chính xác / an exact phrase
  Huế OR "Đà Nẵng"       một trong hai; AND và ( ) để nhóm
  NOT covid, -covid, -"Hà Nội"   loại bài chứa từ hoặc cụm đó / exclude
  province:"Nghệ An" year:2024 directive:57-KL/TW kind:"Hội nghị tổng kết"
  unit:"Lâm Đồng" (đơn vị sau 1/7/2025)  mentioned:2030 (năm bài nhắc đến)
Truy vấn bắt đầu bằng "-": ttdn search -- -covid (hoặc "-covid").
Khi không bài nào chứa đúng như đã gõ, kết quả nới dần (bỏ dấu, từ đứng rời, phần lớn các từ)
và dòng đầu nói rõ điều đó.
"""

_MARK = re.compile(r"<mark>(.*?)</mark>", re.S)


def terminal_snippet(snippet_html: str, mark: Style = str) -> str:
    """A snippet for the terminal: marks styled, HTML entities undone, on one line."""
    parts, pos = [], 0
    for m in _MARK.finditer(snippet_html):
        parts.append(html.unescape(snippet_html[pos : m.start()]))
        parts.append(mark(html.unescape(m.group(1))))
        pos = m.end()
    parts.append(html.unescape(snippet_html[pos:]))
    return "".join(parts).replace("\n", " ")


def _directive_heads(res: SearchResult, bold: Style) -> Iterator[str]:
    for d in res.directives:
        desc = " · ".join(x for x in (d.type, d.issuer, d.date, d.title) if x)
        yield bold(d.id) + (f"  {desc}" if desc else "")


def result_lines(res: SearchResult, bold: Style = str, mark: Style = str) -> Iterator[str]:
    """`ttdn search`: the count, what answered, the suggestion, each hit, a one-line facet summary."""
    yield from _directive_heads(res, bold)
    yield f"{res.total} kết quả cho «{res.query}» ({res.took_ms:.1f} ms)"
    for note in (interpreted_note(res), match_note(res.interpreted or res.query, res.match, res.total),
                 copies_note(res), *res.notes):
        if note:
            yield note
    if res.suggestion:
        yield f"Có phải bạn muốn tìm: {bold(res.suggestion)}"
    for i, h in enumerate(res.hits, res.offset + 1):
        meta = " · ".join(x for x in (h.date, h.province, ", ".join(h.directives[:4])) if x)
        yield f"{i}. {bold(h.title)}" + (f"  [{meta}]" if meta else "")
        yield f"   {h.id}"
        if h.snippet:
            yield "   " + terminal_snippet(h.snippet, mark)
        if h.copies_total:
            more = h.copies_total - len(h.copies)
            yield (f"   Đăng lại {h.copies_total} lần: " + ", ".join(c["id"] for c in h.copies)
                   + (f" và {more} bài khác" if more > 0 else ""))
    summary = []
    for name, label in FACET_SHORT.items():
        vals = res.facets.get(name) or []
        if vals:
            # The option beside the label: each value typed back after it selects exactly its count.
            summary.append(f"{label} ({BY_NAME[FACET_FILTER[name]].flags[0]}): "
                           + ", ".join(f"{c.value} ({c.count})" for c in vals[:5]))
    if summary:
        yield "— " + ("Đếm theo tin (bản đăng lại tính một lần): " if res.count_unit == "groups" else "") + " | ".join(summary)
    line = spark_line(res.timeline, res.undated)
    if line:
        yield "— " + line


def watch_lines(news) -> Iterator[str]:
    """`ttdn watch run`: for each saved search, how many articles are new since when, and the newest."""
    if not news:
        yield "Chưa có tìm kiếm nào được lưu. Thêm bằng: ttdn watch add TÊN \"câu tìm\" [bộ lọc]"
    for n in news:
        res, since = n.result, n.since[:16].replace("T", " ")
        head = f"{n.watch.name}: {n.watch.describe()}"
        if not res.total:
            yield f"{head}: không có bài mới" + (f" từ {since}." if since else ".")
            continue
        copies = f", {res.groups} tin khác nhau" if res.groups != res.total else ""
        yield f"{head}: {res.total} bài mới{copies}" + (f" từ {since}" if since else "") + ":"
        for i, h in enumerate(res.hits, 1):
            meta = " · ".join(x for x in (h.date, h.province) if x)
            again = f" · đăng lại {h.copies_total} lần" if h.copies_total else ""
            yield f"  {i}. {h.title}" + (f"  [{meta}{again}]" if meta or again else "") + f"  ({h.id})"
        if res.groups > len(res.hits):
            back = f" --since {n.since[:19]}" if n.since else ""
            yield (f"  … và {res.groups - len(res.hits)} tin nữa; xem lại cả lần này: "
                   f"ttdn watch run {n.watch.name}{back} -n {res.groups}")


def directive_lines(res: SearchResult, query: str, offset: int, bold: Style = str) -> Iterator[str]:
    """`ttdn directive`: the document(s), how many articles cite them, by province and year, the articles."""
    if len(res.directives) > 1:
        yield f"«{query}» có thể là {len(res.directives)} văn bản; kết quả gồm tất cả. Chọn một bằng số hiệu đầy đủ:"
    note = interpreted_note(res)
    if note:
        yield note
    if not res.directives:
        yield f"Không bài nào trong chỉ mục dẫn «{query}» (0 bài)."
        return
    yield from _directive_heads(res, bold)
    yield f"{res.total} bài dẫn văn bản này."
    note = copies_note(res)
    if note:
        yield note
    for name, label in (("province", "Theo tỉnh"), ("province_new", "Theo đơn vị sau 1/7/2025"), ("year", "Theo năm")):
        values = res.facets.get(name) or []
        if values:
            yield f"{label}: " + ", ".join(f"{c.value} ({c.count})" for c in values)
    line = spark_line(res.timeline, res.undated)
    if line:
        yield line
    summary = res.summary or {}
    if summary.get("cited_with"):
        yield "Thường được dẫn cùng: " + ", ".join(f"{c['id']} ({c['count']})" for c in summary["cited_with"])
    for key, label in (("first", "Bài đầu tiên"), ("latest", "Bài mới nhất")):
        a = summary.get(key)
        if a:
            yield f"{label}: {a['date']} · {a['title']}" + (f" · {a['province']}" if a["province"] else "") + f"  ({a['id']})"
    for i, h in enumerate(res.hits, offset + 1):
        meta = " · ".join(x for x in (h.date, h.province) if x)
        again = f" · đăng lại {h.copies_total} lần: " + ", ".join(c["id"] for c in h.copies) if h.copies_total else ""
        yield f"{i}. {h.title}" + (f"  [{meta}]" if meta else "") + f"  ({h.id}){again}"


def show_lines(doc: dict, bold: Style = str) -> Iterator[str]:
    """`ttdn show`: the headline, the stored fields, every tag (the tags' own date once), the text."""
    import json

    yield bold(doc.get("title") or "")
    shown_keys = ("id", "date", "source", "url", "path")
    for key in shown_keys:
        if doc.get(key):
            yield f"{key}: {doc[key]}"
    for key, value in (doc.get("tags") or {}).items():
        if value and not (key in shown_keys and value == doc.get(key)):  # the tags' date is the article's
            yield f"{key}: {json.dumps(value, ensure_ascii=False) if not isinstance(value, str) else value}"
    yield ""
    yield doc.get("text") or ""


def stats_lines(st: dict) -> Iterator[str]:
    """`ttdn stats`."""
    yield f"Chỉ mục: {st['index_dir']}"
    yield f"Số bài: {st['articles']}"
    c = st.get("copies") or {}
    if c.get("groups"):
        yield f"Bản đăng lại: {c['articles']} bài trong {c['groups']} nhóm ({st['articles'] - c['articles'] + c['groups']} tin khác nhau)"
    yield f"Dung lượng: {st['size_bytes'] / 1e6:.1f} MB"
    yield f"Cập nhật lần cuối: {st['last_update']}"
    yield "Số giá trị mỗi nhóm lọc: " + ", ".join(f"{k} {v}" for k, v in st["facets"].items())


def tag_lines(doc_id: str, title: str, tags: dict, bold: Style = str) -> Iterator[str]:
    """`ttdn extract`: an article's id and headline, then each tag that has a value, and a blank line."""
    yield bold(title or doc_id)
    yield f"  id: {doc_id}"
    labels = (("date", "ngày đăng"), ("event_date", "ngày sự kiện"), ("province", "tỉnh của bài"),
              ("provinces", "các tỉnh nhắc đến"), ("provinces_new", "đơn vị sau 1/7/2025"),
              ("years", "năm nhắc đến"), ("directives", "văn bản dẫn"), ("short_refs", "dẫn tắt"), ("kind", "loại bài"))
    for key, label in labels:
        value = tags.get(key)
        if value:
            yield f"  {label}: " + (", ".join(str(v) for v in value) if isinstance(value, list) else str(value))
    yield ""


def skipped_summary(skipped) -> str:
    """One line after `ttdn index`: how many inputs were skipped, grouped by reason, where (the lines)."""
    groups: dict[str, list[str]] = {}
    for sk in skipped:
        # One group per kind of reason: "trùng id '…'" for every id, "(có byte NUL ở vị trí …)" dropped.
        reason = " ".join(re.sub(r"\s*\([^)]*\)|'[^']*'", lambda m: "" if m.group().lstrip().startswith("(") else "…",
                                 sk.reason).split())
        where = f"{sk.path}:{sk.line}" if sk.line else sk.path
        groups.setdefault(reason, []).append(where)
    parts = []
    for reason, where in sorted(groups.items(), key=lambda kv: -len(kv[1])):
        shown = ", ".join(where[:3]) + (f", … (+{len(where) - 3})" if len(where) > 3 else "")
        parts.append(f"{len(where)} × {reason} ({shown})")
    return f"Đã bỏ qua {len(skipped)} mục: " + "; ".join(parts) + "."
