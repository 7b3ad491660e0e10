"""Document identifiers: the numbering grammar, canonical forms, short references, queries, catalogue."""

import pytest

from ttdn_search.extract import catalogue
from ttdn_search.extract.directives import canonical, find_directives
from ttdn_search.extract.references import resolve, resolve_query

# Real citation strings and their canonical ids (shared/eval/SPEC.md rules: no year added, Party ids written
# with State separators kept as written, leading zeros dropped). None = no full id, short ref expected.
CITATIONS = [
    ("Kết luận số 57-KL/TW ngày 15/6/2023", "57-KL/TW"),
    ("Kết luận số 57 của Bộ Chính trị", None),
    ("Conclusion No. 57-KL/TW dated June 15, 2023", "57-KL/TW"),
    ("Kết luận số 16-KL/TW, ngày 14/2/2012 của Bộ Chính trị khoá XI", "16-KL/TW"),
    ("Kết luận số 16 - KL/TW ngày 14/02/2012", "16-KL/TW"),
    ("Chỉ thị số 26-CT/TW của Ban Bí thư khóa X", "26-CT/TW"),
    ("Chỉ thị 26", None),
    ("Nghị quyết số 22 - NQ/TW ngày 10/04/2013", "22-NQ/TW"),
    ("Nghị quyết 31/NQ - CP ngày 13/05/2014", "31/NQ-CP"),
    ("Quyết định số 79/2010/QĐ - TTg ngày 30/11/2010", "79/2010/QĐ-TTg"),
    ("Quyết định số 296/QĐ-TTG", "296/QĐ-TTg"),
    ("Quyết định 587/QĐ - TTg ngày 05/05/2015", "587/QĐ-TTg"),
    ("Quyết định số 368/QĐ-Ttg", "368/QĐ-TTg"),
    ("Chỉ thị số 21/CT-TTg (ngày 06-8-2012)", "21/CT-TTg"),
    ("Quyết định 1209/QĐ-TTg", "1209/QĐ-TTg"),
    ("Quyết định số 837/QĐ-TTg (14/7/2022)", "837/QĐ-TTg"),
    ("Nghị định số 72/2015/NĐ-CP ngày 07 tháng 9 năm 2015", "72/2015/NĐ-CP"),
    ("Nghị định số 72/NĐ-CP ngày 07/9/2015", "72/NĐ-CP"),
    ("Thông tư số 22/2016/TT-BTTTT ngày 19/10/2016", "22/2016/TT-BTTTT"),
    ("Thông tư số 02/2019/TT-BTTTT", "2/2019/TT-BTTTT"),
    ("Văn bản số 3616/BTTTT-TTĐN ngày 06/10/2017", "3616/BTTTT-TTĐN"),
    ("Công văn số 7554/VP-KGVX", "7554/VP-KGVX"),
    ("Kế hoạch số 1789/KH-UBND ngày 11/9/2023", "1789/KH-UBND"),
    ("Số: 34/KH-UBND … Lào Cai, ngày 29 tháng 01 năm 2021", "34/KH-UBND"),
    ("Quyết định số 2112/QĐ-UBND ngày 17 tháng 10 năm 2014", "2112/QĐ-UBND"),
    ("Thông báo số 171/TB-UBND ngày 06/10/2014", "171/TB-UBND"),
    ("Quyết định số 09/2017/QĐ-UBND ngày 03/03/2017", "9/2017/QĐ-UBND"),
    ("Quy chế số 07-QC/TU ngày 30/8/2018 của Tỉnh ủy Lào Cai", "7-QC/TU"),
    ("Kế hoạch số 164-KH/TU ngày 24 tháng 8 năm 2022 của Ban Thường vụ Tỉnh ủy", "164-KH/TU"),
    ("Chương trình 13222/CTr-UBND (2022)", "13222/CTr-UBND"),
    ("Chỉ thị số 12-CT/TW ngày 05 tháng 01 năm 2022 của Ban Bí thư", "12-CT/TW"),
    ("Chỉ thị số 12-CT/TW ngày 05/01/2017 của Bộ Chính trị", "12-CT/TW"),
    ("Hướng dẫn số 01-HD/BTGTW (19/2/2016)", "1-HD/BTGTW"),
    ("Quy định số 08-QĐi/TW ngày 25/10/2018", "8-QĐi/TW"),
    ("Regulation No. 345-QD/TW dated July 29, 2025", "345-QĐ/TW"),
    ("Số 60-NQ/TW … ngày 12 tháng 4 năm 2025", "60-NQ/TW"),
    ("Nghị quyết số 202/2025 của Quốc hội khóa XV", None),
    ("Nghị quyết số 1314/NQ-UBTVQH15", "1314/NQ-UBTVQH15"),
    ("Nghị quyết số 175/2024/QH15", "175/2024/QH15"),
    ("Luật số: 64/2025/QH15", "64/2025/QH15"),
    ("Luật Báo chí số 103/2016/QH13", "103/2016/QH13"),
    ("Luật số 12/2017/QH14", "12/2017/QH14"),
    ("Nghị quyết số 57-NQ/TW, ngày 22/12/2024", "57-NQ/TW"),
    ("Quyết định số : 31/QĐ-TW ngày 01-10-1997", "31/QĐ-TW"),
    ("Quy định 66/QĐ/TW", "66/QĐ/TW"),
    ("Kết luận số 139-KL/TU của BCH Đảng bộ thành phố Hà Nội", "139-KL/TU"),
    ("Nghị quyết số 04-NQ/HU (Nghị quyết 04) – Huyện ủy Tuy Đức (Đắc Nông)", "4-NQ/HU"),
    ("Số: 367 - QĐ/TWĐTN-VP", "367-QĐ/TWĐTN-VP"),
    ("Thông tri số 25/TT-MTTW-BTT", "25/TT-MTTW-BTT"),
    ("Công văn số 59-CV/BCĐ (12/9/2025)", "59-CV/BCĐ"),
    ("Decree 30/2020/ND-CP", "30/2020/NĐ-CP"),
    ("09/2016/TTLT-BLĐTBXH-BTC", "9/2016/TTLT-BLĐTBXH-BTC"),
    ("Chương trình Hành động số 88 -Ctr/TU", "88-CTr/TU"),
    ("Kế hoạch số 59 - KH/BCĐTTĐN", "59-KH/BCĐTTĐN"),
    ("Quyết định số 1234/QĐ-TTg", "1234/QĐ-TTg"),
]


