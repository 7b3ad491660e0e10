"""The companion file's format: its one version, its structs, its key alphabet and its record layout.

Everything that decides a byte of a `.ttdn` file is here, so that the writer (companion.Builder), the
reader (companion.Companion) and the search code (match, rank, facet_counts) build keys and read records
the same way. The byte-by-byte description is FORMAT.md beside this file; bump FORMAT_VERSION for any
change it describes.
"""

from __future__ import annotations

import functools
import re
import struct
import zlib
from array import array

from ttdn_search.normalize import FoldTable

# The one version of the companion format. It is written into every file's magic and into the index's
# ttdn.json (`format_version`), and both are checked on open: an index written by another format is
# told to rebuild, never misread.
FORMAT_VERSION = 10
MAGIC_PREFIX = b"TTDNC"
MAGIC = (MAGIC_PREFIX + str(FORMAT_VERSION).encode() + b"\n").ljust(8, b"\x00")  # the header's 8 bytes
assert len(MAGIC) == 8, "FORMAT_VERSION must fit the 8-byte magic (two digits at most)"
EXT = "ttdn"

# magic, ndocs, nbuckets, buckets, docoffs, dates, keylist, keylist_len, codes_len, syllables, checks
HEAD = struct.Struct("<8sIIQQQQQQQQ")
ENTRY = struct.Struct("<HBIIII")  # key length, kind, df, data offset, data length, syllable code
# Entry kinds. COUNT: a document frequency alone, no postings; CODE: no postings either, only the code of
# a syllable of the views that has no key of its own (see `code_key`).
BITMAP, ARRAY, COUNT, CODE = 1, 0, 2, 3
DENSE = 32  # a key in more than 1/DENSE of the documents is stored as a bitmap
BIGRAM_BITS = 16  # adjacent folded syllable pairs are hashed into 2**BIGRAM_BITS buckets ...
PAIR_DF = 16  # ... but a pair at least this many of a file's documents hold has its own key (`pair_key`)
EXACT_PAIR_DF = 32  # a pair of exact syllables (with diacritics) this many documents hold: `exact_pair_key`
# ARRAY postings hold u16 document numbers in a file of at most this many documents, u32 in a larger one.
NARROW_DOCS = 1 << 16
SIG_BYTES = 132  # each document's copy signature (engine/copies.py): what finds its copies
# Every PAGE bytes of the file before the checksum block have a crc32 in it (see `page_checks`).
PAGE_BITS = 12
PAGE = 1 << PAGE_BITS

# Separators inside a document record (see `pack_views` and `encode_record`).
VIEW_SEP = b"\x00"  # between the record's text parts
# In a coded word view (see `encode_record`): between words, and the title's line break.
WORD_SEP = b"\x01"
LINE = b"\x02"
# The first syllable code: 0-2 are the separators above.
FIRST_CODE = 3
FACET_SEP = b"\x1e"  # between facet items
NAME_SEP = "\x1f"  # between a facet's name and its value


def magic_version(magic: bytes) -> int | None:
    """The format version a file's magic names, None when it is no companion file at all."""
    if not magic.startswith(MAGIC_PREFIX):
        return None
    digits = magic[len(MAGIC_PREFIX):].split(b"\n", 1)[0]
    return int(digits) if digits.isdigit() else None


def array_code(ndocs: int) -> str:
    """The `array` type code of a file's ARRAY postings: "H" (u16) when every document number fits, else "I"."""
    return "H" if ndocs <= NARROW_DOCS else "I"


def page_checks(buf, end: int) -> bytes:
    """The checksum block: the crc32 of each PAGE bytes of buf[:end] (the last page may be shorter), as
    uint32. A reader checks a page the first time it reads from it, so a flipped byte anywhere in the
    file is found before any answer is built on it, and a search pays only for the pages it touches."""
    return array("I", (zlib.crc32(buf[p : min(p + PAGE, end)]) for p in range(0, end, PAGE))).tobytes()


# ---------------------------------------------------------------------------------------------
# The key alphabet: the first character says what a key holds.


def folded_key(syllable: str) -> str:
    """Documents whose folded title or body holds the syllable."""
    return "f" + syllable


def exact_key(syllable: str) -> str:
    """Documents whose title or body holds the syllable with these diacritics (lower case, normalised
    tone placement); only syllables with diacritics have one (an ASCII syllable's is its folded key)."""
    return "e" + syllable


