"""The nasty input files: small ones committed beside this script, big and binary ones written at test time.

    python tests/nasty/generate.py      # rewrite the committed small files (a test checks they match)

Every file has a line in EXPECTED (test_reliability_nasty.py): indexed, or skipped with which reason.
The articles are written for this project; each names a district of its own so a search finds it.
"""

from __future__ import annotations

import gzip
import json
import os
import random
import unicodedata
from pathlib import Path

HERE = Path(__file__).resolve().parent


def _article(place: str, how: str) -> tuple[str, str]:
    title = f"Huyện {place} tổng kết công tác thông tin đối ngoại năm 2023"
    body = (
        f"Sáng nay, Ban Thường vụ Huyện ủy {place} tổ chức hội nghị tổng kết công tác thông tin đối ngoại "
        f"năm 2023 và triển khai nhiệm vụ năm 2024. Bài viết này được lưu {how}.\n"
        f"Hội nghị đánh giá các cơ quan báo chí đã phối hợp chặt chẽ, kịp thời cung cấp thông tin chính thống "
        f"về tình hình kinh tế, văn hóa và đời sống nhân dân trên địa bàn huyện {place}.\n"
        "Đồng chí Bí thư Huyện ủy yêu cầu các cấp ủy tiếp tục quán triệt Kết luận số 57-KL/TW của Bộ Chính trị "
        "về tiếp tục nâng cao chất lượng, hiệu quả công tác thông tin đối ngoại trong tình hình mới."
    )
    return title, body


def encode_tcvn3(text: str) -> bytes:
    from ttdn_search.legacy import TCVN3

    rev = {ch: byte for byte, ch in TCVN3.items()}
    return bytes(rev[c] if c in rev else ord(c) for c in unicodedata.normalize("NFC", text))


def encode_cp1258(text: str) -> bytes:
    """Windows-1258 as Vietnamese software wrote it: a base letter, then a combining tone mark when needed."""
    out = bytearray()
    for c in unicodedata.normalize("NFC", text):
        try:
            out += c.encode("cp1258")
            continue
        except UnicodeEncodeError:
            pass
        d = unicodedata.normalize("NFD", c)
        tone = "".join(x for x in d if x in "\u0300\u0301\u0303\u0309\u0323")
        base = unicodedata.normalize("NFC", "".join(x for x in d if x not in tone))
        out += (base + tone).encode("cp1258")
    return bytes(out)


def _page(place: str, how: str) -> str:
    title, body = _article(place, how)
    return f"{title}\n\n{body}\n"


LATIN1_TEXT = (
    "Le café de la gare était déjà très animé à l'aube; les élèves attendaient le train de Besançon.\n"
    "Müller und Größe: eine naïve Fassade, über die man in Zürich spricht, ist keine Übersetzung wert.\n"
)

SCRIPTS_HTML = """<!DOCTYPE html>
<html lang="vi"><head><meta charset="utf-8"><title>Diễn Châu | Báo điện tử</title>
<style>body {{ font: 14px serif }} .x::after {{ content: "</div> Không phải nội dung" }}</style>
<script>var s = "<p>Mã kịch bản không phải nội dung</p>"; if (a < b && c > d) {{ document.write("</script-not>"); }}</script>
</head><body>
<!-- bình luận: <p>Không phải nội dung</p> -->
<nav><a href="/">Trang chủ</a> <a href="/tin">Tin tức</a></nav>
<noscript><p>Bật JavaScript để xem trang</p></noscript>
<article><h1>{title}</h1>
{paras}
<![CDATA[ khối CDATA lạ ]]>
<script type="application/ld+json">{{"@type": "NewsArticle", "headline": "không phải nội dung"}}</script>
</article>
<footer>POWERED BY ONECMS</footer>
</body></html>
"""