@pytest.mark.parametrize("text,expected", CITATIONS)
def test_citation_canonical(text, expected):
    found, _ = find_directives(text)
    assert [d.id for d in found] == ([expected] if expected else [])


@pytest.mark.parametrize(
    "text,short",
    [
        ("Kết luận số 57 của Bộ Chính trị", ["Kết luận 57"]),
        ("Chỉ thị 26", ["Chỉ thị 26"]),
        ("Nghị quyết số 04-NQ/HU (Nghị quyết 04)", []),  # resolved by the full citation
        ("Kết luận 57-KL/TW ... Kết luận 57 yêu cầu", []),
        ("Nghị quyết số 18, 19 và Kết luận số 64", ["Nghị quyết 18", "Kết luận 64"]),
    ],
)
def test_short_references(text, short):
    found, shorts = find_directives(text)
    assert shorts == short
    assert not [d for d in found if d.id in ("57", "26")]


@pytest.mark.parametrize(
    "text",
    [
        "Covid-19", "U23 Việt Nam", "cúm A/H5N1", "Hội nghị G7/G20", "biển số 29A-123.45", "Quốc lộ QL1A",
        "ngày 15/6/2023", "giai đoạn 2011-2020", "nhiệm kỳ 2020 - 2025", "35.000 đồng / lượt", "32 chuyến / ngày",
        "226/320 phiếu", "Điều 12 Bộ luật Hình sự", "quy hoạch 1/500", "QCVN 4 0:2 011 / BTNMT", "08/01/2024, 05:10",
        "tổ hợp A00/A01/D01", "Kim Há/TTXVN", "công nghệ 4.0", "luật Đấu thầu số 43/2013", "tuyến DT603A - DT607",
    ],
)
def test_not_directives(text):
    assert find_directives(text)[0] == []


def test_details_type_issuer_date():
    found, _ = find_directives(
        "Kết luận số 57-KL/TW ngày 15/6/2023 và Quyết định 79/2010/QĐ-TTg; Thông tư 22/2016/TT-BTTTT; 44/KH-UBND"
    )
    by_id = {d.id: d for d in found}
    assert by_id["57-KL/TW"].type == "Kết luận"
    # A catalogued document is named as the catalogue names it, in extract as in the directive lookup.
    assert by_id["57-KL/TW"].issuer == "Bộ Chính trị (khóa XIII)"
    assert by_id["44/KH-UBND"].issuer == "Ủy ban nhân dân"
    assert by_id["57-KL/TW"].date == "2023-06-15"
    assert by_id["79/2010/QĐ-TTg"].issuer == "Thủ tướng Chính phủ"
    assert by_id["22/2016/TT-BTTTT"].issuer == "Bộ Thông tin và Truyền thông"
    assert by_id["44/KH-UBND"].issuer == "Ủy ban nhân dân"
    assert by_id["44/KH-UBND"].type == "Kế hoạch"


@pytest.mark.parametrize(
    "raw,canon",
    [
        ("57 - kl/tw", "57-KL/TW"), ("72/2015/nđ-cp", "72/2015/NĐ-CP"), ("72/2015/ND-CP", "72/2015/NĐ-CP"),
        ("57–KL/TƯ", "57-KL/TW"), ("09 - CT/TU", "9-CT/TU"), ("59-KH/BCDTTDN", "59-KH/BCĐTTĐN"), ("152-BC/DU", "152-BC/ĐU"),
        ("57-KL/\nTW", "57-KL/TW"), ("77/2014/tt-btc", "77/2014/TT-BTC"), ("Covid-19", None),
        ("215 / TD - PCCC - P3", "215/TD-PCCC-P3"), ("57-KL/TW - TP.HCM", "57-KL/TW"), ("3037 / VP - NNTN", "3037/VP-NNTN"),
        ("Nghị định 121/2013/NĐ – CP", "121/2013/NĐ-CP"), ("1295-QĐNS/TW", "1295-QĐNS/TW"),
        ("Nghị quyết 19-2017/NQ-CP", "19-2017/NQ-CP"), ("13-2016 / TTLT - BYT - BGDĐT", "13-2016/TTLT-BYT-BGDĐT"),
        ("giai đoạn 2011-2020/QĐ-UBND", None),
    ],
)
def test_canonical(raw, canon):
    assert canonical(raw) == canon


