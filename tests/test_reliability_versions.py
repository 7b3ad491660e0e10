"""An index written by another schema version is detected, the user is told to rebuild, and --rebuild works."""

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from ttdn_search.cli import main
from ttdn_search.errors import SchemaMismatch
from ttdn_search.engine.whoosh_store import SCHEMA_VERSION

SAMPLES = Path(__file__).resolve().parents[1] / "ttdn_search" / "samples"


def _old_index(folder: Path, version) -> Path:
    """A Whoosh index as an older ttdn-search wrote it: fewer fields, and its own schema number (or none)."""
    from whoosh import fields
    from whoosh import index as windex

    folder.mkdir(parents=True)
    old_schema = fields.Schema(id=fields.ID(stored=True, unique=True), title=fields.TEXT(stored=True),
                               text=fields.TEXT(stored=True))
    ix = windex.create_in(str(folder), old_schema)
    with ix.writer() as w:
        w.add_document(id="cu-1", title="Bài cũ về thông tin đối ngoại", text="Nội dung bài viết cũ.")
    if version is not None:
        (folder / "ttdn.json").write_text(json.dumps({"schema_version": version}), "utf-8")
    return folder


@pytest.mark.parametrize("version, words", [
    (SCHEMA_VERSION - 1, "cũ hơn"),
    (None, "không có ttdn.json"),
    (SCHEMA_VERSION + 1, "mới hơn"),
])
def test_other_schema_is_detected_and_rebuild_is_suggested(tmp_path, version, words):
    from ttdn_search.search import Searcher

    index = _old_index(tmp_path / "index", version)
    with pytest.raises(SchemaMismatch) as err:
        Searcher(index)
    assert words in str(err.value)
    assert f"ttdn index ĐƯỜNG_DẪN --rebuild --index {index}" in str(err.value)

    runner = CliRunner()
    for args in (["search", "thông tin", "--index", str(index)], ["stats", "--index", str(index)],
                 ["index", str(SAMPLES), "--index", str(index), "-j", "1"]):
        result = runner.invoke(main, args)
        assert result.exit_code == 1, (args, result.output)
        assert result.stderr.startswith("Lỗi: ") and "--rebuild" in result.stderr
        assert "Traceback" not in result.output
    # Nothing was written into the old index by the refused run.
    assert sorted(p.name for p in index.iterdir() if p.name.endswith(".toc")) == ["_MAIN_1.toc"]


def test_index_pickling_a_class_this_version_lacks_is_told_to_rebuild(tmp_path, monkeypatch):
    import sys
    import types

    from whoosh import fields
    from whoosh import formats

    # Write an index whose schema pickles a class from a module that then disappears.
    gone = types.ModuleType("ttdn_gone_schema")

    class Gone(formats.Existence):
        pass

    Gone.__module__ = "ttdn_gone_schema"
    Gone.__qualname__ = "Gone"
    gone.Gone = Gone
    monkeypatch.setitem(sys.modules, "ttdn_gone_schema", gone)
    from whoosh import index as windex

    folder = tmp_path / "index"
    folder.mkdir()
    schema = fields.Schema(id=fields.ID(stored=True, unique=True),
                           words=fields.FieldType(Gone(), fields.ID().analyzer, scorable=False))
    ix = windex.create_in(str(folder), schema)
    with ix.writer() as w:
        w.add_document(id="cu-1", words="a b")
    (folder / "ttdn.json").write_text(json.dumps({"schema_version": SCHEMA_VERSION - 1}), "utf-8")
    monkeypatch.delitem(sys.modules, "ttdn_gone_schema")

    from ttdn_search.search import Searcher

    with pytest.raises(SchemaMismatch) as err:
        Searcher(folder)
    assert "--rebuild" in str(err.value)
    result = CliRunner().invoke(main, ["search", "thông tin", "--index", str(folder)])
    assert result.exit_code == 1 and "--rebuild" in result.stderr and "Traceback" not in result.output
    result = CliRunner().invoke(main, ["index", str(SAMPLES), "--index", str(folder), "--rebuild", "-j", "1", "-q"])
    assert result.exit_code == 0, result.output
    with Searcher(folder) as s:
        assert s.search("thông tin đối ngoại").total >= 1