def title_key(syllable: str) -> str:
    """Documents whose folded title holds the syllable."""
    return "t" + syllable


def facet_key(name: str, value: str) -> str:
    """Documents with this value of a facet."""
    return f"F{name}{NAME_SEP}{value}"


def any_key(name: str) -> str:
    """Documents with any value of a facet."""
    return "A" + name


def month_key(month: str) -> str:
    """Documents dated in a month (YYYY-MM)."""
    return "M" + month


def bigram_key(bucket: int) -> str:
    """Documents holding a pair of adjacent folded syllables that hashes to the bucket (see `bigrams`)."""
    return f"b{bucket:04x}"


def pair_key(codes: str) -> str:
    """Documents whose folded title or body holds a pair of adjacent syllables, named by their two codes in
    the file (`code_char`): only for a pair PAIR_DF or more of the file's documents hold; its documents
    are then in no bigram bucket (unless another of their pairs hashes there). Its postings are exact, so
    a two-syllable word needs no search in the views: most of a query's pairs are frequent ones."""
    return "p" + codes


def exact_pair_key(codes: str) -> str:
    """Documents whose word view holds a pair of adjacent syllables as written (lower case, one tone-mark
    placement; word breaks and the end of the title ignored, as Companion.words_holding reads it), named by
    their codes: only for a pair with diacritics (one syllable at least) that EXACT_PAIR_DF or more of the
    file's documents hold. A word of two syllables typed with diacritics is then an AND, no search."""
    return "q" + codes


def word_key(word: str) -> str:
    """A word of the word view (pyvi's words joined by "_"): a document frequency, no postings."""
    return "w" + word


def is_facet_key(key: str) -> bool:
    return key[0] == "F"


def is_month_key(key: str) -> bool:
    return key[0] == "M"


def is_pair_key(key: str) -> bool:
    """A bigram bucket's key or a pair's (`pair_key`, `exact_pair_key`): rebuilt from the records by
    every write."""
    return key[0] in "bpq"


def split_facet_key(key: str) -> tuple[str, str]:
    name, _, value = key[1:].partition(NAME_SEP)
    return name, value


def listed(key: str) -> bool:
    """True for the keys the file's key list names (facet values and months), read without a lookup."""
    return key[0] in "FM"


def bucket_of(key: bytes, nbuckets: int) -> int:
    """The hash bucket of an encoded key in the file's table."""
    return zlib.crc32(key) % nbuckets


# ---------------------------------------------------------------------------------------------
# Folding and hashing: the index and the queries use these same functions.

# One lower-case character to its folded form; "_" (pyvi's joiner) to a space.
FOLD_TABLE = FoldTable({"_": " "})


def fold_keys(keys: list[str]) -> str:
    """Folded syllable keys, space-separated: the one folding both the index and queries use."""
    return " ".join(keys).translate(FOLD_TABLE)


class _SyllableHash(dict):
    """crc32 of a folded syllable, remembered: a process meets the same few ten thousand syllables."""

    def __missing__(self, syllable: str) -> int:
        h = self[syllable] = zlib.crc32(syllable.encode("utf-8"))
        return h


_HASH = _SyllableHash()
_BUCKETS = (1 << BIGRAM_BITS) - 1


def syllable_hash(syllable: str) -> int:
    return _HASH[syllable]


def syllable_hashes(syllables: list[str]) -> list[int]:
    """`syllable_hash` of each syllable (looked up in C, no call per syllable)."""
    return list(map(_HASH.__getitem__, syllables))


def bigrams(folded: list[str]) -> set[int]:
    """The buckets of every pair of adjacent folded syllables.

    A phrase can only be in a document holding all its pairs, so ANDing the pairs' buckets finds the few
    documents worth testing for it (a bucket shared by other pairs only adds candidates, never loses
    one). Hashing keeps the keys to 65,536 per segment, whatever the vocabulary; the hash is crc32, the
    same in every process and on every machine."""
    if len(folded) < 2:
        return set()
    h = _HASH
    hs = [h[k] for k in folded]
    return {bigram_bucket(a, b) for a, b in zip(hs, hs[1:])}


