"""The five seed pages, tagged as read by hand (text = the whole raw page, boilerplate included)."""

from types import SimpleNamespace

import pytest

from tests._shared import SHARED, needs_shared
from ttdn_search.extract import tag

SEEDS = SHARED / "corpus" / "seeds"

# file prefix: (title, expected tags). The raw page keeps its boilerplate, so ids, years and dates in
# banners and "related news" blocks count too (noted per seed).
EXPECTED = {
    "000": (
        "Tổng kết công tác thông tin đối ngoại năm 2020 và triển khai nhiệm vụ năm 2021",
        # The page never names its province (only "tỉnh", "Tỉnh ủy"): no honest signal, province stays null.
        # "Ngày 24-12" has no year; the review of 2020 and the plan for 2021 are held at the turn of the
        # year, so December is 2020.
        dict(date=None, date_source="event", event_date="2020-12-24", province=None, provinces=[],
             years=[2020, 2021], directives=[]),
    ),
    "001": (
        "Hội nghị tổng kết công tác thông tin đối ngoại năm 2018",
        # "hình ảnh Hà Nam", "tiềm năng của Hà Nam": the provincial BCĐ of Hà Nam; "Sáng ngày 21/01/2019" is an event.
        dict(date=None, date_source="event", event_date="2019-01-21", province="Hà Nam", provinces=["Hà Nam"],
             years=[2018, 2019], directives=[]),
    ),
    "002": (
        "Đổi mới, nâng cao chất lượng, hiệu quả công tác thông tin đối ngoại",
        # Byline "08/01/2024, 05:10"; "tỉnh Bình Thuận"; a photo caption "tại thành phố Hồ Chí Minh" (the UK
        # consulate) is a place mention but not the subject; the "Nổi bật" block cites 88-CTr/TU, 72-KL/TW, 13-NQ/TW.
        dict(
            date="2024-01-08",
            date_source="byline",
            event_date=None,
            province="Bình Thuận",
            provinces=["Hồ Chí Minh", "Bình Thuận"],
            years=[2012, 2020, 2024, 2025],
            directives=["57-KL/TW", "88-CTr/TU", "72-KL/TW", "13-NQ/TW"],
        ),
    ),
    "003": (
        "Hưng Yên: Triển khai nhiệm vụ công tác thông tin đối ngoại năm 2020",
        # Byline "Đăng ngày: 27/12/2019"; the banner's anniversary line gives 1944, 1989 and 2024.
        dict(
            date="2019-12-27",
            date_source="byline",
            event_date="2019-12-26",
            province="Hưng Yên",
            provinces=["Hưng Yên"],
            years=[1944, 1989, 2011, 2013, 2019, 2020, 2024],
            directives=["59-KH/BCĐTTĐN"],
        ),
    ),
    "004": (
        "Hội nghị tổng kết công tác Thông tin đối ngoại năm 2024, triển khai nhiệm vụ năm 2025",
        # Banner "Tỉnh ủy Nghệ An"; no byline: date null. "Chiều 15/01" has no year of its own; the review
        # of 2024 and the plan for 2025 put January in 2025.
        dict(
            date=None,
            date_source="event",
            event_date="2025-01-15",
            province="Nghệ An",
            provinces=["Nghệ An"],
            years=[2023, 2024, 2025, 2030, 2045],
            directives=["57-KL/TW", "39-NQ/TW"],
        ),
    ),
}


def _seed(prefix):
    matches = sorted(SEEDS.glob(f"{prefix}_*.txt"))
    if not matches:
        pytest.skip(f"seed {prefix} not found in {SEEDS}")
    return matches[0]


@needs_shared
@pytest.mark.parametrize("prefix", sorted(EXPECTED))
def test_seed(prefix):
    path = _seed(prefix)
    title, want = EXPECTED[prefix]
    text = path.read_text(encoding="utf-8")
    assert title in text  # the hard-coded title is the page's headline
    tags = tag(SimpleNamespace(id=path.stem, title=title, text=text, date=None, meta_lines=[])).to_json()
    got = {k: tags[k] for k in want}
    assert got == want


@needs_shared
def test_seed_directive_details():
    path = _seed("004")
    tags = tag(SimpleNamespace(id="004", title=EXPECTED["004"][0], text=path.read_text(encoding="utf-8"), date=None, meta_lines=[]))
    kl57 = next(d for d in tags.directives if d.id == "57-KL/TW")
    assert (kl57.type, kl57.issuer, kl57.date) == ("Kết luận", "Bộ Chính trị (khóa XIII)", "2023-06-15")
    assert tags.provinces_new == ["Nghệ An"]
    assert "Hội nghị tổng kết" in tags.kind


@needs_shared
def test_seed_banner_in_meta_lines():
    """When ingest moves the banner to meta_lines, it still names the province."""
    path = _seed("004")
    lines = path.read_text(encoding="utf-8").splitlines()
    body = "\n".join(ln for ln in lines if "Nghệ An" not in ln)
    art = SimpleNamespace(id="004", title="Hội nghị tổng kết", text=body, date=None,
                          meta_lines=["Banner Tỉnh ủy Nghệ An (Home-latest-1)"])
    assert tag(art).province == "Nghệ An"
