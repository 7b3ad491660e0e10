"""Provinces: aliases, traps (people, companies, schools, streets), the 2025 merger map, the own province."""

from types import SimpleNamespace

import pytest

from ttdn_search.extract.own_province import own_province
from ttdn_search.extract.provinces import all_units, find_provinces, lookup, new_unit, old_units


@pytest.mark.parametrize(
    "text,expected",
    [
        ("UBND tỉnh Nghệ An", ["Nghệ An"]),
        ("Tỉnh ủy Hưng Yên", ["Hưng Yên"]),
        ("tại TP.HCM", ["Hồ Chí Minh"]),
        ("tại TP. HCM", ["Hồ Chí Minh"]),
        ("tại TP HCM", ["Hồ Chí Minh"]),
        ("Thành phố Hồ Chí Minh", ["Hồ Chí Minh"]),
        ("tại thành phố Hồ Chí Minh", ["Hồ Chí Minh"]),
        ("người dân Sài Gòn", ["Hồ Chí Minh"]),
        ("về Thủ đô sau chuyến công tác", ["Hà Nội"]),
        ("tỉnh Bà Rịa – Vũng Tàu", ["Bà Rịa - Vũng Tàu"]),
        ("tỉnh Bà Rịa-Vũng Tàu", ["Bà Rịa - Vũng Tàu"]),
        ("tỉnh Khánh Hoà", ["Khánh Hòa"]),
        ("tỉnh Thanh Hoá và Hoà Bình", ["Thanh Hóa", "Hòa Bình"]),
        ("tỉnh Thừa Thiên - Huế", ["Thừa Thiên Huế"]),
        ("tỉnh Đắc Lắc", ["Đắk Lắk"]),
        ("Sở Y tế Long An", ["Long An"]),
        ("Đoàn luật sư TP. HCM", ["Hồ Chí Minh"]),
        ("cao tốc Đà Nẵng – Quảng Ngãi", ["Đà Nẵng", "Quảng Ngãi"]),
        ("cao tốc TP.\nHồ Chí Minh – Long Thành", ["Hồ Chí Minh"]),
        ("tuyến đường Hà Nội - Lào Cai", ["Hà Nội", "Lào Cai"]),
        ("HĐND thành phố Cần Thơ", ["Cần Thơ"]),
        ("tỉnh Bạc Liêu (cũ)", ["Bạc Liêu"]),
    ],
)
def test_mentions(text, expected):
    assert find_provinces(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "ông Trương Hoà Bình, Phó Thủ tướng",
        "bà Nguyễn Thị Huế",
        "báo Công an TP. HCM đưa tin",
        "Trường ĐH Luật Hà Nội",
        "Đại học Luật TP. HCM",
        "Ngân hàng Sài Gòn Thương Tín",
        "CLB Hà Nội thắng",
        "nhà số 5 đường Hà Nội",
        "tư tưởng Hồ Chí Minh",
        "Học viện Chính trị quốc gia Hồ Chí Minh",
        "chương trình Saigon Academy",
        "sân bay Tân Sơn Nhất",
        "chiến thắng Điện Biên Phủ",
        "thủ đô Viêng Chăn",
        "Công ty Mía đường Tuy Hoà",
        "Hà Tây cũ",
    ],
)
def test_traps(text):
    assert find_provinces(text) == []


def test_name_on_date():
    assert find_provinces("tỉnh Thừa Thiên Huế", "2019-05-01") == ["Thừa Thiên Huế"]
    assert find_provinces("tỉnh Thừa Thiên Huế", "2025-03-01") == ["Huế"]
    assert find_provinces("thành phố Huế", "2025-08-01") == ["Huế"]
    assert find_provinces("tỉnh Thừa Thiên Huế") == ["Thừa Thiên Huế"]


@pytest.mark.parametrize(
    "name,canonical",
    [
        ("TP.HCM", "Hồ Chí Minh"), ("TP. HCM", "Hồ Chí Minh"), ("Sài Gòn", "Hồ Chí Minh"), ("ho chi minh", "Hồ Chí Minh"),
        ("Hà Nội", "Hà Nội"), ("ha noi", "Hà Nội"), ("Thủ đô", "Hà Nội"), ("tỉnh Khánh Hoà", "Khánh Hòa"),
        ("khanh hoa", "Khánh Hòa"), ("Bà Rịa – Vũng Tàu", "Bà Rịa - Vũng Tàu"), ("ba ria vung tau", "Bà Rịa - Vũng Tàu"),
        ("Thừa Thiên Huế", "Thừa Thiên Huế"), ("Huế", "Huế"), ("dak lak", "Đắk Lắk"), ("Đắc Nông", "Đắk Nông"),
    ],
)
def test_lookup(name, canonical):
    assert lookup(name).name == canonical


def test_lookup_unknown():
    assert lookup("Hà Tây") is None
    assert lookup("Paris") is None


