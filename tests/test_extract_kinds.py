"""Article kinds on evidence only: every example of the data file gets its kind, no counter-example does."""

import pytest

from ttdn_search.extract.kinds import find_kinds, kinds, vocabulary

CASES = [(k.name, ex, True) for k in kinds() for ex in k.examples] + \
        [(k.name, ex, False) for k in kinds() for ex in k.counter_examples]


def test_every_kind_has_examples_and_counter_examples():
    for k in kinds():
        assert k.examples and k.counter_examples, k.name
        assert k.title and k.lead, k.name


@pytest.mark.parametrize("kind,example,shown", CASES, ids=[f"{k}:{e[0][:30]}" for k, e, _ in CASES])
def test_examples_and_counter_examples(kind, example, shown):
    title, lead = example
    assert (kind in find_kinds(title, lead)) is shown


def test_the_lead_counts_only_when_the_title_shows_no_kind():
    assert find_kinds("Hội nghị tổng kết năm 2023", "UBND tỉnh vừa ban hành Kế hoạch số 12/KH-UBND.") == ["Hội nghị tổng kết"]
    assert find_kinds("Tin tức", "UBND tỉnh vừa ban hành Kế hoạch số 12/KH-UBND.") == ["Kế hoạch"]


def test_a_long_title_is_read_as_a_lead():
    # A record whose title is its first sentence: mentions in it are not a headline's.
    long = "Đó là yêu cầu của Phó Thủ tướng tại hội nghị tổng kết 5 năm thực hiện đề án, diễn ra ngày 28/6 " * 2
    assert find_kinds(long) == []


def test_vocabulary_is_the_data_files():
    assert vocabulary()[0] == "Hội nghị tổng kết" and len(vocabulary()) == len(set(vocabulary()))
