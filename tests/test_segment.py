"""The segmenter gives stock pyvi's output, and word offsets into the original text."""

from __future__ import annotations

import gzip
import itertools
import json
import multiprocessing
import subprocess
import sys
import unicodedata
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ttdn_search import segment
from ttdn_search.segment import segment_many, tokenize, word_spans

from tests._shared import SHARED, needs_shared

ViTokenizer = pytest.importorskip("pyvi.ViTokenizer").ViTokenizer


def _check_spans(text: str) -> None:
    """Each span's original substring normalises to a word pyvi printed (syllables joined by "_")."""
    spans = word_spans(text)
    has_syllables = bool(segment._syllables(unicodedata.normalize("NFC", text)))
    expected = [w for w in tokenize(text).split(" ") if w != "\n"] if has_syllables else []
    words = []
    for s, e in spans:
        assert 0 <= s < e <= len(text)
        piece = unicodedata.normalize("NFC", text[s:e])
        # Re-syllabifying a word alone gives its syllables: the pattern has no anchors or lookarounds.
        words.append("_".join(m.group() for m in segment._SYLLABLE_RE.finditer(piece)))
    assert words == expected
    assert all(a[1] <= b[0] for a, b in itertools.pairwise(spans))


def test_backend_is_crfsuite_without_scikit_learn():
    heavy = ("sklearn", "sklearn_crfsuite", "scipy", "numpy")
    code = (
        "import sys; from ttdn_search import segment; segment.tokenize('Hà Nội');"
        f"print(segment.backend(), sorted({{m.split('.')[0] for m in sys.modules}} & {set(heavy)!r}))"
    )
    root = Path(__file__).resolve().parents[1]
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=root)
    assert out.stdout.split() == ["crfsuite", "[]"]


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "\n\n",
        "...",
        "!!! ??? -- (( ))",
        "==> -> >> ...",
        "Hà Nội ❤️ 🇻🇳 rất đẹp 😀😀",
        unicodedata.normalize("NFD", "Thủ tướng Phạm Minh Chính làm việc với tỉnh Nghệ An."),
        "Ông Nguyễn Văn A. và TP. Hồ Chí Minh, Mr. Smith, ThS. Lê, Dr. Who",
        "Giá 1.500.000 đồng, tăng 3,5% so với 12_000; email ban.doc@vnexpress.net, https://vnexpress.net/a-b?c=1",
        "Nghị quyết 57-NQ/TW ngày 22/12/2024 của Bộ Chính trị",
        "Dòng một\nDòng hai\r\nDòng ba\n\nDòng bốn",
        "ΟΔΟΣ Σ ΑΣ xΣ — Ελλάδα and İstanbul ǅemal",
        "x² ½ ١٢٣ 東京 한국어",
        # CRFsuite reads attribute names as C strings: "word.lower():\0" is its "word.lower():".
        "a\x00b \x00 Hà\x00Nội http://x\x00y \x00\x00",
        "\ud800 lẻ",
    ],
)
def test_edge_cases_match_pyvi(text):
    try:
        expected = ViTokenizer.tokenize(text)
    except Exception:  # a lone surrogate: pyvi fails (SystemError); we must fail too, not answer
        with pytest.raises(UnicodeEncodeError):
            tokenize(text)
        return
    assert tokenize(text) == expected
    _check_spans(text)


_ALPHABET = "aăâbcdđeêghiklmnoôơpqrstuưvxyAĂÂĐÊÔƠƯHNTáàảãạấầẩẫậếềểễệốồổỗộớờởỡợứừửữựíìỉĩịýỳỷỹỵ0123456789"


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from([*_ALPHABET, " ", " ", " ", "\n", "\t", "\r", "\xa0", "\u2028", "\x1c", ".", ",", "-", ">", "=", "@", ":", "/", "_", "\x00", "ΑΣ", "😀", "\u0301", "TP.", "Mr.", "http://"]), max_size=60).map("".join))
def test_random_strings_match_pyvi(text):
    assert segment._syllables(unicodedata.normalize("NFC", text)) == ViTokenizer.sylabelize(text)[1]
    assert tokenize(text) == ViTokenizer.tokenize(text)
    _check_spans(text)


