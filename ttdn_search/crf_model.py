"""pyvi's CRF model as files on disk: the CRFsuite model pickled inside pyvi's sklearn_crfsuite object (read
with stubs, cached once as a plain CRFsuite file), its weights read the way CRFsuite reads them, and
pyvi's bigram and trigram sets. segment.py tags with them."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pathlib import Path


class _Stub:
    """Stands in for every class named in the pickle: keeps the state it is given, runs no code."""

    def __init__(self, *args, **kwargs):
        self.args = args

    def __setstate__(self, state):
        self.__dict__.update(state if isinstance(state, dict) else {"state": state})


# Only these names occur in pyvi3.pkl; anything else means the file is not what we expect.
_STUBBED = {
    ("sklearn_crfsuite.estimator", "CRF"),
    ("sklearn_crfsuite._fileresource", "FileResource"),
    ("pycrfsuite._logparser", "TrainLogParser"),
    ("numpy.core.multiarray", "scalar"),  # hyper-parameters c1, c2: unused at tagging time
    ("numpy", "dtype"),
}


def pyvi_dir() -> Path:
    import importlib.util
    from pathlib import Path

    # find_spec("pyvi") runs nothing; the submodule ViTokenizer would load scikit-learn.
    spec = importlib.util.find_spec("pyvi")
    if spec is None or not spec.submodule_search_locations:
        raise ImportError("pyvi is not installed")
    return Path(next(iter(spec.submodule_search_locations)))


def _cache_dir() -> Path:
    from pathlib import Path

    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "ttdn-search"


def _model_bytes(pkl: Path) -> bytes:
    """The CRFsuite model file that sklearn_crfsuite pickled inside pyvi's CRF object."""
    import codecs
    import pickle

    class Unpickler(pickle.Unpickler):
        def find_class(self, module, name):
            if (module, name) == ("_codecs", "encode"):
                return codecs.encode  # protocol-2 pickles spell bytes as codecs.encode(str, "latin1")
            if (module, name) in _STUBBED:
                return _Stub
            raise pickle.UnpicklingError(f"unexpected global {module}.{name} in pyvi model")

    with open(pkl, "rb") as f:
        crf = Unpickler(f).load()
    data = getattr(getattr(crf, "modelfile", None), "__dict__", {}).get("__FILE_RESOURCE_DATA__")
    # A CRFsuite file starts with its magic and its own length.
    if not isinstance(crf, _Stub) or not isinstance(data, bytes) or data[:4] != b"lCRF" or (
        int.from_bytes(data[4:8], "little") != len(data)
    ):
        raise ValueError("pyvi model pickle does not hold a CRFsuite model")
    return data


def cached_model(pkl: Path) -> bytes:
    """pyvi's CRFsuite model, from our cache file, written there from the pickle on first use."""
    import hashlib
    import tempfile
    from pathlib import Path

    def digest(data: bytes) -> str:
        return hashlib.sha256(data).hexdigest()[:16]

    st = pkl.stat()
    key = f"pyvi3-{st.st_size}-{st.st_mtime_ns}-{digest(pkl.read_bytes())}"
    dirs = (_cache_dir(), Path(tempfile.gettempdir()) / f"ttdn-search-{os.getuid()}")
    # The file name ends with the model's own digest: CRFsuite crashes (not raises) on a damaged model,
    # so a file is used only if its bytes match.
    for path in (p for d in dirs if d.is_dir() for p in sorted(d.glob(f"{key}-*.crfsuite"))):
        try:
            data = path.read_bytes()
            if path.stem.endswith("-" + digest(data)):
                return data
            path.unlink()
        except OSError:
            continue
    data = _model_bytes(pkl)
    for directory in dirs:
        try:
            directory.mkdir(parents=True, exist_ok=True)
            tmp = directory / f"{key}.{os.getpid()}.tmp"
            tmp.write_bytes(data)
            os.replace(tmp, directory / f"{key}-{digest(data)}.crfsuite")  # atomic for concurrent workers
            break
        except OSError:
            continue  # not writable: next time we unpickle again, which is only slower
    return data