def bigram_bucket(a, b):
    """The bucket of a pair of syllable hashes: ints, or uint64 numpy arrays (Builder: a segment's pairs at
    once; the product of two u32 fits in 64 bits, so it is the same number)."""
    return ((a * 0x9E3779B1) >> 16 ^ b) & _BUCKETS


# ---------------------------------------------------------------------------------------------
# One document's keys and record


def has_exact_key(key: str) -> bool:
    """True when a syllable key has an exact key of its own: it carries diacritics (đ included)."""
    return not key.isascii()


def doc_keys(title_folded: str, body_folded: str, date: str, facets: dict[str, list[str]],
             exact: set[str] = frozenset()) -> list[str]:
    """Every companion key of one document but its pairs' (which Builder.write finds in the records),
    computed in the indexing workers. `exact`: the document's syllable keys with their diacritics."""
    title_tokens = title_folded.split()
    body_tokens = body_folded.split()
    title = set(title_tokens)
    keys = [folded_key(k) for k in title.union(body_tokens)]
    keys.extend(exact_key(k) for k in exact if has_exact_key(k))
    keys.extend(title_key(k) for k in title)
    for name, values in facets.items():
        keys.extend(facet_key(name, v) for v in values)
        if values:
            keys.append(any_key(name))
    if len(date) >= 7:
        keys.append(month_key(date[:7]))
    return keys


def pack_views(title_folded: str, body_folded: str, words: str, facets: dict[str, list[str]]) -> bytes:
    """A document's plain record, what the indexing workers hand the Builder (which codes it, see
    `encode_record`), VIEW_SEP-separated: the folded syllables of the title and of the body; the exact word
    view (pyvi's words joined by "_", title line first, "\n" between); its facet values ("name\x1fvalue",
    separated by FACET_SEP)."""
    facet_keys = FACET_SEP.decode().join(f"{name}{NAME_SEP}{v}" for name, values in facets.items() for v in values)
    return plain_record(title_folded, body_folded, words, facet_keys.encode("utf-8"))


def plain_record(title_folded: str, body_folded: str, words: str, facets: bytes) -> bytes:
    return VIEW_SEP.join((title_folded.encode("utf-8"), body_folded.encode("utf-8"), words.encode("utf-8"), facets))


# ---------------------------------------------------------------------------------------------
# Syllable codes: how a record's views are stored (since format 9).
#
# Each file gives every syllable of its views (folded and exact alike) a code: a character, the most
# frequent syllable first from FIRST_CODE on, written in UTF-8. A view is its syllables' codes one after
# the other, no space: 1 byte for the 125 most frequent syllables, 2 up to the 2,048th, 3 beyond. UTF-8 is
# self-synchronising (no code's bytes are found inside another's, nor across two), so a phrase is the
# substring of its codes and a syllable's count is the count of its code.


def code_char(rank: int) -> str:
    """The code of the syllable of this frequency rank in its file (0: the most frequent)."""
    cp = rank + FIRST_CODE
    return chr(cp + 0x800 if cp >= 0xD800 else cp)  # surrogates are no characters


def code_rank(code: str) -> int:
    """The frequency rank a code stands for (`code_char`'s inverse)."""
    cp = ord(code) - FIRST_CODE
    return cp - 0x800 if cp >= 0xD800 - FIRST_CODE + 0x800 else cp


def code_key(syllable: str) -> str:
    """The key whose entry carries a syllable's code: the folded key for an ASCII syllable (written alike
    in the folded and the exact views), else the exact key. A syllable of the views with no such key has a
    CODE entry of that name."""
    return folded_key(syllable) if syllable.isascii() else exact_key(syllable)


def record_syllables(plain: bytes) -> tuple[list[bytes], list[bytes], list[bytes], bytes]:
    """A plain record (`pack_views`) as its views' tokens: the folded title's and body's syllables; the
    word view as syllables with WORD_SEP between words and LINE after the title's words; the facets."""
    title, body, words, facets = plain.split(VIEW_SEP, 3)
    tokens = WORD_SEP.join(words.replace(b"\n", b" " + LINE + b" ").split())
    return title.split(), body.split(), tokens.replace(b"_", b" ").replace(WORD_SEP, b" \x01 ").split(), facets