JSONL_GOOD = [
    {"id": "nasty-jsonl-1", "title": _article("Thanh Chương", "trong JSONL")[0], "text": _article("Thanh Chương", "trong JSONL")[1],
     "date": "2024-01-08"},
    {"id": "nasty-jsonl-2", "title": _article("Nam Đàn", "trong JSONL")[0], "text": _article("Nam Đàn", "trong JSONL")[1]},
]


def _jsonl_lines() -> list[bytes]:
    good1, good2 = (json.dumps(r, ensure_ascii=False).encode("utf-8") for r in JSONL_GOOD)
    return [
        good1,                                                       # 1 indexed
        b'{"id": "nasty-no-text", "title": "Thi\\u1ebfu n\\u1ed9i dung"}',  # 2 missing text
        b'{"id": "nasty-wrong-type", "text": 12345}',                # 3 text not a string
        b'{"id": "nasty-list-text", "text": ["m\\u1ed9t", "hai"]}',  # 4 text a list
        b'{"id": "nasty-empty", "text": "   "}',                     # 5 empty text
        b"[1, 2, 3]",                                                # 6 not an object
        b'{"id": "nasty-broken", "text": "thi\\u1ebfu ngo\\u1eb7c"',   # 7 malformed JSON
        b'{"id": "x", "text": "\xff\xfe h\xe1\xbb\x8fng"}',          # 8 not UTF-8
        b"",                                                         # 9 blank: ignored silently
        good2,                                                       # 10 indexed
        # 11 same id as line 1: the first is kept, this one reported
        json.dumps({**JSONL_GOOD[0], "text": JSONL_GOOD[0]["text"] + " Bản sao."}, ensure_ascii=False).encode("utf-8"),
        # 12 odd types in optional fields: id a dict, title a number, date a list -> indexed with derived id
        json.dumps({"id": {"a": 1}, "title": 7, "date": [2024], "source": None,
                    "text": _article("Anh Sơn", "với kiểu trường lạ")[1]}, ensure_ascii=False).encode("utf-8"),
    ]


def small_files() -> dict[str, bytes]:
    """The committed files: name -> exact bytes."""
    files: dict[str, bytes] = {}
    files["good.txt"] = _page("Đô Lương", "bằng UTF-8").encode("utf-8")
    files["utf8-bom.txt"] = b"\xef\xbb\xbf" + _page("Yên Thành", "bằng UTF-8 có BOM").encode("utf-8")
    files["utf16-le-bom.txt"] = _page("Kỳ Anh", "bằng UTF-16 LE có BOM").encode("utf-16")
    files["utf16-be-bom.txt"] = b"\xfe\xff" + _page("Hương Sơn", "bằng UTF-16 BE có BOM").encode("utf-16-be")
    files["tcvn3.txt"] = encode_tcvn3(_page("Quỳnh Lưu", "bằng mã TCVN3 (ABC)"))
    files["cp1258.txt"] = encode_cp1258(_page("Cẩm Xuyên", "bằng mã Windows-1258"))
    files["nfd.txt"] = unicodedata.normalize("NFD", _page("Hương Khê", "ở dạng NFD")).encode("utf-8")
    files["crlf-mixed.txt"] = _page("Nghi Lộc", "với dòng CRLF và CR").replace("\n", "\r\n", 2).replace("\n", "\r").encode("utf-8")
    files["latin1.txt"] = LATIN1_TEXT.encode("latin-1")
    files["nul.txt"] = _page("Can Lộc", "có byte NUL").encode("utf-8").replace(b". ", b".\x00 ", 1)
    files["utf16-no-bom.txt"] = _page("Vũ Quang", "bằng UTF-16 không BOM").encode("utf-16-le")
    files["empty.txt"] = b""
    files["blank.txt"] = b" \n\t\r\n   \n"
    files["only-boilerplate.txt"] = b"Skip to main content\nHome\n(0) B\xc3\xacnh lu\xe1\xba\xadn\nanh-1.jpg\n"
    title, body = _article("Diễn Châu", "trong HTML có script, style và bình luận")
    paras = "\n".join(f"<p>{p}</p>" for p in body.split("\n"))
    files["scripts.html"] = SCRIPTS_HTML.format(title=title, paras=paras).encode("utf-8")
    title, body = _article("Nghĩa Đàn", "trong HTML hỏng")
    files["broken.html"] = (f"<html><body><div><h1>{title}</b></h2><p>{body.replace(chr(10), '<p>')}"
                            " <<<>>> &bogus; &#xD800; &#99999999; </i></table><div <p").encode("utf-8")
    files["records.jsonl"] = b"\n".join(_jsonl_lines()) + b"\n"
    files["unsupported.pdf"] = b"%PDF-1.4 not read: suffix not supported, not reported inside folders\n"
    return files


