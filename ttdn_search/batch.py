"""`ttdn search --queries FILE`: one answer per line of a batch file, a bad line one error, the rest run."""

from __future__ import annotations

import json
from typing import Iterable, Iterator

from ttdn_search.errors import BadQuery, TtdnError, json_reason, shown
from ttdn_search.filters import Filters, from_batch
from ttdn_search.results import BatchLine

MAX_LIMIT = 10000  # hits one search may return (the CLI's -n has the same bound)


def _batch_limit(value, lineno: int) -> int:
    """A --queries line's "limit": a whole number 0..MAX_LIMIT (JSON gives strings, null, 1e400 too)."""
    if type(value) is float and value.is_integer():
        value = int(value)
    if type(value) is not int or not 0 <= value <= MAX_LIMIT:
        raise BadQuery(f"dòng {lineno}: \"limit\" phải là số nguyên từ 0 đến {MAX_LIMIT}, không phải "
                       f"{shown(json.dumps(value))}")
    return value


def _batch_sort(value, lineno: int) -> str:
    if value not in ("relevance", "date"):
        raise BadQuery(f"dòng {lineno}: \"sort\" phải là relevance hoặc date, không phải {shown(json.dumps(value))}")
    return value



def run_batch(searcher, lines: Iterable[str], filters: Filters | None = None, limit: int = 10, offset: int = 0,
              sort: str = "relevance", **options) -> Iterator[BatchLine]:
    """One answer per non-blank line (`--queries`): plain text, or a JSON object with "query", "qid",
    filters by name, "limit" and "sort"; a bad line gets an error, the rest still run. options: what
    `Searcher.search` takes besides (collapse, count)."""
    filters = filters or Filters()
    for lineno, line in enumerate(lines, 1):
        line = line.strip()
        if not line:
            continue
        qid = str(lineno)
        try:
            if any("\udc80" <= c <= "\udcff" for c in line):  # read with errors="surrogateescape"
                raise BadQuery(f"dòng {lineno}: không phải UTF-8")
            if line.startswith("{"):
                try:
                    rec = json.loads(line)
                except ValueError as exc:
                    raise BadQuery(f"dòng {lineno}: JSON hỏng: {json_reason(exc)}") from exc
                except RecursionError:
                    raise BadQuery(f"dòng {lineno}: JSON lồng quá sâu") from None
                if not isinstance(rec, dict):
                    raise BadQuery(f"dòng {lineno}: cần một đối tượng JSON {{\"query\": ...}}")
                qid = str(rec.get("qid", lineno))
                try:
                    line_filters = from_batch(filters, rec)
                except BadQuery as exc:
                    raise BadQuery(f"dòng {lineno}: {exc}") from None
                res = searcher.search(str(rec.get("query", "")), filters=line_filters,
                                  limit=_batch_limit(rec.get("limit", limit), lineno), offset=offset,
                                  sort=_batch_sort(rec.get("sort", sort), lineno), **options)
            else:
                res = searcher.search(line, filters=filters, limit=limit, offset=offset, sort=sort, **options)
            yield BatchLine(qid, res, line=lineno)
        except TtdnError as exc:
            yield BatchLine(qid, error=str(exc), line=lineno)

