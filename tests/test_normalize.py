import pytest

from ttdn_search.normalize import fold, has_diacritics, normalize


@pytest.mark.parametrize(
    "variant, canonical",
    [
        ("hoà", "hòa"), ("Khánh Hoà", "Khánh Hòa"), ("thuỷ", "thủy"), ("Thuỷ", "Thủy"), ("khoẻ", "khỏe"),
        ("Tỉnh uỷ", "Tỉnh ủy"), ("quý", "quý"), ("người", "người"), ("giữa", "giữa"), ("hoàng", "hoàng"),
        ("thuở", "thuở"), ("ngoài", "ngoài"), ("xoáy", "xoáy"), ("gìn", "gìn"),
    ],
)
def test_one_tone_mark_placement(variant, canonical):
    assert normalize(variant) == canonical
    assert normalize(canonical) == canonical


def test_nfd_input_becomes_nfc():
    import unicodedata

    nfd = unicodedata.normalize("NFD", "Thông tin đối ngoại")
    assert normalize(nfd) == "Thông tin đối ngoại"


def test_lookalikes_unified():
    assert normalize("57–KL∕TW") == "57-KL/TW"
    assert normalize("“Kết luận”") == '"Kết luận"'
    assert normalize("Ðảm bảo") == "Đảm bảo"
    assert normalize("72/2015/N\u200bĐ-CP") == "72/2015/NĐ-CP"
    assert normalize("a\u00a0b") == "a b"


def test_fold_removes_diacritics_and_d():
    assert fold("Thông tin Đối ngoại") == "thong tin doi ngoai"
    assert fold("Ðà Nẵng") == "da nang"
    assert fold("đường") == fold("duong") == fold("dương")


def test_has_diacritics():
    assert has_diacritics("đi") and has_diacritics("hòa")
    assert not has_diacritics("thong tin doi ngoai 57-KL/TW")


def test_a_long_run_of_letters_is_left_as_it_is():
    # 67,200 letters with no space (its cost grew with its square: minutes; see BENCHMARKS.md)
    run = "thongtindoingoai" * 4200
    assert normalize(run + " hoà " + run[:20] + "hoà") == run + " hòa " + run[:20] + "hoà"
