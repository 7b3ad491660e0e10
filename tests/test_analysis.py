import pytest

from ttdn_search.analysis import iter_tokens, segment_words, syllable_keys
from ttdn_search.highlight import Matcher, highlight_spans, snippet
from ttdn_search.normalize import fold, normalize

from tests._shared import NEWS, needs_shared


@pytest.mark.parametrize("spelling", ["57-KL/TW", "57 - KL/TW", "57-kl/tw", "57–KL∕TW", "057-KL/TW", "57 -KL/ TW"])
def test_directive_spellings_are_one_token(spelling):
    keys = syllable_keys(normalize(f"Theo Kết luận {spelling} của Bộ Chính trị"))
    assert "57-kl/tw" in keys


@pytest.mark.parametrize("spelling, key", [
    ("72/2015/NĐ-CP", "72/2015/nd-cp"), ("72/2015/ND-CP", "72/2015/nd-cp"), ("72 / 2015 / nđ - cp", "72/2015/nd-cp"),
    ("59 - KH/BCĐTTĐN", "59-kh/bcdttdn"), ("1234/QĐ-TTg", "1234/qd-ttg"),
])
def test_state_and_party_numbers(spelling, key):
    assert key in syllable_keys(normalize(spelling))


def test_dates_numbers_urls_are_protected():
    kinds = {kind: key for kind, key, _, _ in iter_tokens(normalize(
        "Ngày 15/6/2023 có 2.000 người xem https://tinhuy.nghean.vn/bai-viet.html, liên hệ ttdn@tinhuy.vn"))}
    assert kinds["date"] == "2023-06-15"
    assert kinds["number"] == "2000"
    assert kinds["url"] == "https://tinhuy.nghean.vn/bai-viet.html"
    assert kinds["email"] == "ttdn@tinhuy.vn"


def test_dates_and_ranges_are_not_directives():
    kinds = [kind for kind, *_ in iter_tokens("giai đoạn 2011-2020, ngày 22/12/2024, Covid-19, U23")]
    assert "directive" not in kinds


def test_word_view_keeps_directives_whole_and_segments_words():
    words = segment_words(normalize("Triển khai Kết luận 57-KL/TW về công tác thông tin đối ngoại"))
    assert "57-kl/tw" in words.split()
    assert "thông_tin" in words.split()


def test_highlight_offsets_are_into_the_original_text():
    text = normalize("Hội nghị Thông tin đối ngoại tỉnh Quảng Trị, thực hiện 57 - KL/TW.")
    for matcher in (Matcher(frozenset({"thông", "tin", "đối", "ngoại"}), frozenset()),
                    Matcher(frozenset(), frozenset({fold(w) for w in ("thong", "tin", "doi", "ngoai")}))):
        spans = highlight_spans(text, matcher)
        assert [text[s:e] for s, e in spans] == ["Thông tin đối ngoại"]
    spans = highlight_spans(text, Matcher(frozenset({"57-kl/tw"}), frozenset()))
    assert [text[s:e] for s, e in spans] == ["57 - KL/TW"]


def test_snippet_escapes_text_and_marks_whole_words():
    text = 'Tin <script>alert(1)</script> về thông tin đối ngoại "><img src=x onerror=alert(1)>'
    html = snippet(text, Matcher(frozenset({"thông", "tin"}), frozenset({"thong", "tin"})))
    assert "<script>" not in html and "<img" not in html
    assert "<mark>thông tin</mark>" in html


def _words_from_spans(text: str) -> str:
    """The word view the plain way (what segment_words did before its fast path): every word's text from
    its offsets, split on whitespace, or re-syllabified when it holds punctuation."""
    import re

    from ttdn_search.analysis import MAX_KEY_CHARS, TOKEN_RE, _SYLLABLE, token_key
    from ttdn_search.segment import word_spans

    out: list[str] = []

    def plain(chunk: str) -> None:
        for line in chunk.split("\n"):
            if not line.strip():
                continue
            for s, e in word_spans(line):
                parts = line[s:e].split()
                if all(p.isalnum() for p in parts):
                    if parts:
                        out.append("_".join(p[:MAX_KEY_CHARS] for p in parts).lower())
                    continue
                sylls = re.findall(_SYLLABLE, line[s:e])
                if sylls:
                    out.append("_".join(x[:MAX_KEY_CHARS] for x in sylls).lower())

    last = 0
    for m in TOKEN_RE.finditer(text):
        if m.lastgroup != "syl":
            plain(text[last : m.start()])
            out.append(token_key(m.lastgroup, m.group()))
            last = m.end()
    plain(text[last:])
    return " ".join(out)


@pytest.mark.parametrize("text", [
    "Tp.HCM và COVID-19, a_b c_d", "x" * 70 + " yy Zz", "Ông A  B\tC", "TP. HCM: 1.500 người, 15/6/2023",
    "ＡＢＣ full-width", "cafe\u0301 NFD", "İstanbul ΣΑΣ σας", "Nguyễn Văn A (Hà Nội) -- “trích”", "",
])
def test_word_view_equals_the_offsets_reading(text):
    assert segment_words(text) == _words_from_spans(text)


@needs_shared
def test_word_view_equals_the_offsets_reading_on_news():
    from ttdn_search.analysis import keys_and_words

    import gzip
    import itertools
    import json

    with gzip.open(NEWS, "rt", encoding="utf-8") as f:
        arts = [json.loads(line) for line in itertools.islice(f, 3, None, 40)]
    for art in arts:
        for text in (normalize(art["title"] or ""), normalize(art["text"] or "")):
            assert keys_and_words(text) == (syllable_keys(text), _words_from_spans(text))


@pytest.mark.parametrize("text", [
    "Theo Kết luận 57-KL/TW ngày 15/6/2023, 2.000 người; xem https://a.vn/b.", "", "   ", "Hà Nội",
    # Digit-led tokens where one may start and where one may not (the path for texts with no address).
    "COVID19 abc_57-KL/TW x57-KL/TW (57-KL/TW) 1/2/2020abc 12.345,6 a1.234 2020-2025 ngày 01/02/2023.",
    "số 1234/QĐ-TTg, 72/2015/NĐ-CP và 59 - KH/BCĐTTĐN; năm 2019" + "9" * 80 + " " + "đ" * 70 + "12",
    "liên hệ ubnd@quangninh.gov.vn, 57-KL/TW", "xem www.x.vn 1/1/2020", "１２/３/２０２０ ٣٤ 15/6/2023",
])
def test_keys_and_words_is_both_views(text):
    from ttdn_search.analysis import keys_and_words

    assert keys_and_words(text) == (syllable_keys(text), _words_from_spans(text))
