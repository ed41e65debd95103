"""Content-addressed file storage: a file is stored once under the SHA-256 of its bytes and read back by that hash.

The local-disk store keeps ``<root>/<sha256[:2]>/<sha256>``; the root is ``FUNDAPP_FILES_DIR``, or ``files/`` in the
instance folder. A file is written to a temporary name beside its place and renamed into it, so a reader never sees
half a file and two writers of the same bytes end with the same file. A file whose database row was rolled back
stays behind harmlessly: the next upload of the same bytes finds it. The interface (put, get, exists) is what
another backend (S3) implements as well.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from pathlib import Path
from typing import Protocol

from flask import Flask, current_app

SHA256 = re.compile(r"^[0-9a-f]{64}$")


class FileMissing(LookupError):
    """No stored file has this hash."""


class FileStore(Protocol):
    def put(self, data: bytes) -> str: ...

    def get(self, sha256: str) -> bytes: ...

    def exists(self, sha256: str) -> bool: ...


class LocalFileStore:
    def __init__(self, root: str | Path) -> None:
        self.root = Path(root)

    def _path(self, sha256: str) -> Path:
        if not SHA256.match(sha256):
            raise FileMissing(sha256)
        return self.root / sha256[:2] / sha256

    def put(self, data: bytes) -> str:
        sha256 = hashlib.sha256(data).hexdigest()
        path = self._path(sha256)
        if path.exists():
            return sha256
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".incoming-")
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(data)
                out.flush()
                os.fsync(out.fileno())
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        return sha256

    def get(self, sha256: str) -> bytes:
        try:
            return self._path(sha256).read_bytes()
        except FileNotFoundError as exc:
            raise FileMissing(sha256) from exc

    def exists(self, sha256: str) -> bool:
        try:
            return self._path(sha256).is_file()
        except FileMissing:
            return False


def init_app(app: Flask) -> None:
    root = app.config.get("FILES_DIR") or os.path.join(app.instance_path, "files")
    app.extensions["fundapp.files"] = LocalFileStore(root)


def files() -> FileStore:
    """The application's file store."""
    store: FileStore = current_app.extensions["fundapp.files"]
    return store
