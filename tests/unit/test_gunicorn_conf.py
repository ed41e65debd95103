"""The gunicorn settings read from the project's directory."""

from __future__ import annotations

import gc
import runpy
from pathlib import Path

CONF = Path(__file__).resolve().parents[2] / "gunicorn.conf.py"


def test_a_worker_with_the_app_loaded_keeps_its_long_lived_objects_out_of_the_collectors_passes():
    settings = runpy.run_path(str(CONF))
    assert gc.get_freeze_count() == 0
    try:
        settings["post_worker_init"](None)
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()


def test_a_worker_compiles_every_template_before_its_first_request(monkeypatch):
    from types import SimpleNamespace

    from fundapp import create_app

    app = create_app({"DATABASE_URL": "sqlite:///:memory:"})
    settings = runpy.run_path(str(CONF))
    try:
        settings["post_worker_init"](SimpleNamespace(wsgi=app))
    finally:
        gc.unfreeze()
    names = app.jinja_env.list_templates()
    assert len(names) > 100

    def compiled_again(*_args, **_kwargs):
        raise AssertionError("a template was compiled after the worker started")

    monkeypatch.setattr(app.jinja_env, "compile", compiled_again)
    for name in names:  # each one comes from the cache now
        app.jinja_env.get_template(name)
