"""Content-addressed file storage: a file is stored once under the SHA-256 of its bytes and read back by that hash.

The local-disk store keeps ``<root>/<sha256[:2]>/<sha256>``; the root is ``FUNDAPP_STORAGE_DIR`` (or its older name
``FUNDAPP_FILES_DIR``), or ``files/`` in the instance folder. With ``FUNDAPP_S3_URL`` the same keys live in an
S3-compatible bucket instead (``s3store.py``). A file is written to a temporary name beside its place and renamed into it, so a reader never sees
half a file and two writers of the same bytes end with the same file. A file whose database row was rolled back
stays behind harmlessly: the next upload of the same bytes finds it. The interface (put, get, exists, stream) is what
the S3 backend implements as well.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Protocol

from flask import Flask, current_app

SHA256 = re.compile(r"^[0-9a-f]{64}$")
CHUNK = 64 * 1024


class FileMissing(LookupError):
    """No stored file has this hash."""


class FileStore(Protocol):
    def put(self, data: bytes) -> str: ...

    def get(self, sha256: str) -> bytes: ...

    def exists(self, sha256: str) -> bool: ...

    def stream(self, sha256: str) -> Iterator[bytes]: ...


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

    def stream(self, sha256: str) -> Iterator[bytes]:
        try:
            handle = self._path(sha256).open("rb")
        except FileNotFoundError as exc:
            raise FileMissing(sha256) from exc
        return _chunks(handle)


def _chunks(handle: IO[bytes]) -> Iterator[bytes]:
    with handle:
        while chunk := handle.read(CHUNK):
            yield chunk


def init_app(app: Flask) -> None:
    if app.config.get("S3_URL"):
        from fundapp.documents.s3store import S3FileStore

        app.extensions["fundapp.files"] = S3FileStore.from_url(app.config["S3_URL"])
        return
    root = app.config.get("STORAGE_DIR") or app.config.get("FILES_DIR") or os.path.join(app.instance_path, "files")
    app.extensions["fundapp.files"] = LocalFileStore(root)


def files() -> FileStore:
    """The application's file store."""
    store: FileStore = current_app.extensions["fundapp.files"]
    return store
