"""Parse and analyse what a user types: words, "phrases", AND/OR/NOT, parentheses, field:value filters.

Consecutive plain words stay together as one run, so a multi-syllable word is never split before
analysis (Whoosh's own parser splits on whitespace first, which breaks "thông tin" into two words).
`analyse` parses a query once and analyses each run of words once (normalised, tokens, exact and folded
keys); matching, ranking, highlighting and suggestions all read that one `AnalysedQuery`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ttdn_search.analysis import iter_tokens
from ttdn_search.engine.format import fold_keys
from ttdn_search.errors import BadQuery
from ttdn_search.filters import FIELD_ALIASES
from ttdn_search.normalize import has_diacritics, normalize


@dataclass
class Run:
    """One run of query words (a Text or a Phrase), analysed: its normalised text, its exact syllable
    keys (diacritics kept, lower case), the same folded, and whether it was typed with diacritics.
    `words` are the index's own words among its syllables, filled in by matching (engine.match)."""

    text: str
    keys: list[str]
    folded: list[str]
    accented: bool
    phrase: bool = False
    words: list[str] = field(default_factory=list)


def analyse_run(text: str, phrase: bool = False) -> Run:
    norm = normalize(text)
    keys = [key for _, key, _, _ in iter_tokens(norm)]
    return Run(norm, keys, fold_keys(keys).split() if keys else [], has_diacritics(text), phrase)


@dataclass
class Text:
    """A run of plain words."""

    text: str
    run: Run | None = field(default=None, compare=False, repr=False)


@dataclass
class Phrase:
    """Words in quotes: they must stand together in this order."""

    text: str
    run: Run | None = field(default=None, compare=False, repr=False)


@dataclass
class Not:
    node: object


@dataclass
class And:
    items: list = field(default_factory=list)


@dataclass
class Or:
    items: list = field(default_factory=list)


@dataclass
class ParsedQuery:
    """The text part of a query (None when it has none) and the filters written inside it."""

    node: object | None
    filters: dict[str, list[str]]
    unknown_fields: list[str] = field(default_factory=list)


# "name:" that is no filter but part of what is searched (a link), not worth a note.
NOT_FIELDS = {"http", "https", "ftp", "mailto", "www", "tel", "file"}

_TOKEN = re.compile(
    r'\s*(?:(?P<field>[A-Za-z_]+):(?:"(?P<fq>[^"]*)"?|(?P<fv>[^\s()"]+))'
    r'|"(?P<phrase>[^"]*)"?|(?P<lp>\()|(?P<rp>\))|(?P<word>[^\s()"]+))'
)


def _lex(q: str, unknown: list[str] | None = None) -> list[tuple[str, str]]:
    """The query's tokens; the names of name:value pairs that are no filter are added to `unknown`."""
    out: list[tuple[str, str]] = []
    pos = 0
    while pos < len(q):
        m = _TOKEN.match(q, pos)
        if not m or m.end() == pos:
            break
        pos = m.end()
        if m.group("field") is not None:
            name = FIELD_ALIASES.get(m.group("field").lower())
            value = m.group("fq") if m.group("fq") is not None else m.group("fv")
            if name:
                out.append(("field", f"{name}\x00{value}"))
            else:
                out.append(("word", m.group(0).strip()))
                if unknown is not None and m.group("field").lower() not in NOT_FIELDS:
                    unknown.append(m.group("field"))
        elif m.group("phrase") is not None:
            out.append(("phrase", m.group("phrase")))
        elif m.group("lp"):
            out.append(("(", "("))
        elif m.group("rp"):
            out.append((")", ")"))
        else:
            w = m.group("word")
            if w in ("AND", "&&"):
                out.append(("and", w))
            elif w in ("OR", "||"):
                out.append(("or", w))
            elif w == "NOT":
                out.append(("not", w))
            elif w == "-" and q[pos : pos + 1] in ('"', "("):  # -"Hà Nội", -(...): NOT the phrase or group
                out.append(("not", "-"))
            elif w.startswith("-") and len(w) > 1 and not w[1].isdigit():
                out.append(("not", "-"))
                out.append(("word", w[1:]))
            else:
                out.append(("word", w))
    return out


def lex_words(q: str) -> list[tuple[str, str]]:
    """The query cut into ("words", text), ("phrase", text) and ("syntax", text as typed) pieces that join
    back into it: what a suggestion respells, and what it keeps."""
    out: list[tuple[str, str]] = []
    pos = 0
    while pos < len(q):
        m = _TOKEN.match(q, pos)
        if not m or m.end() == pos:
            out.append(("syntax", q[pos:]))
            break
        lead = m.group(0)[: len(m.group(0)) - len(m.group(0).lstrip())]
        body = m.group(0)[len(lead):]
        if lead:
            out.append(("syntax", lead))
        w = m.group("word")
        if m.group("phrase") is not None:
            out.append(("phrase", m.group("phrase")))
        elif w is not None and w not in ("AND", "&&", "OR", "||", "NOT", "-"):
            if w.startswith("-") and len(w) > 1 and not w[1].isdigit():
                out += [("syntax", "-"), ("words", w[1:])]
            else:
                out.append(("words", w))
        else:
            out.append(("syntax", body))
        pos = m.end()
    # Adjacent words with only white space between them are one run.
    merged: list[tuple[str, str]] = []
    for kind, text in out:
        if kind == "words" and len(merged) >= 2 and merged[-2][0] == "words" and merged[-1] == ("syntax", merged[-1][1]) \
                and not merged[-1][1].strip():
            sep = merged.pop()[1]
            merged[-1] = ("words", merged[-1][1] + sep + text)
        else:
            merged.append((kind, text))
    return merged


