"""gunicorn's settings for fundapp: read from the working directory by ``gunicorn -w 4 'wsgi:app'``."""

from __future__ import annotations

import gc
from typing import Any


def post_worker_init(_worker: Any) -> None:
    """Once a worker has loaded the app: WeasyPrint is loaded too (the first PDF would otherwise pay about a
    second for it), then what lives as long as the worker (modules, mappers, templates, fonts) is left out of the
    cycle collector's passes (gc.freeze). A request's own objects are collected as before."""
    from fundapp.reports import pdf

    pdf.preload()
    gc.freeze()