def _cqdb_names(model: bytes, off: int, count: int) -> list[bytes]:
    """The strings of a CQDB dictionary inside a CRFsuite model, by id."""
    import struct

    chunk, _, _, byteorder, n, bwd = struct.unpack_from("<4s5I", model, off)
    if chunk != b"CQDB" or byteorder != 0x62445371 or n != count:
        raise ValueError("unexpected CRFsuite model layout")
    names = []
    for i, rec in enumerate(struct.unpack_from(f"<{count}I", model, off + bwd)):
        rid, size = struct.unpack_from("<2I", model, off + rec)
        if rid != i:
            raise ValueError("unexpected CRFsuite dictionary")
        names.append(model[off + rec + 8 : off + rec + 7 + size])  # size counts the trailing NUL
    return names


def weights(model: bytes) -> tuple[list[bytes], dict[bytes, tuple[float, ...]], list[list[float]]]:
    """Labels, each attribute's state weight per label, and the label-to-label transition weights of a
    CRFsuite first-order model, read as crf1d_model.c reads them (little-endian; weights are doubles)."""
    # Header: magic, size, type, version, (num_features), num_labels, num_attrs, off_features, off_labels,
    # off_attrs, off_labelrefs, off_attrrefs. A reference chunk: id, size, count, then one offset per
    # label or attribute to its list (count, feature ids); a feature: type, src, dst, weight.
    import struct

    magic, size, mtype, _, _, num_labels, num_attrs, off_feat, off_labels, off_attrs, off_lref, off_aref = (
        struct.unpack_from("<4sI4s9I", model, 0))
    (num_features,) = struct.unpack_from("<I", model, off_feat + 8)  # the header's own count is left 0
    if magic != b"lCRF" or mtype != b"FOMC" or size != len(model):
        raise ValueError("not a CRFsuite first-order model")
    if model[off_feat : off_feat + 4] != b"FEAT" or model[off_lref : off_lref + 4] != b"LFRF" or (
            model[off_aref : off_aref + 4] != b"AFRF"):
        raise ValueError("unexpected CRFsuite model layout")
    labels = _cqdb_names(model, off_labels, num_labels)
    attrs = _cqdb_names(model, off_attrs, num_attrs)

    def features(ref_chunk: int, i: int):
        (offset,) = struct.unpack_from("<I", model, ref_chunk + 12 + 4 * i)
        (count,) = struct.unpack_from("<I", model, offset)
        for fid in struct.unpack_from(f"<{count}I", model, offset + 4):
            if fid >= num_features:
                raise ValueError("CRFsuite feature id out of range")
            yield struct.unpack_from("<3Id", model, off_feat + 12 + 20 * fid)

    trans = [[0.0] * num_labels for _ in range(num_labels)]
    for i in range(num_labels):
        for ftype, src, dst, weight in features(off_lref, i):
            if ftype != 1 or src != i:
                raise ValueError("unexpected CRFsuite transition feature")
            trans[i][dst] = weight
    state: dict[bytes, tuple[float, ...]] = {}
    for a, name in enumerate(attrs):
        w: list = [None] * num_labels
        for ftype, src, dst, weight in features(off_aref, a):
            # One feature per (attribute, label): each adds its weight once, as CRFsuite adds it.
            if ftype != 0 or src != a or w[dst] is not None:
                raise ValueError("unexpected CRFsuite state feature")
            w[dst] = weight
        state[name] = tuple(0.0 if x is None else x for x in w)
    return labels, state, trans


def read_ngrams(path: Path) -> tuple[dict, dict]:
    """pyvi's bigram and trigram sets, as first syllable -> seconds and first -> second -> thirds."""
    # pyvi: lines of words.txt with exactly two (three) space-separated parts are bigrams (trigrams), and
    # it tests `" ".join(syllables).lower() in bigrams`. Syllables hold no space, so that test is exactly
    # "the parts are the lowered syllables", which these nested tables answer without building a string.
    bi: dict[str, set] = {}
    tri: dict[str, dict[str, set]] = {}
    with open(path, "rb") as f:
        for token in f.read().decode("utf-8").split("\n"):
            parts = token.split(" ")
            if len(parts) == 2:
                bi.setdefault(parts[0], set()).add(parts[1])
            elif len(parts) == 3:
                tri.setdefault(parts[0], {}).setdefault(parts[1], set()).add(parts[2])
    return bi, tri
