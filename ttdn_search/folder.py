"""The index folder: where it is, its metadata, the run lock, the rebuild swap, and opening it checked.

A folder NAME holds the document store (Whoosh's segments and tables of contents), each segment's
companion file (engine/FORMAT.md), `ttdn.json` (schema and format versions, counts, the vocabulary's
generation) and `vocab.bin`. Beside it live `.NAME.lock` (the run lock), and during a rebuild
`NAME.building-PID` and, for a few microseconds of the swap, `NAME.old`. See docs/reliability.md.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import time
from pathlib import Path

from ttdn_search.errors import IndexDamaged, IndexLocked, IndexMissing, SchemaMismatch

META_FILE = "ttdn.json"
# Seconds a second index run waits for the first one before it refuses (env TTDN_LOCK_WAIT).
DEFAULT_LOCK_WAIT = 5.0


def default_index_dir() -> Path:
    return Path(os.environ.get("TTDN_INDEX") or "index")


def read_meta(index_dir: Path) -> dict:
    """ttdn.json, or {} when it is missing or is not a JSON object (`check_versions` says which)."""
    try:
        meta = json.loads((Path(index_dir) / META_FILE).read_text("utf-8"))
    except (OSError, ValueError, RecursionError):
        return {}
    return meta if isinstance(meta, dict) else {}


def _meta_damage(index_dir: Path) -> str | None:
    """Why ttdn.json cannot be read, when it is there but is no JSON object of versions; None when fine
    or missing."""
    path = Path(index_dir) / META_FILE
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as exc:
        return f"không đọc được {META_FILE} ({exc.strerror or exc})"
    try:
        meta = json.loads(raw.decode("utf-8"))
    except (ValueError, RecursionError):
        return f"{META_FILE} không phải JSON hợp lệ"
    if not isinstance(meta, dict):
        return f"{META_FILE} không phải một đối tượng JSON"
    for key in ("schema_version", "format_version"):
        if key in meta and type(meta[key]) is not int:
            return f"{META_FILE} ghi {key} = {json.dumps(meta[key], ensure_ascii=False)[:40]}, không phải một số nguyên"
    return None


def write_meta(index_dir: Path, **changes) -> None:
    """Update ttdn.json atomically; the schema and format versions are always this version's."""
    from ttdn_search.engine.format import FORMAT_VERSION
    from ttdn_search.engine.whoosh_store import SCHEMA_VERSION

    meta = read_meta(index_dir)
    meta.setdefault("created", time.strftime("%Y-%m-%dT%H:%M:%S%z"))
    meta.update(changes)
    meta["schema_version"] = SCHEMA_VERSION
    meta["format_version"] = FORMAT_VERSION
    tmp = index_dir / (META_FILE + ".tmp")
    tmp.write_text(json.dumps(meta, ensure_ascii=False, indent=1), "utf-8")
    os.replace(tmp, index_dir / META_FILE)


def named(index_dir: Path) -> Path:
    """The folder itself, for the lock and the files kept beside it: symbolic links followed (two runs
    through `ix` and a link to it are one index, and a rebuild replaces the folder, not the link), and
    '.' or '..' given their names."""
    index_dir = Path(index_dir)
    if index_dir.is_symlink() or any(p.is_symlink() for p in index_dir.parents):
        return index_dir.resolve()
    return index_dir if index_dir.name not in ("", ".", "..") else Path(os.path.abspath(index_dir))


def old_dir(index_dir: Path) -> Path:
    index_dir = named(index_dir)
    return index_dir.with_name(index_dir.name + ".old")


def has_index(folder: Path) -> bool:
    from ttdn_search.engine.whoosh_store import has_index as store_has_index

    return store_has_index(Path(folder))


