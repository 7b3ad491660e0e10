"""Articles whose every stored field carries markup that must render as text, never run."""

import json
from pathlib import Path

SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'

ARTICLES = [
    {
        "id": "x" + IMG,
        "title": f"Nghệ An {SCRIPT} thông tin đối ngoại {IMG}",
        "date": "2024-03-05",
        "source": IMG,
        "url": "javascript:alert(1)",
        "text": (
            "Ngày 4/3/2024, Ban Chỉ đạo công tác thông tin đối ngoại tỉnh Nghệ An tổ chức hội nghị tổng kết "
            f"công tác thông tin đối ngoại năm 2023 theo Kết luận 57-KL/TW. {SCRIPT} Đại biểu nêu {IMG} trong "
            "tham luận."
        ),
    },
    {
        "id": "xss-2",
        "title": "Đà Nẵng tăng cường thông tin đối ngoại",
        "date": "2023-06-01",
        "source": SCRIPT,
        "url": "https://example.org/bai?b=" + IMG,
        "text": f"Thành ủy Đà Nẵng ban hành kế hoạch về thông tin đối ngoại năm 2023, thực hiện Kết luận 57-KL/TW.\n{SCRIPT}",
    },
]


def write_jsonl(path: Path) -> Path:
    path.write_text("".join(json.dumps(a, ensure_ascii=False) + "\n" for a in ARTICLES), "utf-8")
    return path
