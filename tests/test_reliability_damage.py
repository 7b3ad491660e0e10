"""Damaged index files are found and named with the advice to rebuild; nothing answers silently wrong."""

import json
import struct
from pathlib import Path

import pytest
from click.testing import CliRunner

from ttdn_search.cli import main
from ttdn_search.engine import format as F
from ttdn_search.errors import CompanionMissing, IndexDamaged

PROBES = ["thông tin đối ngoại", "thong tin doi ngoai", '"hội nghị"', "biên giới Lào Cai", "ngoại giao", ""]


def _corpus(tmp_path: Path, n: int = 400) -> Path:
    """n distinct articles, enough for a companion of many checked pages."""
    out = tmp_path / "many.jsonl"
    words = ("thông tin đối ngoại hội nghị tổng kết biên giới hợp tác quốc tế nhân dân tỉnh Lào Cai "
             "Khánh Hòa ngoại giao văn hóa du lịch đầu tư phát triển kinh tế").split()
    with out.open("w", encoding="utf-8") as f:
        for i in range(n):
            body = " ".join(words[(i * 7 + j * 3) % len(words)] for j in range(120)) + f" số {i}."
            f.write(json.dumps({"id": f"a{i}", "title": f"Bản tin {words[i % len(words)]} {i}",
                                "date": f"20{10 + i % 15}-0{1 + i % 9}-1{i % 9}", "text": body},
                               ensure_ascii=False) + "\n")
    return out


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    from ttdn_search.indexer import build_index

    tmp = tmp_path_factory.mktemp("damage")
    d = tmp / "ix"
    build_index([_corpus(tmp)], d, jobs=1)
    return d


def _answers(index: Path):
    from ttdn_search.search import Searcher

    out = []
    with Searcher(index) as s:
        for q in PROBES:
            r = s.search(q, limit=20)
            out.append((q, r.total, [h.id for h in r.hits], {k: [(c.value, c.count) for c in v]
                                                             for k, v in r.facets.items()}))
        r = s.search("", sort="date", limit=20)
        out.append(("date", [h.id for h in r.hits]))
    return out


def _blocks(path: Path) -> dict[str, tuple[int, int]]:
    """Where each block of a companion lies: name -> (start, end)."""
    raw = path.read_bytes()
    _, ndocs, nb, buckets, docoffs, dates, kl, kl_len, names_len, _, checks = F.HEAD.unpack_from(raw, 0)
    data = struct.unpack_from("<Q", raw, buckets + 8 * nb)[0]
    entries = struct.unpack_from("<Q", raw, buckets)[0]
    docs = docoffs + 8 * (ndocs + 1)
    return {"header": (0, F.HEAD.size), "buckets": (buckets, entries), "entries": (entries, data),
            "data": (data, docoffs), "docoffs": (docoffs, docs), "docs": (docs, dates),
            "dates": (dates, kl), "keylist": (kl, kl + kl_len),
            "codes": (kl + kl_len, kl + kl_len + names_len), "checks": (checks, len(raw))}


