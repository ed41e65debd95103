"""gunicorn's settings for fundapp: read from the working directory by ``gunicorn -w 4 'wsgi:app'``."""

from __future__ import annotations

import gc
from typing import Any


def post_worker_init(worker: Any) -> None:
    """Once a worker has loaded the app: WeasyPrint is loaded too (the first PDF would otherwise pay about a
    second for it) and every template compiled (1.8 s for 130 on a 2-core machine, which each worker's first
    requests paid, page by page, while users waited), then what lives as long as the worker (modules, mappers,
    templates, fonts) is left out of the cycle collector's passes (gc.freeze). A request's own objects are
    collected as before."""
    from fundapp.reports import pdf

    pdf.preload()
    app = getattr(worker, "wsgi", None)
    if app is not None:
        for name in app.jinja_env.list_templates():
            app.jinja_env.get_template(name)
    gc.freeze()
