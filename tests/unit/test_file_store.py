"""The local file store keeps a file once under the SHA-256 of its bytes, written whole or not at all."""

from __future__ import annotations

import hashlib
import os

import pytest

from fundapp.documents.storage import FileMissing, LocalFileStore


def test_a_file_is_kept_under_its_hash_and_read_back_by_it(tmp_path):
    store = LocalFileStore(tmp_path)
    data = b"PK\x03\x04 a workbook"
    sha = store.put(data)
    assert sha == hashlib.sha256(data).hexdigest()
    assert (tmp_path / sha[:2] / sha).read_bytes() == data
    assert store.exists(sha) and store.get(sha) == data


def test_the_same_bytes_twice_are_one_file_and_nothing_temporary_stays(tmp_path):
    store = LocalFileStore(tmp_path)
    assert store.put(b"same") == store.put(b"same")
    assert [p.name for p in tmp_path.rglob("*") if p.is_file()] == [hashlib.sha256(b"same").hexdigest()]


def test_an_unknown_or_malformed_hash_is_missing_and_never_a_path(tmp_path):
    store = LocalFileStore(tmp_path / "files")
    (tmp_path / "secret").write_bytes(b"not yours")
    for wrong in ("0" * 64, "../secret", "../" * 10 + "etc/passwd", "A" * 64, ""):
        assert not store.exists(wrong)
        with pytest.raises(FileMissing):
            store.get(wrong)


def test_a_write_that_fails_leaves_no_file_half_written(tmp_path, monkeypatch):
    store = LocalFileStore(tmp_path)

    def disk_full(*_args):
        raise OSError("No space left on device")

    monkeypatch.setattr(os, "replace", disk_full)
    with pytest.raises(OSError):
        store.put(b"a large workbook")
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == []
    assert not store.exists(hashlib.sha256(b"a large workbook").hexdigest())