def test_rebuild_replaces_an_old_index(tmp_path):
    from ttdn_search.search import Searcher

    index = _old_index(tmp_path / "index", SCHEMA_VERSION - 1)
    (index / "README.md").write_text("Thư mục chỉ mục.\n", "utf-8")
    result = CliRunner().invoke(main, ["index", str(SAMPLES), "--index", str(index), "--rebuild", "-j", "1", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["total"] >= 14
    assert json.loads((index / "ttdn.json").read_text("utf-8"))["schema_version"] == SCHEMA_VERSION
    assert (index / "README.md").read_text("utf-8") == "Thư mục chỉ mục.\n"
    with Searcher(index) as s:
        assert s.document("cu-1") is None
        assert s.search("thông tin đối ngoại").total >= 1
    assert sorted(p.name for p in tmp_path.iterdir()) == [".index.lock", "index"]


def test_index_in_the_current_folder(tmp_path, monkeypatch):
    """`--index .` has no name of its own: the lock and the rebuild's folders go beside it by its full path."""
    here = tmp_path / "ix"
    here.mkdir()
    monkeypatch.chdir(here)
    runner = CliRunner()
    for extra in ([], ["--rebuild"]):
        result = runner.invoke(main, ["index", str(SAMPLES), "--index", ".", "-j", "1", "-q", *extra])
        assert result.exit_code == 0, (extra, result.output, result.exception)
    assert sorted(p.name for p in tmp_path.iterdir()) == [".ix.lock", "ix"]
    result = runner.invoke(main, ["search", "thông tin đối ngoại", "--index", str(here), "--json"])
    assert json.loads(result.stdout)["total"] >= 1


# ---------------------------------------------------------------------------------------------
# The companion format: one version, in every file's magic and in ttdn.json; files checked on open.


def _fresh(tmp_path, **env) -> Path:
    from ttdn_search.indexer import build_index

    d = tmp_path / "ix"
    build_index([SAMPLES], d, jobs=1, **env)
    return d


@pytest.mark.parametrize("meta, words", [
    ('{"schema_version": "%d"}' % SCHEMA_VERSION, 'schema_version = "%d", không phải một số nguyên' % SCHEMA_VERSION),
    ('{"schema_version": %d, "format_version": "6"}' % SCHEMA_VERSION, "format_version"),
    ("[4]", "không phải một đối tượng JSON"),
    ('{"schema_version": ', "không phải JSON hợp lệ"),
])
def test_unreadable_ttdn_json_is_damage_not_an_old_version(tmp_path, meta, words):
    """A string version was reported as "older schema (5, need 5)"; ttdn.json = [4] was a traceback."""
    from ttdn_search.errors import IndexDamaged
    from ttdn_search.search import Searcher

    d = _fresh(tmp_path)
    (d / "ttdn.json").write_text(meta, "utf-8")
    with pytest.raises(IndexDamaged) as err:
        Searcher(d)
    assert words in str(err.value) and "--rebuild" in str(err.value)
    for args in (["search", "thông tin", "--index", str(d)], ["stats", "--index", str(d)],
                 ["index", str(SAMPLES), "--index", str(d), "-j", "1"]):
        result = CliRunner().invoke(main, args)
        assert result.exit_code == 1 and "Traceback" not in result.output, (args, result.output)
        assert result.stderr.startswith("Lỗi: ") and words in result.stderr and len(result.stderr.splitlines()) == 1


def test_damaged_vocabulary_is_rebuilt_from_the_companions(tmp_path):
    """A damaged vocab.json was a TypeError traceback on a did-you-mean; the vocabulary is derived data, so
    with vocab.bin truncated, flipped, emptied or left over from an earlier version (vocab.json), the
    suggestions come from the companions instead and the next run writes it anew."""
    from ttdn_search.engine.vocab import read_vocab
    from ttdn_search.search import Searcher

    def answers(d):
        with Searcher(d) as s:
            return [(r.total, r.suggestion, r.interpreted) for r in map(s.search, ("bien gioi", "thong tin doi ngaoi"))]

    d = _fresh(tmp_path)
    before = answers(d)
    assert before[0][1] == "biên giới" and before[1][2] == "thong tin doi ngoai"
    good = (d / "vocab.bin").read_bytes()
    flipped = bytearray(good)
    flipped[len(good) // 2] ^= 0x20
    for broken in (good[: len(good) // 2], bytes(flipped), b"", good[:40], b"x" * len(good)):
        (d / "vocab.bin").write_bytes(broken)
        assert read_vocab(d) is None
        assert answers(d) == before, broken[:50]
    (d / "vocab.bin").unlink()
    (d / "vocab.json").write_text('{"w": {}, "s": {}}', "utf-8")
    assert answers(d) == before
    result = CliRunner().invoke(main, ["index", str(SAMPLES), "--index", str(d), "-j", "1"])
    assert result.exit_code == 0, result.output
    assert read_vocab(d)["w"] and not (d / "vocab.json").exists()


def test_new_index_records_the_format_version(tmp_path):
    from ttdn_search.engine.format import FORMAT_VERSION, MAGIC, magic_version

    d = _fresh(tmp_path)
    assert json.loads((d / "ttdn.json").read_text("utf-8"))["format_version"] == FORMAT_VERSION
    for f in d.glob("*.ttdn"):
        assert f.read_bytes()[:8] == MAGIC
    assert magic_version(MAGIC) == FORMAT_VERSION
    assert magic_version(b"TTDNC12\n") == 12 and magic_version(b"\x00" * 8) is None


@pytest.mark.parametrize("fmt, words", [(3, "cũ hơn"), (99, "mới hơn")])
def test_index_of_another_format_version_is_told_to_rebuild(tmp_path, fmt, words):
    from ttdn_search.search import Searcher

    d = _fresh(tmp_path)
    meta = json.loads((d / "ttdn.json").read_text("utf-8"))
    (d / "ttdn.json").write_text(json.dumps({**meta, "format_version": fmt}), "utf-8")
    with pytest.raises(SchemaMismatch) as err:
        Searcher(d)
    assert words in str(err.value) and "định dạng" in str(err.value) and "--rebuild" in str(err.value)
    result = CliRunner().invoke(main, ["search", "thông tin", "--index", str(d)])
    assert result.exit_code == 1 and "--rebuild" in result.stderr and "Traceback" not in result.output


def test_companion_of_another_format_says_so_not_missing(tmp_path):
    """A companion written by another format version is named as such (it is there, not missing)."""
    from ttdn_search.errors import CompanionMissing
    from ttdn_search.search import Searcher

    d = _fresh(tmp_path)
    (comp,) = d.glob("*.ttdn")
    data = bytearray(comp.read_bytes())
    data[5:6] = b"3"
    comp.write_bytes(bytes(data))
    with pytest.raises(SchemaMismatch) as err:
        Searcher(d)
    assert not isinstance(err.value, CompanionMissing)
    assert "định dạng 3" in str(err.value) and "--rebuild" in str(err.value)
    comp.write_bytes(b"not a companion at all")
    with pytest.raises(CompanionMissing, match="--rebuild"):
        Searcher(d)


def test_companion_that_disagrees_with_its_segment_is_refused(tmp_path):
    """Document numbers index the companion: one holding another number of documents than its segment
    would show one article's title for another's match, so the searcher refuses it."""
    from ttdn_search.errors import IndexDamaged
    from ttdn_search.search import Searcher

    d = _fresh(tmp_path, batch_size=5)
    comps = sorted(d.glob("*.ttdn"), key=lambda p: p.stat().st_size)
    assert len(comps) >= 2
    comps[-1].write_bytes(comps[0].read_bytes())
    with pytest.raises(IndexDamaged, match="--rebuild"):
        Searcher(d)
    result = CliRunner().invoke(main, ["search", "thông tin", "--index", str(d)])
    assert result.exit_code == 1 and "--rebuild" in result.stderr and "Traceback" not in result.output


@pytest.mark.parametrize("keep", [0.6, 0.2, 0.01])
def test_truncated_companion_is_reported_with_the_rebuild_advice(tmp_path, keep):
    from ttdn_search.errors import CompanionMissing
    from ttdn_search.search import Searcher

    d = _fresh(tmp_path)
    (comp,) = d.glob("*.ttdn")
    data = comp.read_bytes()
    comp.write_bytes(data[: int(len(data) * keep)])
    with pytest.raises(CompanionMissing, match="--rebuild"):
        Searcher(d)
    result = CliRunner().invoke(main, ["search", "thông tin", "--index", str(d)])
    assert result.exit_code == 1 and "--rebuild" in result.stderr and "Traceback" not in result.output