def write_small(folder: Path = HERE / "files") -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name, data in small_files().items():
        (folder / name).write_bytes(data)


BIG_TEXT_BYTES = 50 * 1024 * 1024


def write_generated(folder: Path) -> dict[str, str]:
    """Big, binary and filesystem-trick inputs written at test time; name -> what it is."""
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(8)
    (folder / "random.txt").write_bytes(bytes(rng.randrange(256) for _ in range(20000)))
    (folder / "image.html").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(rng.randrange(256) for _ in range(4000)))
    (folder / "gzip-as-text.txt").write_bytes(gzip.compress(b"not text at all " * 100))
    # 50 MB of real-looking text, written in pieces so the test itself stays small in memory.
    line = ("Thông tin đối ngoại là nhiệm vụ của cả hệ thống chính trị. " * 20 + "\n").encode("utf-8")
    with open(folder / "big.txt", "wb") as fh:
        for _ in range(BIG_TEXT_BYTES // len(line) + 1):
            fh.write(line)
    # One 17 MB JSONL line (a record too long to hold) between two good ones.
    with open(folder / "bigline.jsonl", "wb") as fh:
        fh.write(json.dumps({"id": "nasty-before-big", "text": _article("Tân Kỳ", "trước một dòng rất dài")[1]},
                            ensure_ascii=False).encode("utf-8") + b"\n")
        fh.write(b'{"id": "huge", "text": "')
        chunk = b"a" * (1024 * 1024)
        for _ in range(17):
            fh.write(chunk)
        fh.write(b'"}\n')
        fh.write(json.dumps({"id": "nasty-after-big", "text": _article("Quế Phong", "sau một dòng rất dài")[1]},
                            ensure_ascii=False).encode("utf-8") + b"\n")
    # 5,000 nested <div>s around the article.
    title, body = _article("Con Cuông", "trong 5.000 thẻ div lồng nhau")
    deep = "<html><body>" + "<div>" * 5000 + f"<h1>{title}</h1>" + "".join(f"<p>{p}</p>" for p in body.split("\n"))
    (folder / "deep.html").write_text(deep + "</div>" * 5000 + "</body></html>", "utf-8")
    # A gzip JSONL cut short: the records before the cut are kept.
    blob = gzip.compress(b"\n".join(json.dumps({"id": f"nasty-gz-{i}", "text": _article(p, "trong gzip bị cắt")[1]},
                                               ensure_ascii=False).encode("utf-8") for i, p in enumerate(["Hưng Nguyên", "Tương Dương"])) + b"\n" * 3000)
    (folder / "truncated.jsonl.gz").write_bytes(blob[: len(blob) - 20])
    # Symbolic links: a loop back to the folder, a dangling link, a link to itself.
    os.symlink(".", folder / "loop")
    os.symlink("nowhere.txt", folder / "dangling.txt")
    os.symlink("self.txt", folder / "self.txt")
    return {}


if __name__ == "__main__":
    import sys

    sys.path.insert(0, str(HERE.parents[1]))
    write_small()
    print(f"wrote {len(small_files())} files to {HERE / 'files'}")
