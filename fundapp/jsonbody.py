"""Reading a JSON request body: bounded nesting and text the database can store, or a 400/422.

Python's json module recurses once per nesting level, so a body nested
100,000 deep would end in a RecursionError (a 500). A lone surrogate
(``"\\ud800"``) is valid JSON but no UTF-8 text: the database driver, the
password hash and the JSON encoder would each fail on it later. Both are
refused here, before any view sees the data.
"""

from __future__ import annotations

import json
from typing import Any

from fundapp.errors import AppError, ValidationFailed
from fundapp.messages import N_

# Our deepest body (a contract with its payers' terms) nests 4 levels; 32 leaves room and bounds the work.
MAX_DEPTH = 32


def parse(data: bytes) -> Any:
    """The body's value; AppError (400) for text that is not JSON or nests too deep, 422 for bad text in it."""
    try:
        value = json.loads(data.decode("utf-8"))
    except RecursionError:
        raise _too_deep() from None
    except ValueError:  # not UTF-8, not JSON, or an integer of more digits than Python converts
        raise AppError("The request body is not valid JSON.") from None
    _check(value)
    return value


def _too_deep() -> AppError:
    return AppError("The request body is nested too deeply.", [{"field": "_body", "message": f"max {MAX_DEPTH}"}])


def _check(value: Any) -> None:
    """Walks the value without recursion: no container deeper than MAX_DEPTH, no string that is not storable."""
    pending: list[tuple[Any, str, int]] = [(value, "", 1)]
    while pending:
        item, path, depth = pending.pop()
        if isinstance(item, str):
            _check_text(item, path)
            continue
        if not isinstance(item, dict | list):
            continue
        if depth > MAX_DEPTH:
            raise _too_deep()
        if isinstance(item, dict):
            for key, child in item.items():
                _check_text(key, path)
                pending.append((child, f"{path}.{key}" if path else key, depth + 1))
        else:
            pending.extend(
                (child, f"{path}.{index}" if path else str(index), depth + 1) for index, child in enumerate(item)
            )


def _check_text(text: str, path: str) -> None:
    if "\x00" in text:
        problem = N_("Contains a NUL character.")
    elif text.isascii():
        return
    else:
        try:
            text.encode("utf-8")
            return
        except UnicodeEncodeError:
            problem = N_("Contains characters that are not valid Unicode.")
    raise ValidationFailed("The request is not valid.", [{"field": path or "_schema", "message": problem}])
