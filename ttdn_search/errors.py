"""The errors ttdn-search raises for things a user can fix; the CLI turns them into one-line messages."""


class TtdnError(Exception):
    """Something the user can fix; the message says what to do next."""

    exit_code = 1


class IndexMissing(TtdnError):
    """No index at the given location."""


class IndexLocked(TtdnError):
    """Another index run holds the write lock."""


class SchemaMismatch(TtdnError):
    """The index was written by an incompatible version of ttdn-search."""


class IndexDamaged(TtdnError):
    """Files of the index are missing or do not agree with each other; rebuilding fixes it."""


class CompanionMissing(IndexDamaged):
    """A segment's companion file is missing or cannot be opened."""


class NothingToIndex(TtdnError):
    """An index run found no article at all in its paths."""


class BadQuery(TtdnError):
    """A query or filter value that cannot be understood."""

    exit_code = 2


def shown(value: object, limit: int = 60) -> str:
    """A user's value quoted for a one-line message: control characters escaped, a long value cut short."""
    text = "".join(c if c.isprintable() else repr(c)[1:-1] for c in str(value))
    if len(text) > limit:
        text = text[:limit] + "…"
    return f"'{text}'"
