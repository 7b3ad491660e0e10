"""A query that starts with "-" on the command line: `ttdn search -covid -n 3`, `ttdn search -- -covid -n 3`."""

from __future__ import annotations


def query_last(args: list[str], names: set[str], takes_value: set[str]) -> list[str]:
    """The command's arguments with its query moved behind a "--" of its own, so the options around it
    still count: the token after a "--", else the first token that starts with one "-" and is none of
    the command's options (`names`; `takes_value` are those followed by a value)."""
    short = {n for n in names if len(n) == 2}
    rest, query, i = [], None, 0
    while i < len(args):
        a = args[i]
        if a == "--":
            if i + 1 < len(args) and query is None:
                query = args[i + 1]
                rest.extend(args[i + 2 :])
            else:
                rest.extend(args[i:])
            break
        if a in takes_value:
            rest.extend(args[i : i + 2])
            i += 2
            continue
        if query is None and a.startswith("-") and len(a) > 1 and not a.startswith("--") and a[:2] not in short:
            query = a
        else:
            rest.append(a)
        i += 1
    return rest if query is None else [*rest, "--", query]
