"""No single record may ever fail a batch (issue #16): a record too odd to index whole is bounded or
skipped with its file and line, and every other record of its batch is indexed."""

import json

from ttdn_search.indexer import build_index
from ttdn_search.search import Searcher


def test_a_huge_glued_word_loses_nothing(tmp_path):
    glued = "thongtindoingoai" * 4200  # 67,200 letters, no space: text pasted from a PDF
    recs = [{"id": f"tot-{i}", "text": f"Bài số {i}: hội nghị thông tin đối ngoại tỉnh lần thứ {i}."} for i in range(300)]
    recs.insert(150, {"id": "dinh-lien", "title": "Văn bản dán từ PDF", "text": f"Mở đầu {glued} kết thúc."})
    src = tmp_path / "tin.jsonl"
    src.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in recs), "utf-8")
    report = build_index([src], tmp_path / "ix", jobs=1)
    assert report.added == 301 and not report.skipped
    with Searcher(tmp_path / "ix") as s:
        assert s.doc_count == 301
        assert s.search("hội nghị thông tin đối ngoại", limit=0).total == 300
        # Found by what the word starts with: the query is cut as the index was.
        assert [h.id for h in s.search(glued[:200], limit=3).hits] == ["dinh-lien"]
