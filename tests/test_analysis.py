import pytest

from ttdn_search.analysis import iter_tokens, segment_words, syllable_keys
from ttdn_search.highlight import Matcher, highlight_spans, snippet
from ttdn_search.normalize import fold, normalize


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