def recover_swap(index_dir: Path) -> None:
    """Finish or undo what a crashed run left beside the index; only called under the run lock."""
    old = old_dir(index_dir)
    if old.exists():
        if has_index(old) and not has_index(index_dir):
            # Killed between the two renames of a swap: the previous index comes back.
            shutil.rmtree(index_dir, ignore_errors=True)
            os.replace(old, index_dir)
        else:
            shutil.rmtree(old, ignore_errors=True)
    # A rebuild killed before its swap leaves its half-built folder; the run lock says none is running.
    n = named(index_dir)
    for stale in n.parent.glob(f"{n.name}.building-*"):
        shutil.rmtree(stale, ignore_errors=True)


def swap(new: Path, index_dir: Path) -> None:
    """Put a freshly built folder in the index's place."""
    old = old_dir(index_dir)
    shutil.rmtree(old, ignore_errors=True)
    # The folder may carry a README of its own (the repository's index/ does); it survives a rebuild.
    if (index_dir / "README.md").is_file():
        shutil.copy2(index_dir / "README.md", new / "README.md")
    if index_dir.exists():
        os.replace(index_dir, old)
    # Between these two renames readers fall back to the .old folder (readable_dir) and a killed run
    # is undone by the next one (recover_swap).
    os.replace(new, index_dir)
    shutil.rmtree(old, ignore_errors=True)


def folder_identity(index_dir: Path):
    """Which folder a path names now: a rebuild swaps in a new one, whose generation may be the old one's."""
    try:
        st = os.stat(index_dir)
    except OSError:
        return None
    meta = read_meta(index_dir)
    return st.st_dev, st.st_ino, meta.get("created") if isinstance(meta, dict) else None


def refuse_damaged(folder: Path) -> None:
    """A folder with no table of contents but with segment files or a ttdn.json that counts articles is a
    damaged index, not an empty folder: creating an index in it would make Whoosh delete those segments.
    Raise IndexDamaged (touching nothing) pointing to --rebuild."""
    try:
        segments = folder.is_dir() and any(p.suffix in (".seg", ".ttdn", ".pst", ".trm") for p in folder.iterdir())
    except OSError:
        segments = False
    meta = read_meta(folder) if (folder / META_FILE).is_file() else {}
    articles = meta.get("articles") if isinstance(meta, dict) else None
    if segments or (isinstance(articles, int) and articles > 0):
        raise IndexDamaged(
            f"Chỉ mục '{folder}' bị hỏng: có dữ liệu của {articles or 'một số'} bài nhưng thiếu mục lục "
            f"(_MAIN_*.toc); chưa ghi gì vào đó. Xây lại bằng: ttdn index ĐƯỜNG_DẪN --index {folder} --rebuild"
        )


def readable_dir(index_dir: Path) -> Path:
    """The folder to read: the index, or during a rebuild's swap (a few microseconds) the previous one."""
    index_dir = Path(index_dir)
    if not has_index(index_dir) and has_index(old_dir(index_dir)):
        return old_dir(index_dir)
    return index_dir


def check_versions(index_dir: Path) -> None:
    """Refuse an index of another schema or companion format: its files would be misread, silently."""
    from ttdn_search.engine.format import FORMAT_VERSION
    from ttdn_search.engine.whoosh_store import SCHEMA_VERSION

    rebuild = f"Hãy lập lại chỉ mục: ttdn index ĐƯỜNG_DẪN --rebuild --index {index_dir}"
    damage = _meta_damage(index_dir)
    if damage:
        raise IndexDamaged(f"Chỉ mục '{index_dir}' bị hỏng: {damage}. {rebuild}")
    meta = read_meta(index_dir)
    version = meta.get("schema_version")
    if version != SCHEMA_VERSION:
        if isinstance(version, int) and version > SCHEMA_VERSION:
            which = f"một phiên bản ttdn-search mới hơn (lược đồ {version}, bản này đọc lược đồ {SCHEMA_VERSION})"
        elif version is None:
            which = f"một phiên bản ttdn-search cũ (không có {META_FILE} ghi số lược đồ)"
        else:
            which = f"một phiên bản ttdn-search cũ hơn (lược đồ {version}, cần {SCHEMA_VERSION})"
        raise SchemaMismatch(f"Chỉ mục '{index_dir}' được tạo bởi {which}. {rebuild}")
    # Indexes written before the format version was recorded say it in each companion's magic instead.
    fmt = meta.get("format_version", FORMAT_VERSION)
    if fmt != FORMAT_VERSION:
        newer = isinstance(fmt, int) and fmt > FORMAT_VERSION
        raise SchemaMismatch(
            f"Chỉ mục '{index_dir}' được tạo bởi một phiên bản ttdn-search {'mới hơn' if newer else 'cũ hơn'} "
            f"(định dạng tệp đi kèm {fmt}, bản này đọc định dạng {FORMAT_VERSION}). {rebuild}"
        )