def code_table(counts: dict[bytes, int]) -> dict[bytes, bytes]:
    """syllable -> its code (UTF-8), the most frequent first (ties in first-seen order); the separators
    code as themselves."""
    ranked = sorted(counts, key=counts.__getitem__, reverse=True)
    table = {s: code_char(i).encode("utf-8") for i, s in enumerate(ranked)}
    table[WORD_SEP] = WORD_SEP
    table[LINE] = LINE
    return table


def encode_record(title: list[bytes], body: list[bytes], words: list[bytes], facets: bytes,
                  table: dict[bytes, bytes]) -> bytes:
    """A coded record: the codes of the folded title, of the folded body, of the word view (WORD_SEP before
    and after every word: `word_pattern` finds a whole word), then the facets, VIEW_SEP-separated."""
    code = table.__getitem__
    return b"".join((b"".join(map(code, title)), VIEW_SEP, b"".join(map(code, body)), VIEW_SEP, WORD_SEP,
                     b"".join(map(code, words)), WORD_SEP, VIEW_SEP, facets))


def decoders(syllables: list[str]) -> tuple[dict[int, str], dict[int, str]]:
    """str.translate tables of a file's code table (`syllables` in code order): for a folded view (each
    code to a space and its syllable) and for a word view (each code to "_" and its syllable, WORD_SEP to
    a space, LINE to a line break). Decoding is then a C loop (`decode_view`, `decode_words`)."""
    spaced = {ord(code_char(i)): " " + s for i, s in enumerate(syllables)}
    joined = {cp: "_" + s[1:] for cp, s in spaced.items()}
    joined[WORD_SEP[0]] = " "
    joined[LINE[0]] = "\n"
    return spaced, joined


def decode_view(view: bytes, spaced: dict[int, str]) -> str:
    """A coded folded view as its syllables, space-separated."""
    return view.decode("utf-8").translate(spaced)[1:]


def decode_words(view: bytes, joined: dict[int, str]) -> str:
    """A coded word view as pyvi's words ("_" inside a word, spaces between), title line, "\n", body line."""
    text = view.decode("utf-8").translate(joined).replace(" _", " ")
    return "\n".join(" ".join(line.split()) for line in text.split("\n"))


def syllable_view(words: bytes) -> bytes:
    """A coded word view as its syllables' codes alone: where an exact syllable or phrase is found."""
    return words.translate(None, WORD_SEP + LINE)


# What can stand between two syllables of a coded word view (`encode_record`): nothing (one word),
# a word break, or the break of the title's line between two word breaks.
GAPS = (WORD_SEP, WORD_SEP + LINE + WORD_SEP)


@functools.lru_cache(maxsize=16384)  # a run's codes differ in each segment
def apart(pattern: bytes):
    """A run of codes as a word view writes it with word breaks (which format.syllable_view drops) between
    its syllables: for two codes, the two byte strings that can be (two finds cost far less than compiling
    a regex, and most runs are two syllables); for more, a regex, each gap optional; None for one code,
    which no break can stand inside."""
    codes = [c.encode("utf-8") for c in pattern.decode("utf-8")]
    if len(codes) < 2:
        return None
    if len(codes) == 2:
        return tuple(codes[0] + gap + codes[1] for gap in GAPS)
    gap = b"(?:" + b"|".join(map(re.escape, GAPS)) + b")?"
    return re.compile(gap.join(map(re.escape, codes)))


def word_pattern(codes: bytes) -> bytes:
    """What a whole word (its syllables' codes) looks like in a coded word view."""
    return WORD_SEP + codes + WORD_SEP


def split_facet_items(raw: bytes) -> list[bytes]:
    """The b"name\\x1fvalue" items of a record's facet part."""
    return raw.split(FACET_SEP) if raw else []


def facet_item(item: bytes) -> tuple[str, str]:
    name, _, value = item.decode("utf-8").partition(NAME_SEP)
    return name, value


def tie_key(doc_id: str) -> int:
    """What orders documents of the same date (or score): crc32 of the id, the same in every segment,
    after every merge and rebuild (document numbers are not: a merge moves segments' documents)."""
    return zlib.crc32(doc_id.encode("utf-8", "surrogatepass"))


def date_int(date: str) -> int:
    """A stored date: YYYYMMDD as an int, 0 for none."""
    try:
        return int(date[:10].replace("-", "")) if date else 0
    except ValueError:
        return 0
