"""scan.at_digit_runs gives exactly finditer's matches for the patterns that start at a run of digits."""

import random
import re

import pytest

from ttdn_search.analysis import _DIGIT_TOKEN_RE
from ttdn_search.extract import dates, directives
from ttdn_search.scan import at_digit_runs

PATTERNS = [directives.PARTY_RE, directives.STATE_RE, directives.YEAR_DASH_RE, dates._YEAR, dates._DOTTED_DATE,
            _DIGIT_TOKEN_RE]

TEXTS = [
    "Kết luận 57-KL/TW ngày 15/6/2023 và Quyết định 1234/QĐ-TTg, Nghị định 72/2015/NĐ-CP.",
    "19-2017/NQ-CP · 13-2016 / TTLT - BYT - BGDĐT · 2011-2020/QĐ · 0:2 011 / BTNMT · 12.1.2018 · 9.2016",
    "A123 1.5 2,000 người năm 2024 12345678/ABC 3-KH/TU-BTG 08/01/2024, 05:10 nhiệm kỳ 2020 - 2025",
    "", "không có số nào", "2024", "١٢٣/QĐ-TTg ٢٠٢٤",  # Arabic-Indic digits are \d too
]


def _spans(it):
    return [(m.span(), m.groupdict()) for m in it]


@pytest.mark.parametrize("rx", PATTERNS, ids=lambda rx: rx.pattern[:30])
def test_same_matches_as_finditer(rx):
    rng = random.Random(7)
    pieces = " ".join(TEXTS).split(" ")
    texts = list(TEXTS)
    for _ in range(300):  # shuffled pieces glued by the separators the patterns care about
        texts.append("".join(rng.choice(pieces) + rng.choice([" ", "", "/", "-", ".", ",", "\n", " - "])
                             for _ in range(rng.randint(1, 12))))
    for text in texts:
        assert _spans(at_digit_runs(rx, text)) == _spans(rx.finditer(text)), text


def test_a_pattern_that_may_start_inside_a_run_is_not_for_it():
    # What the precondition rules out: without a look-behind, finditer finds "23" inside "123"; the scan
    # tries the run's start only (documented, and the reason every caller's pattern has one).
    rx = re.compile(r"23")
    assert [m.group() for m in rx.finditer("123")] == ["23"]
    assert [m.group() for m in at_digit_runs(rx, "123")] == []