def test_long_line_matches_pyvi():
    text = " ".join(["Thủ tướng Chính phủ yêu cầu các bộ, ngành khẩn trương triển khai Nghị quyết 57-NQ/TW."] * 400)
    assert tokenize(text) == ViTokenizer.tokenize(text)
    _check_spans(text)


def test_nfd_offsets_point_into_the_original():
    text = unicodedata.normalize("NFD", "Đà Nẵng, Việt Nam")
    spans = word_spans(text)
    assert [unicodedata.normalize("NFC", text[s:e]) for s, e in spans] == ["Đà_Nẵng".replace("_", " "), ",", "Việt Nam"]
    assert spans[-1][1] == len(text)


def test_segment_many_equals_word_spans():
    texts = ["Hà Nội là thủ đô", "", "Hà Nội là thủ đô", "Bộ Ngoại giao"]
    assert segment_many(texts) == [word_spans(t) for t in texts]


def _news_paragraphs(n_articles: int) -> list[str]:
    # Deterministic sample: every 20th article of news-20k, title and each paragraph of the text.
    paras = []
    with gzip.open(SHARED / "corpus" / "news-20k.jsonl.gz", "rt", encoding="utf-8") as f:
        for line in itertools.islice(f, 0, None, 20):
            art = json.loads(line)
            paras.append(art["title"] or "")
            paras.extend((art["text"] or "").split("\n"))
            n_articles -= 1
            if not n_articles:
                break
    return paras


@needs_shared
def test_identical_to_pyvi_on_segmentation_eval():
    lines = (SHARED / "eval" / "segmentation" / "test.raw.txt").read_text(encoding="utf-8").splitlines()
    assert len(lines) == 800
    diffs = [line for line in lines if tokenize(line) != ViTokenizer.tokenize(line)]
    assert diffs == []
    for line in lines:
        assert segment._syllables(unicodedata.normalize("NFC", line)) == ViTokenizer.sylabelize(line)[1]


def _stock_many(texts: list[str]) -> list[str]:
    """Stock pyvi's output for each text, on two forked workers: pyvi is the slow half of these tests."""
    if "fork" not in multiprocessing.get_all_start_methods():
        return [ViTokenizer.tokenize(t) for t in texts]
    with ProcessPoolExecutor(2, mp_context=multiprocessing.get_context("fork")) as pool:
        return list(pool.map(ViTokenizer.tokenize, texts, chunksize=200))


@needs_shared
def test_identical_to_pyvi_on_1000_news_articles():
    paras = _news_paragraphs(1000)
    assert len(paras) > 5000
    expected = _stock_many(paras)
    diffs = [(p, e) for p, e in zip(paras, expected) if tokenize(p) != e]
    assert diffs == []
    for p in paras[:300]:
        _check_spans(p)


@needs_shared
def test_identical_to_pyvi_on_whole_articles_with_newlines():
    # pyvi tags a multi-paragraph string as one sequence ("\n" is a syllable); so must we.
    with gzip.open(SHARED / "corpus" / "news-20k.jsonl.gz", "rt", encoding="utf-8") as f:
        texts = [json.loads(line)["text"] or "" for line in itertools.islice(f, 7, 20000, 200)]
    assert len(texts) == 100
    assert [tokenize(t) for t in texts] == _stock_many(texts)


def test_unexpected_pickle_falls_back_to_stock_pyvi(monkeypatch, tmp_path, caplog):
    # A pickle naming a class we do not stub must not be trusted: warn, and segment with stock pyvi.
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.setattr("tempfile.tempdir", str(tmp_path))
    monkeypatch.setattr("ttdn_search.crf_model._STUBBED", set())
    monkeypatch.setattr(segment, "_engine", None)
    segment._cached_segment.cache_clear()
    with caplog.at_level("WARNING", logger="ttdn_search.segment"):
        assert segment.backend() == "pyvi"
    assert "falling back to stock pyvi" in caplog.text
    text = "Thủ tướng Phạm Minh Chính làm việc với tỉnh Nghệ An.\nĐà Nẵng"
    assert tokenize(text) == ViTokenizer.tokenize(text)
    assert list(tmp_path.glob("**/*.crfsuite")) == []
    segment._cached_segment.cache_clear()


