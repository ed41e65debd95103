"""gunicorn's settings for fundapp: read from the working directory by ``gunicorn -w 4 'wsgi:app'``."""

from __future__ import annotations

import gc
from typing import Any


def post_worker_init(_worker: Any) -> None:
    """Once a worker has loaded the app: its modules, mappers and templates live as long as the worker, so the
    cycle collector leaves them out of its passes (gc.freeze). A request's own objects are collected as before."""
    gc.freeze()
