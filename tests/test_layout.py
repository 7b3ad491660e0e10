"""The package's seams: each third-party engine is reached from one module, and search and build stand
side by side over the engine (see README "Layout" and docs/DESIGN.md)."""

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "ttdn_search"
# Third-party package -> the one module of ttdn_search allowed to import it.
SEAMS = {
    "whoosh": "engine/whoosh_store.py",
    "jinja2": "render.py",
    "markupsafe": "render.py",
    "click": "cli/",  # the command line's package
    "pyvi": "segment.py",
}


def _modules():
    return sorted(p for p in PACKAGE.rglob("*.py"))


def _imports(path: Path) -> set[str]:
    """Every module a file imports, at the top or inside a function, as absolute dotted names."""
    tree = ast.parse(path.read_text("utf-8"))
    package = ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts[:-1])
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                out.add(".".join(base + ([node.module] if node.module else [])))
            else:
                out.add(node.module)
    return out


def test_every_module_is_read():
    assert len(_modules()) > 20
    assert "whoosh" in {m.split(".")[0] for m in _imports(PACKAGE / SEAMS["whoosh"])}


@pytest.mark.parametrize("package, owner", sorted(SEAMS.items()))
def test_one_module_imports_each_engine(package, owner):
    importers = {str(p.relative_to(PACKAGE)) for p in _modules() if any(m.split(".")[0] == package for m in _imports(p))}
    outside = {p for p in importers if p != owner and not (owner.endswith("/") and p.startswith(owner))}
    assert not outside, f"{package} imported outside {owner}: {sorted(outside)}"


def test_search_and_build_stand_side_by_side():
    """The search path never imports the build, nor the build the search path."""
    search_side = {"ttdn_search.search", "ttdn_search.suggest", "ttdn_search.highlight", "ttdn_search.render",
                   "ttdn_search.server", "ttdn_search.engine.match", "ttdn_search.engine.rank"}
    build_side = {"ttdn_search.indexer", "ttdn_search.ingest"}
    for name in search_side:
        path = PACKAGE.parent / (name.replace(".", "/") + ".py")
        assert not _imports(path) & build_side, name
    for name in build_side:
        path = PACKAGE.parent / (name.replace(".", "/") + ".py")
        assert not _imports(path) & search_side, name


def test_no_module_is_too_long_to_read():
    """Every module fits in one reading (about 450 lines); a longer one is doing several jobs."""
    long = {str(p.relative_to(PACKAGE)): n for p in _modules() if (n := len(p.read_text("utf-8").splitlines())) > 450}
    assert not long, long
