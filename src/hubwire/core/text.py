"""Text every database we run on can store. PostgreSQL refuses NUL (U+0000) in text and jsonb,
and no UTF-8 column takes a lone surrogate (what a JSON escape such as "\\ud800" decodes to)."""


def text_problem(value: str) -> str:
    """Why `value` cannot be stored, or "" when it can."""
    if "\x00" in value:
        return "must not contain NUL characters"
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return "must be valid Unicode text (it has an unpaired surrogate)"
    return ""


def find_unstorable_text(value) -> tuple[str, tuple[str | int, ...]] | None:
    """The first string (key or value) in `value` that cannot be stored: why, and its path of keys
    and indexes. A loop, not recursion: the value may be deep."""
    stack: list[tuple[tuple, object]] = [((), value)]
    while stack:
        path, node = stack.pop()
        if isinstance(node, dict):
            for key, item in node.items():
                if isinstance(key, str) and (problem := text_problem(key)):
                    return f"a key {problem}", path  # the key itself cannot go in a message
                stack.append(((*path, key), item))
        elif isinstance(node, list):
            stack.extend(((*path, index), item) for index, item in enumerate(node))
        elif isinstance(node, str) and (problem := text_problem(node)):
            return problem, path
    return None


def storable_excerpt(raw: bytes, limit: int) -> str:
    """The start of a raw body as text for a log: undecodable bytes and NULs become U+FFFD."""
    return raw[:limit].decode("utf-8", "replace").replace("\x00", "\ufffd")