def test_companion_spans_several_checked_pages(built):
    (comp,) = built.glob("*.ttdn")
    assert comp.stat().st_size > 30 * F.PAGE
    blocks = _blocks(comp)
    assert all(end > start for start, end in blocks.values()), blocks
    assert blocks["checks"][1] - blocks["checks"][0] == 4 * -(-blocks["checks"][0] // F.PAGE)


@pytest.mark.parametrize("block", ["header", "buckets", "entries", "data", "docoffs", "docs", "dates",
                                   "keylist", "codes", "checks"])
@pytest.mark.parametrize("where", [0.0, 0.5, 0.999])
def test_a_flipped_byte_in_any_block_is_found(built, tmp_path, block, where):
    """One flipped byte anywhere in a companion: a full check finds it, and the probe searches either
    say the index is damaged (naming --rebuild) or answer exactly as before; never a traceback.

    Before page checksums, 8 flipped bytes in one bitmap turned 1,857 results into 1,851 with exit 0."""
    import shutil

    from ttdn_search.engine.companion import Companion

    before = _answers(built)
    d = tmp_path / "ix"
    shutil.copytree(built, d)
    (comp,) = d.glob("*.ttdn")
    start, end = _blocks(comp)[block]
    at = start + int((end - start - 1) * where)
    data = bytearray(comp.read_bytes())
    data[at] ^= 0x10
    comp.write_bytes(bytes(data))

    with pytest.raises(CompanionMissing, match="--rebuild"):
        c = Companion(comp)
        try:
            c.verify()
        finally:
            c.close()
    try:
        after = _answers(d)
    except IndexDamaged as exc:
        assert "--rebuild" in str(exc) and comp.name in str(exc)
    else:
        assert after == before, f"a flip at {at} ({block}) changed the answers silently"
    result = CliRunner().invoke(main, ["search", "thông tin đối ngoại", "--index", str(d)])
    assert isinstance(result.exception, (SystemExit, type(None))), result.exception
    if result.exit_code:
        assert result.exit_code == 1 and "--rebuild" in result.stderr and len(result.stderr.splitlines()) == 1


def test_damaged_whoosh_files_are_one_line_naming_rebuild(built, tmp_path):
    """A flipped byte in the table of contents raised AttributeError from inside Whoosh; a stored-fields
    file cut short did the same. Every error reading Whoosh's files is the damaged-index message."""
    import shutil

    # The table of contents' byte 284 from its end (in its list of segments, after the schema): the flip
    # that raised AttributeError.
    for pattern, damage in (("_MAIN_*.toc", lambda b: b[:-284] + bytes([b[-284] ^ 0x08]) + b[-283:]),
                            ("*._stored.col", lambda b: b[: len(b) // 3]),
                            ("*.trm", lambda b: b""), ("*.pst", lambda b: b[:10])):
        d = tmp_path / pattern.rsplit(".", 1)[-1]
        shutil.copytree(built, d)
        (path,) = d.glob(pattern)
        path.write_bytes(damage(path.read_bytes()))
        runs = [["search", "thông tin đối ngoại", "--index", str(d)], ["show", "a1", "--index", str(d)],
                ["search", "", "--sort", "date", "-n", "50", "--index", str(d)]]
        for args in runs:
            result = CliRunner().invoke(main, args)
            assert isinstance(result.exception, (SystemExit, type(None))), (pattern, args, result.exception)
            if result.exit_code:
                assert result.exit_code == 1 and "--rebuild" in result.stderr, (pattern, args, result.output)
                assert len(result.stderr.strip().splitlines()) == 1, result.stderr


def test_unreadable_companion_is_a_permission_problem_not_a_rebuild(built, monkeypatch):
    """A companion the user may not read (mode 000) was reported missing, with the advice to rebuild."""
    import builtins

    from ttdn_search.engine.companion import Companion

    (comp,) = built.glob("*.ttdn")
    real_open = builtins.open

    def refusing(path, *args, **kwargs):
        if str(path) == str(comp):
            raise PermissionError(13, "Permission denied", str(path))
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(builtins, "open", refusing)
    with pytest.raises(CompanionMissing) as err:
        Companion(comp)
    assert "không có quyền đọc" in str(err.value) and "chmod" in str(err.value)
    assert "--rebuild" not in str(err.value)


@pytest.mark.parametrize("line, said", [
    ('{"query": "thông tin", "limit": "abc"}', '"limit" phải là số nguyên'),
    ('{"query": "thông tin", "limit": null}', '"limit" phải là số nguyên'),
    ('{"query": "thông tin", "limit": 1e400}', '"limit" phải là số nguyên'),
    ('{"query": "thông tin", "limit": 20000}', '"limit" phải là số nguyên'),
    ('{"query": "thông tin", "sort": 3}', '"sort" phải là'),
    ('{"query": "thông tin", "year": {"a": 1}}', '"year" phải là chuỗi'),
    ('[1, 2]', None),
])
def test_batch_line_with_odd_values_is_its_own_error(built, tmp_path, line, said):
    """`"limit": "abc"`, null or 1e400 in a --queries file stopped the whole batch with a traceback."""
    f = tmp_path / "q.jsonl"
    f.write_bytes(line.encode() + b"\n" + b"th\xf4ng tin\n" + '{"query": "biên giới", "year": 2015, "limit": 2.0}\n'.encode())
    result = CliRunner().invoke(main, ["search", "--queries", str(f), "--index", str(built)])
    assert isinstance(result.exception, (SystemExit, type(None))), result.exception
    out = [json.loads(x) for x in result.stdout.splitlines()]
    assert len(out) == 3
    if said:
        assert said in out[0]["error"] and out[0]["error"].startswith("dòng 1:")
    assert out[1]["error"] == "dòng 2: không phải UTF-8"
    assert "error" not in out[2] and len(out[2]["hits"]) <= 2 and out[2]["total"] > 0
    assert result.exit_code == 1 and "truy vấn lỗi" in result.stderr


def test_every_flip_in_the_table_of_contents_is_found(built, tmp_path):
    """Whoosh's table of contents is a pickle without a checksum: one flipped bit changed the answers
    with exit 0 (bench/byte_flips.py). Its crc32 is kept in ttdn.json at each commit and checked on open;
    a run killed between the two writes leaves a checksum of another generation, which is not compared."""
    import random
    import shutil

    from ttdn_search.search import Searcher

    d = tmp_path / "ix"
    shutil.copytree(built, d)
    (toc,) = d.glob("_MAIN_*.toc")
    original = toc.read_bytes()
    rng = random.Random(5)
    for at in rng.sample(range(len(original)), 25):
        damaged = bytearray(original)
        damaged[at] ^= 1 << rng.randrange(8)
        toc.write_bytes(bytes(damaged))
        with pytest.raises(IndexDamaged, match="--rebuild"):
            Searcher(d).close()
    toc.write_bytes(original)
    meta = json.loads((d / "ttdn.json").read_text("utf-8"))
    meta["toc"]["generation"] -= 1  # as a run killed after its commit, before ttdn.json, leaves it
    meta["toc"]["crc32"] ^= 1
    (d / "ttdn.json").write_text(json.dumps(meta), "utf-8")
    with Searcher(d) as s:
        assert s.doc_count == 400


@pytest.mark.parametrize("block", ["docoffs", "docs"])
def test_verifying_phrases_checks_every_record_page_it_reads(built, tmp_path, block):
    """Companion.holding (a phrase's verification, record after record) checks each page of the records
    and offsets it reads: a flipped byte there is reported, never matched or missed silently."""
    import shutil

    from ttdn_search.engine.companion import Companion

    d = tmp_path / "ix"
    shutil.copytree(built, d)
    (comp,) = d.glob("*.ttdn")
    start, end = _blocks(comp)[block]
    c = Companion(comp)
    try:
        everyone = list(range(c.ndocs))
        pattern = c.pattern(c.texts(c.ndocs - 1)[1].split()[:2])  # a pair the last one has
        clean = c.holding(everyone, pattern)
        assert clean == [n for n in everyone if pattern in c.views(n)[0] or pattern in c.views(n)[1]] and clean
    finally:
        c.close()
    # A byte on a page that opening the file does not check (it checks the page of the last offset,
    # where the docs start), else one that it does.
    checked = (_blocks(comp)["docoffs"][1] - 8) >> F.PAGE_BITS
    spots = [(start + end) // 2, start + 3, end - 2]
    at = next((p for p in spots if p >> F.PAGE_BITS != checked), spots[0])
    opened = at >> F.PAGE_BITS == checked
    data = bytearray(comp.read_bytes())
    data[at] ^= 0x10
    comp.write_bytes(bytes(data))
    if opened:  # reported on open
        with pytest.raises(CompanionMissing, match="--rebuild"):
            Companion(comp)
        return
    c = Companion(comp)
    try:
        with pytest.raises(CompanionMissing, match="--rebuild"):
            c.holding(everyone, pattern)
    finally:
        c.close()