def test_model_cache_file_is_written_once(monkeypatch, tmp_path):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.setattr(segment, "_engine", None)
    assert segment.backend() == "crfsuite"
    (cached,) = tmp_path.glob("ttdn-search/pyvi3-*.crfsuite")
    assert cached.read_bytes()[:4] == b"lCRF"
    mtime = cached.stat().st_mtime_ns
    monkeypatch.setattr(segment, "_engine", None)
    assert segment.backend() == "crfsuite" and cached.stat().st_mtime_ns == mtime


def test_damaged_model_cache_file_is_rewritten(monkeypatch, tmp_path):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.setattr(segment, "_engine", None)
    assert segment.backend() == "crfsuite"
    (cached,) = tmp_path.glob("ttdn-search/pyvi3-*.crfsuite")
    good = cached.read_bytes()
    cached.write_bytes(good[:100])
    monkeypatch.setattr(segment, "_engine", None)
    assert segment.backend() == "crfsuite"
    assert cached.read_bytes() == good


# CRFsuite's arithmetic done in Python (segment._Model.labels) against CRFsuite itself (python-crfsuite's
# tagger on the same items): the same labels, on random syllable sequences and on real news lines.
_SYLLABLES = ["Hà", "Nội", "hà", "nội", "thông", "tin", "đối", "ngoại", "Việt", "Nam", "TP.", "HCM", "UBND", "tỉnh",
              "2025", "57", ",", ".", "-", "(", ")", "\n", "Bộ", "Chính", "trị", "kết", "luận", "xyzzy", "ÂU", "a"]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(_SYLLABLES), min_size=1, max_size=80))
def test_viterbi_equals_crfsuite_tagger(sylls):
    eng = segment._get_engine()
    assert isinstance(eng, segment._Model)
    assert eng.labels(sylls) == eng.tagger.tag(eng.items(sylls))


@needs_shared
def test_viterbi_equals_crfsuite_tagger_on_news_lines():
    eng = segment._get_engine()
    lines = _news_paragraphs(300)
    assert len(lines) > 1000
    for line in lines:
        sylls = segment._syllables(unicodedata.normalize("NFC", line))
        if sylls:
            assert eng.labels(sylls) == eng.tagger.tag(eng.items(sylls)), line


def test_model_weights_are_read_as_crfsuite_reads_them(tmp_path):
    # Every state feature and transition of pyvi's model: CRFsuite's own dump agrees to the six decimals
    # it prints (parsed here, as an attribute name may hold a newline, which the library's parser trips on).
    import re

    eng = segment._get_engine()
    eng.tagger.dump(str(tmp_path / "dump.txt"))
    dump = (tmp_path / "dump.txt").read_text("utf-8", errors="surrogateescape")
    trans_part, state_part = dump.split("STATE_FEATURES = {\n", 1)
    feature = re.compile(r"\(\d+\) (.*?) --> (B_W|I_W): ([+-]?\d+\.\d+)\n", re.S)
    dumped = {(a, lab): float(w) for a, lab, w in feature.findall(state_part)}
    ours = {(a.decode("utf-8", "surrogateescape"), lab): w
            for a, ws in eng.state.items() for lab, w in zip(("B_W", "I_W"), ws) if w}
    assert len(dumped) > 10_000 and ours.keys() == dumped.keys()
    assert all(abs(ours[k] - dumped[k]) <= 5e-7 for k in dumped)
    t00, t01, t10, t11 = eng.trans
    trans = {(a, b): float(w) for a, b, w in re.findall(r"\(1\) (B_W|I_W) --> (B_W|I_W): ([+-]?\d+\.\d+)", trans_part)}
    assert trans.keys() == {("B_W", "B_W"), ("B_W", "I_W"), ("I_W", "B_W"), ("I_W", "I_W")}
    assert all(abs(w - t) <= 5e-7 for w, t in zip((trans[k] for k in sorted(trans)), (t00, t01, t10, t11)))