def open_store(index_dir: Path):
    """Open an existing index for reading (engine.whoosh_store.Store); clear errors when it is missing
    or from another version."""
    from ttdn_search.engine.whoosh_store import Store

    index_dir = readable_dir(Path(index_dir))
    if not has_index(index_dir):
        refuse_damaged(index_dir)
        raise IndexMissing(
            f"Không tìm thấy chỉ mục tại '{index_dir}'. Hãy tạo bằng: ttdn index ĐƯỜNG_DẪN --index {index_dir}"
        )
    check_versions(index_dir)
    return Store.open(index_dir)


# File descriptors of run locks held by this process; forked workers close their copies (see
# indexer._worker_init).
HELD_LOCKS: set[int] = set()


def lock_path(index_dir: Path) -> Path:
    index_dir = named(index_dir)
    return index_dir.with_name(f".{index_dir.name}.lock")


class run_lock:
    """Exclusive right to write an index folder, held for a whole `ttdn index` run (rebuild included).

    An advisory lock (flock) on `.NAME.lock` beside the folder, not inside it, because a rebuild swaps the
    folder. The kernel drops the lock when the process dies, so a killed run never leaves a stale lock.
    """

    def __init__(self, index_dir: Path, wait: float | None = None, inside: str | None = None,
                 busy: str = "đang được một lần chạy 'ttdn index' khác ghi"):
        # inside, busy: another lock, on a file inside the folder (`ttdn watch` edits watches.json under
        # "NAME/.watches.lock"; one waiting while a rebuild swaps the folder finds the new folder's file).
        self.inside, self.busy = inside, busy
        self.index_dir = Path(index_dir)
        if wait is None:
            wait = float(os.environ.get("TTDN_LOCK_WAIT") or DEFAULT_LOCK_WAIT)
        self.wait = wait
        self.fd: int | None = None

    def __enter__(self):
        try:
            import fcntl
        except ImportError:  # no flock (Windows): Whoosh's own writer lock still serialises commits
            return self
        deadline = time.monotonic() + self.wait
        while True:
            self.index_dir.parent.mkdir(parents=True, exist_ok=True)
            path = named(self.index_dir) / self.inside if self.inside else lock_path(self.index_dir)
            fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                os.close(fd)
                if time.monotonic() >= deadline:
                    raise IndexLocked(
                        f"Chỉ mục '{self.index_dir}' {self.busy}{self._holder(path)}. "
                        "Hãy đợi lần chạy đó xong rồi thử lại."
                    ) from None
                time.sleep(0.1)
                continue
            try:
                same = os.fstat(fd).st_ino == os.stat(path).st_ino
            except OSError:
                same = False
            if not same:  # someone removed the lock file while we waited
                os.close(fd)
                continue
            os.ftruncate(fd, 0)
            os.write(fd, str(os.getpid()).encode())
            self.fd = fd
            HELD_LOCKS.add(fd)
            return self

    @staticmethod
    def _holder(path: Path) -> str:
        with contextlib.suppress(OSError, ValueError):
            return f" (tiến trình {int(path.read_text().strip())})"
        return ""

    def __exit__(self, *exc):
        if self.fd is not None:
            HELD_LOCKS.discard(self.fd)
            os.close(self.fd)
            self.fd = None
