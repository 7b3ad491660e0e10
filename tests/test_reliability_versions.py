"""An index written by another schema version is detected, the user is told to rebuild, and --rebuild works."""

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from ttdn_search.cli import main
from ttdn_search.errors import SchemaMismatch
from ttdn_search.schema import SCHEMA_VERSION

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
    ("1.0", "cũ hơn"),
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