# Brackets and NOTs nested deeper than this are read as plain grouping: no one means 1,000 "(" and the
# recursive descent would run out of stack.
MAX_DEPTH = 32


class _Parser:
    def __init__(self, tokens: list[tuple[str, str]]):
        self.toks = tokens
        self.i = 0
        self.depth = 0
        self.filters: dict[str, list[str]] = {}

    def peek(self) -> str | None:
        return self.toks[self.i][0] if self.i < len(self.toks) else None

    def parse(self):
        node = self.or_expr()
        while self.i < len(self.toks):
            # Unbalanced ')' or stray operators: skip them rather than refuse the query.
            self.i += 1
            more = self.or_expr()
            node = _and(node, more)
        return node

    def or_expr(self):
        items = [self.and_expr()]
        while self.peek() == "or":
            self.i += 1
            items.append(self.and_expr())
        items = [x for x in items if x is not None]
        if not items:
            return None
        return items[0] if len(items) == 1 else Or(items)

    def and_expr(self):
        items = []
        while self.peek() not in (None, "or", ")"):
            if self.peek() == "and":
                # An explicit AND separates two runs of words.
                self.i += 1
                items.append(None)
                continue
            node = self.unary()
            if node is not None:
                items.append(node)
        # Adjacent plain words form one run of text.
        merged: list = []
        prev = None
        for it in items:
            if isinstance(it, Text) and isinstance(prev, Text) and merged:
                merged[-1] = Text(merged[-1].text + " " + it.text)
            elif it is not None:
                merged.append(it)
            prev = merged[-1] if it is not None else None
        if not merged:
            return None
        return merged[0] if len(merged) == 1 else And(merged)

    def unary(self):
        kind = self.peek()
        if kind is None:  # an operator at the very end: "thông tin NOT"
            return None
        if kind == "not":
            self.i += 1
            if self.peek() == "word":
                # NOT takes the whole run of words after it: NOT Nghệ An.
                words = []
                while self.peek() == "word":
                    words.append(self.toks[self.i][1])
                    self.i += 1
                return Not(Text(" ".join(words)))
            if self.depth >= MAX_DEPTH:
                return None
            self.depth += 1
            inner = self.unary()
            self.depth -= 1
            return Not(inner) if inner is not None else None
        if kind == "(":
            self.i += 1
            if self.depth >= MAX_DEPTH:
                return None
            self.depth += 1
            node = self.or_expr()
            self.depth -= 1
            if self.peek() == ")":
                self.i += 1
            return node
        tok, val = self.toks[self.i]
        self.i += 1
        if tok == "phrase":
            return Phrase(val) if val.strip() else None
        if tok == "field":
            name, value = val.split("\x00", 1)
            if value.strip():
                self.filters.setdefault(name, []).append(value.strip())
            return None
        if tok == "word":
            return Text(val)
        return None


def _and(a, b):
    if a is None:
        return b
    if b is None:
        return a
    return And([a, b])


@dataclass
class AnalysedQuery:
    """A query parsed and analysed once: its tree (each Text and Phrase carrying its `Run`), the filters
    written in it, the whole query normalised and its tokens (for suggestions), and, when the whole
    query is one run that reads as a document number, that run's text (a directive lookup)."""

    query: str
    node: object | None
    filters: dict[str, list[str]]
    normalized: str
    tokens: list[tuple[str, str]]
    directive: str | None = None
    # "name" of each name:value whose name is no filter (searched as words, and the user told so).
    unknown_fields: list[str] = field(default_factory=list)


def analyse(q: str) -> AnalysedQuery:
    parsed = parse_query(q)
    for leaf in leaves(parsed.node):
        leaf.run = analyse_run(leaf.text, phrase=isinstance(leaf, Phrase))
    norm = normalize(q)
    node = parsed.node
    directive = None
    if isinstance(node, (Text, Phrase)) and _directive_like(node.run.text):
        directive = node.text
    return AnalysedQuery(q, node, parsed.filters, norm, [(kind, key) for kind, key, _, _ in iter_tokens(norm)],
                         directive, parsed.unknown_fields)


def leaves(node) -> list:
    """The Text and Phrase nodes of a tree, left to right."""
    if node is None:
        return []
    if isinstance(node, (Text, Phrase)):
        return [node]
    if isinstance(node, Not):
        return leaves(node.node)
    return [leaf for item in node.items for leaf in leaves(item)]


def _directive_like(q: str) -> bool:
    from ttdn_search.extract.references import resolve

    return bool(resolve(q).how)


def looks_like_directive(q: str) -> bool:
    """True when the whole query is a document number in some spelling ("57-kl/tw", "Kết luận số 57")."""
    return _directive_like(normalize(q))


def parse_query(q: str) -> ParsedQuery:
    """The query's structure; never raises for odd input (unbalanced quotes or brackets are tolerated)."""
    if len(q) > 2000:
        raise BadQuery("Câu truy vấn quá dài (tối đa 2.000 ký tự).")
    unknown: list[str] = []
    p = _Parser(_lex(q, unknown))
    node = p.parse()
    return ParsedQuery(node=node, filters=p.filters, unknown_fields=unknown)