@pytest.mark.parametrize(
    "query,ids",
    [
        ("57-kl/tw", ["57-KL/TW"]), ("KL 57-KL/TW", ["57-KL/TW"]), ("ket luan 57", ["57-KL/TW"]),
        ("Kết luận số 57", ["57-KL/TW"]), ("nghi dinh 72", ["72/2015/NĐ-CP"]), ("72/2015/nđ-cp", ["72/2015/NĐ-CP"]),
        ("chỉ thị 26", ["26-CT/TW"]), ("thông tư 22", ["22/2016/TT-BTTTT"]), ("quy định 345", ["345-QĐ/TW"]),
        ("xyz", []),
    ],
)
def test_resolve_query(query, ids):
    assert resolve_query(query) == ids


def test_resolve_ambiguous_number():
    assert set(resolve_query("57", bare_number=True)) >= {"57-KL/TW", "57-NQ/TW"}
    assert resolve_query("57") == []  # in a search, a number alone is a number


def test_catalogue():
    e = catalogue.get("57-kl/tw")
    assert e is not None and e.date == "2023-06-15" and e.type == "Kết luận"
    assert catalogue.get("72/2015/NĐ-CP").issuer == "Chính phủ"
    ids = {e.id for e in catalogue.entries()}
    assert {"26-CT/TW", "16-KL/TW", "57-KL/TW", "72/2015/NĐ-CP", "22/2016/TT-BTTTT", "79/2010/QĐ-TTg", "345-QĐ/TW"} <= ids
    assert all(canonical(i) == i for i in ids)  # catalogue ids are canonical
    assert catalogue.get("999-KL/TW") is None


@pytest.mark.parametrize(
    "typed,how,ids",
    [
        ("57/KL-TW", "corrected", ("57-KL/TW",)),  # dash and slash swapped
        ("66/QĐ/TW", "corrected", ("66-QĐ/TW",)),
        ("57-KL", "short", ("57-KL/TW",)), ("KL-57", "short", ("57-KL/TW",)), ("57 KL TW", "short", ("57-KL/TW",)),
        ("57KL/TW", "short", ("57-KL/TW",)), ("Kết luận 57 của Bộ Chính trị", "short", ("57-KL/TW",)),
        ("ket luan 72", "uncited", ()),  # well formed; nothing known cites it
        ("kế hoạch 2024", "", ()),  # a plan for a year, not a document number
        ("triển khai 57-KL/TW", "", ()),  # words to search for around the id
        ("Kết luận số 57-KL/TW của Bộ Chính trị", "id", ("57-KL/TW",)),
        ("thông tin đối ngoại", "", ()),
    ],
)
def test_resolve_reads_what_users_type(typed, how, ids):
    r = resolve(typed, ["66-QĐ/TW"])
    assert (r.how, r.ids) == (how, ids)


def test_one_table_of_type_words_for_queries_and_the_resolver():
    """Every type word of type_words.tsv makes a query a document reference, in search as in the resolver."""
    from ttdn_search.extract._data import tsv
    from ttdn_search.query import looks_like_directive

    for row in tsv("type_words.tsv"):
        q = f"{row[0]} số 12"
        assert looks_like_directive(q) == bool(resolve(q).how) == True, q  # noqa: E712
    assert not looks_like_directive("thông tin đối ngoại 12")


def test_a_decree_by_number_and_year_is_its_full_id():
    found, shorts = find_directives("xử phạt theo nghị định 167/2013 với mức phạt 2-3 triệu; Nghị quyết 31/2021.")
    assert [d.id for d in found] == ["167/2013/NĐ-CP"] and found[0].issuer == "Chính phủ"
    # A written code wins; other types keep their issuer open.
    assert [d.id for d in find_directives("Nghị định 72/2015/NĐ-CP")[0]] == ["72/2015/NĐ-CP"]


@pytest.mark.parametrize(
    "text,short",
    [
        ("KẾT LUẬN SỐ 57 CỦA BỘ CHÍNH TRỊ", ["Kết luận 57"]),  # any case, as before the lower-case scan
        ("kết luận số 57 của Bộ Chính trị", ["Kết luận 57"]),
        # "İ" lower-cases to two characters: the scan falls back to the case-insensitive pattern
        ("İstanbul: Kết luận số 57 và Chỉ thị số 26", ["Kết luận 57", "Chỉ thị 26"]),
        ("Kế hoạch 5 năm; Kết luận số 64 năm 2019", ["Kết luận 64"]),
    ],
)
def test_short_references_any_case(text, short):
    assert find_directives(text)[1] == short