@pytest.mark.parametrize(
    "old,new",
    [
        ("Bình Thuận", "Lâm Đồng"), ("Đắk Nông", "Lâm Đồng"), ("Lâm Đồng", "Lâm Đồng"), ("Hà Giang", "Tuyên Quang"),
        ("Yên Bái", "Lào Cai"), ("Bắc Kạn", "Thái Nguyên"), ("Vĩnh Phúc", "Phú Thọ"), ("Hòa Bình", "Phú Thọ"),
        ("Bắc Giang", "Bắc Ninh"), ("Thái Bình", "Hưng Yên"), ("Hải Dương", "Hải Phòng"), ("Nam Định", "Ninh Bình"),
        ("Hà Nam", "Ninh Bình"), ("Quảng Bình", "Quảng Trị"), ("Quảng Nam", "Đà Nẵng"), ("Kon Tum", "Quảng Ngãi"),
        ("Bình Định", "Gia Lai"), ("Ninh Thuận", "Khánh Hòa"), ("Phú Yên", "Đắk Lắk"), ("Bình Dương", "Hồ Chí Minh"),
        ("Bà Rịa - Vũng Tàu", "Hồ Chí Minh"), ("Bình Phước", "Đồng Nai"), ("Long An", "Tây Ninh"),
        ("Hậu Giang", "Cần Thơ"), ("Sóc Trăng", "Cần Thơ"), ("Bến Tre", "Vĩnh Long"), ("Trà Vinh", "Vĩnh Long"),
        ("Tiền Giang", "Đồng Tháp"), ("Bạc Liêu", "Cà Mau"), ("Kiên Giang", "An Giang"), ("Thừa Thiên Huế", "Huế"),
        ("Hà Nội", "Hà Nội"), ("Cao Bằng", "Cao Bằng"),
    ],
)
def test_merger_map(old, new):
    assert new_unit(old) == new


def test_units_and_old_units():
    units = all_units()
    assert len([u for u in units if u.era in ("old", "both") and u.old_units == (u.name,) and u.new_unit]) >= 63
    assert len({u.name for u in units[:63]}) == 63
    assert len({u.name for u in units[63:]}) == 34
    assert old_units("Lâm Đồng") == ["Bình Thuận", "Đắk Nông", "Lâm Đồng"]
    assert old_units("Huế") == ["Thừa Thiên Huế"]
    # every old unit lands in exactly one new unit, and every new unit's members map back to it
    for u in units[63:]:
        for o in u.old_units:
            assert new_unit(o) == u.name


def _article(title, text, meta=()):
    return SimpleNamespace(id="t", title=title, text=text, date=None, meta_lines=list(meta))


def test_own_province_signals():
    assert own_province(_article("Hưng Yên: Triển khai nhiệm vụ", "Ban Chỉ đạo tỉnh họp.")) == "Hưng Yên"
    assert own_province(_article("Hội nghị", "Tỉnh ủy tổ chức hội nghị.", ["Banner Tỉnh ủy Nghệ An (Home-latest-1)"])) == "Nghệ An"
    assert own_province(_article("Kế hoạch", "Lào Cai, ngày 29 tháng 01 năm 2021\nKẾ HOẠCH ...")) == "Lào Cai"
    assert own_province(_article("Hội nghị", "Ngày 5/1, UBND tỉnh Quảng Bình tổ chức hội nghị. Lãnh đạo UBND tỉnh Quảng Bình phát biểu.")) == "Quảng Bình"


def test_own_province_none():
    # a bare "tỉnh"/"Tỉnh ủy" says nothing about which province
    assert own_province(_article("Tổng kết công tác", "BCĐ Công tác TTĐN tỉnh tổ chức hội nghị. Tỉnh ủy chỉ đạo.")) is None
    # a national conference held in Hà Nội is national
    assert own_province(_article("Tổng Bí thư chủ trì hội nghị", "Sáng 16-7, tại Hà Nội, Bộ Chính trị tổ chức hội nghị toàn quốc.")) is None
    # several provinces equally
    assert own_province(_article("Hợp tác vùng", "UBND tỉnh Long An và UBND tỉnh Tiền Giang ký kết hợp tác.")) is None


@pytest.mark.parametrize(
    "text,expected",
    [
        ("khu vực châu Á - Thái Bình Dương", []),
        ("Bộ Tư lệnh Thái Bình Dương của Mỹ", []),
        ("trận SL Nghệ An gặp HL Hà Tĩnh", []),
        ("tại một số tuyến phố Hà Nội", ["Hà Nội"]),
        ("tỉnh Thái Bình và Bình Dương", ["Thái Bình", "Bình Dương"]),
    ],
)
def test_more_traps(text, expected):
    assert find_provinces(text) == expected


def test_teams_in_sports_stories():
    text = "Thua Selangor tổng tỷ số 1-4, Nam Định dừng bước ở bán kết Cup CLB Đông Nam Á. HLV Nam Định nói tại Hà Nội."
    assert find_provinces(text) == ["Hà Nội"]
    # the same name outside a sports story is a place
    assert find_provinces("Nam Định dừng thu phí") == ["Nam Định"]


