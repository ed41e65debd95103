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


def worker_exit(_server: Any, worker: Any) -> None:
    """A worker ending writes the API token uses it noted but has not written yet (fundapp/auth/token_uses.py)."""
    from fundapp.auth import token_uses

    app = getattr(worker, "wsgi", None)
    if app is not None:
        try:
            token_uses.write_left(app)
        except Exception:  # the database may be gone too; "last used" is only ever late
            worker.log.exception("could not write the API token uses this worker noted")
