"""A disk that fills up during `ttdn index`: one line saying what was committed, nothing half-written left."""

import errno
import json
import os
import subprocess
import sys

import pytest
from click.testing import CliRunner

from ttdn_search.cli import main


def _corpus(path, n=60):
    with open(path, "w", encoding="utf-8") as f:
        for i in range(n):
            f.write(json.dumps({"id": f"d{i}", "title": f"Bài {i} về thông tin đối ngoại",
                                "text": f"Nội dung bài số {i} về hợp tác quốc tế và biên giới. " * 20},
                               ensure_ascii=False) + "\n")
    return path


def _fill_after(monkeypatch, commits_ok: int):
    """Companion writes fail with ENOSPC after `commits_ok` of them, having written half their bytes."""
    from ttdn_search.engine import builder

    real = builder.Builder.write
    calls = {"n": 0}

    def write(self, path, stamp=0):
        calls["n"] += 1
        if calls["n"] > commits_ok:
            path.with_name(path.name + ".tmp").write_bytes(b"\0" * 4096)
            raise OSError(errno.ENOSPC, "No space left on device")
        return real(self, path, stamp)

    monkeypatch.setattr(builder.Builder, "write", write)


def test_disk_full_mid_run_says_what_is_in_and_cleans_up(tmp_path, monkeypatch):
    """Before: raw `OSError` twice, and the half-written files stayed, filling the disk; the articles
    committed were in but the user could not tell."""
    src = _corpus(tmp_path / "in.jsonl")
    ix = tmp_path / "ix"
    monkeypatch.setenv("TTDN_BATCH_SIZE", "20")
    _fill_after(monkeypatch, 2)
    r = CliRunner().invoke(main, ["index", str(src), "--index", str(ix), "-q", "-j", "1"])
    assert r.exit_code == 1 and isinstance(r.exception, SystemExit), r.output
    assert r.stderr.startswith("Lỗi: Hết chỗ trống trên đĩa") and "Chỉ mục có 40 bài" in r.stderr
    assert "thêm được 40 bài" in r.stderr and len(r.stderr.splitlines()) == 1
    assert not list(ix.glob("*.tmp")), "half-written files removed"
    monkeypatch.undo()
    r = CliRunner().invoke(main, ["index", str(src), "--index", str(ix), "-q", "-j", "1"])
    assert r.exit_code == 0 and "có 60 bài" in r.stdout, r.output  # the same command finishes the job


def test_disk_full_during_rebuild_keeps_the_old_index(tmp_path, monkeypatch):
    src = _corpus(tmp_path / "in.jsonl")
    ix = tmp_path / "ix"
    assert CliRunner().invoke(main, ["index", str(src), "--index", str(ix), "-q", "-j", "1"]).exit_code == 0
    _fill_after(monkeypatch, 0)
    r = CliRunner().invoke(main, ["index", str(src), "--index", str(ix), "--rebuild", "-q", "-j", "1"])
    assert r.exit_code == 1 and "chỉ mục cũ giữ nguyên" in r.stderr, r.output
    assert [p.name for p in tmp_path.iterdir() if "building" in p.name] == []
    monkeypatch.undo()
    r = CliRunner().invoke(main, ["search", "", "--index", str(ix)])
    assert r.stdout.startswith("60 kết quả"), r.output


def test_a_real_full_file_system(tmp_path):
    """The same on a 1 MB tmpfs, when this machine lets us mount one (root, CI)."""
    mnt = tmp_path / "small"
    mnt.mkdir()
    if os.geteuid() != 0 or subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(mnt)],
                                           capture_output=True).returncode:
        pytest.skip("cannot mount a small tmpfs here (needs root and mount permission)")
    try:
        src = _corpus(tmp_path / "in.jsonl", n=1200)
        env = {**os.environ, "TTDN_BATCH_SIZE": "100"}
        r = subprocess.run([sys.executable, "-m", "ttdn_search", "index", str(src), "--index", str(mnt / "ix"), "-q", "-j", "1"],
                           capture_output=True, text=True, env=env, cwd=os.path.dirname(os.path.dirname(__file__)))
        assert r.returncode == 1 and "Traceback" not in r.stderr, r.stderr
        assert r.stderr.startswith("Lỗi: Hết chỗ trống trên đĩa"), r.stderr
        assert not list((mnt / "ix").glob("*.tmp"))
    finally:
        subprocess.run(["umount", str(mnt)], capture_output=True)