def test_own_province_is_among_the_mentions():
    art = _article("Nam Định thua ở bán kết Cup", "Thua Selangor tổng tỷ số 1-4, Nam Định dừng bước ở bán kết Cup CLB.")
    assert own_province(art, find_provinces(art.title + "\n" + art.text)) is None


def test_own_province_local_body_in_parentheses_and_residences():
    art = _article(
        "Bắt 3 nghi phạm cướp",
        "Cơ quan CSĐT Công an Q.Nam Từ Liêm (Hà Nội) bắt giữ 3 nghi phạm trên địa bàn Hà Nội. Nguyễn Anh Đức "
        "(24 tuổi, ngụ P.Đình Bảng, TX.Từ Sơn, Bắc Ninh) và Trần Tuấn Anh (ngụ TP.Cẩm Phả, Quảng Ninh).",
    )
    assert own_province(art) == "Hà Nội"


def test_own_province_online_conference_bridge_point():
    art = _article(
        "Hội nghị toàn quốc quán triệt Kết luận 57-KL/TW",
        "Sáng 11/10, Ban Bí thư tổ chức hội nghị trực tuyến toàn quốc. Tại điểm cầu Bình Dương, đồng chí Bí thư "
        "Tỉnh ủy Bình Dương chủ trì. Lãnh đạo UBND tỉnh Bình Dương cùng dự.",
    )
    assert own_province(art) == "Bình Dương"


def test_own_province_short_items():
    assert own_province(_article("Xây khách sạn cao cấp trên đất công sở bỏ hoang",
                                 "Chủ tịch TP Huế vừa chấp thuận chủ trương đầu tư dự án xây dựng khách sạn.")) == "Thừa Thiên Huế"
    # a venue alone is not the subject, even in a short item
    assert own_province(_article("Hội nghị toàn quốc về chuyển đổi số", "Sáng 5/3, tại Hà Nội, Bộ TT&TT tổ chức hội nghị.")) is None


@pytest.mark.parametrize(
    "text,date,expected",
    [
        # A commune or district named like a province is not the province.
        ("Dự án thuộc xã Duy Hải và xã Bình Dương (huyện Thăng Bình), tỉnh Quảng Nam.", None, ["Quảng Nam"]),
        ("Anh Hòa trú tại thôn Hòa Bình, xã Đức Tân.", None, []),
        # A former unit that holds current names: none of its mentions count once the text names it a unit.
        ("Ông làm cán bộ Ban Quản lý kinh tế Quảng Nam - Đà Nẵng, rồi Giám đốc Sở tỉnh Quảng Nam - Đà Nẵng.",
         None, []),
        ("Doanh nghiệp vận tải giữa Quảng Nam - Đà Nẵng tỏ ra sơ sài.", None, ["Quảng Nam", "Đà Nẵng"]),
        # A newspaper credit names the paper, an affiliation the body.
        ("Theo Đoàn Tuấn (Công an TP.HCM)", None, []),
        ("Theo luật sư Hứa Thị Thảo (Đoàn luật sư TP. HCM), xét về", None, ["Hồ Chí Minh"]),
        # Company and hospital names, commas and all; an address after a name is a place.
        ("ông Hải vào HĐQT Tổng công ty bia, rượu, nước giải khát Sài Gòn (Sabeco).", None, []),
        ("đưa em đi bệnh viện Chấn thương Chỉnh hình TP. HCM để chụp X-quang", None, []),
        ("Luật sư Bích Hảo, Công ty luật TNHH Đức An, Thanh Xuân, Hà Nội.", None, ["Hà Nội"]),
        ("Trường ĐH Công nghệ, ĐH Quốc gia Hà Nội thông báo tuyển sinh.", None, []),
        # Before 2025 Huế alone is the city of Thừa Thiên Huế, not a provincial unit; from 2025 it is one.
        ("Chính quyền Hội An và Huế khuyến khích người dân bảo vệ di sản ở Huế.", "2016-07-11", []),
        ("Chính quyền Hội An và Huế khuyến khích người dân bảo vệ di sản.", "2025-10-28", ["Huế"]),
        ("UBND tỉnh Thừa Thiên Huế chỉ đạo; du khách đến Huế đông.", "2019-01-01", ["Thừa Thiên Huế"]),
    ],
)
def test_places_that_are_not_provinces(text, date, expected):
    assert find_provinces(text, date) == expected


def test_own_province_local_body_after_a_comma_and_a_residence_by_its_commune():
    art = SimpleNamespace(
        title="Triệu tập đối tượng bắn thủng kính ô tô ở bệnh viện",
        text="Ô tô đỗ ở BVĐK Hùng Vương (Phú Thọ) bị bắn vỡ kính. Đại tá Ngọc - Trưởng Công an huyện Đoan Hùng, "
             "Phú Thọ cho biết đối tượng là Nguyễn Văn Quyên (31 tuổi, ở xã Đội Bình, huyện Yên Sơn, tỉnh Tuyên Quang).",
        meta_lines=[])
    assert own_province(art) == "Phú Thọ"
