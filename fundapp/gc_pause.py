"""Python's cyclic garbage collector paused while a document is built.

A fund report reads tens of thousands of rows and makes as many cells or boxes: objects that live until the
document is done and hold no garbage cycles. Each burst of new objects sets off a collection, and every few
of them a full one that walks the whole process; that cost more than reading the rows. Reference counting
still frees what is dropped; cycles made meanwhile are collected once the document is built.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def paused_gc() -> Iterator[None]:
    """Pause the collector for the block; whoever paused it first turns it back on (threads, nested blocks)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
