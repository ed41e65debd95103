"""The content-addressed store in an S3-compatible bucket, against moto's S3 server (a real HTTP endpoint)."""

from __future__ import annotations

import hashlib
import io
import socket
import uuid
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from flask import Flask
from moto.server import ThreadedMotoServer

from fundapp.documents import storage
from fundapp.documents.s3store import S3FileStore
from tests.documents_files import PDF


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture()
def bucket_url(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    for key, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "eu-west-1",
    }.items():
        monkeypatch.setenv(key, value)
    port = _free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port)
    server.start()
    # moto keeps its buckets in the process, across servers: each test its own bucket.
    bucket = f"fundapp-{uuid.uuid4().hex[:12]}"
    try:
        endpoint = f"http://127.0.0.1:{port}"
        boto3.client("s3", endpoint_url=endpoint).create_bucket(
            Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": "eu-west-1"}
        )
        yield f"{endpoint}/{bucket}/production"
    finally:
        server.stop()


def test_a_file_put_in_the_bucket_comes_back_by_its_hash_under_the_prefix(bucket_url: str) -> None:
    store = S3FileStore.from_url(bucket_url)
    sha256 = store.put(PDF)
    assert sha256 == hashlib.sha256(PDF).hexdigest()
    assert store.exists(sha256)
    assert store.get(sha256) == PDF
    assert b"".join(store.stream(sha256)) == PDF
    keys = [o["Key"] for o in store.client.list_objects_v2(Bucket=store.bucket)["Contents"]]
    assert keys == [f"production/{sha256[:2]}/{sha256}"]


def test_a_missing_file_is_missing_not_an_error_of_the_bucket(bucket_url: str) -> None:
    store = S3FileStore.from_url(bucket_url)
    absent = "0" * 64
    assert not store.exists(absent)
    with pytest.raises(storage.FileMissing):
        store.get(absent)
    with pytest.raises(storage.FileMissing):
        store.stream(absent)


def test_the_s3_url_setting_puts_the_app_s_files_in_the_bucket(bucket_url: str) -> None:
    app = Flask(__name__)
    app.config["S3_URL"] = bucket_url
    storage.init_app(app)
    assert isinstance(app.extensions["fundapp.files"], S3FileStore)


def test_a_document_uploaded_through_the_api_is_kept_in_and_streamed_from_the_bucket(
    bucket_url: str, app: Any, client: Any, world: Any, api_headers: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = S3FileStore.from_url(bucket_url)
    monkeypatch.setitem(app.extensions, "fundapp.files", store)
    headers = api_headers(world.users["manager_a"])
    made = client.post(
        f"/api/v1/loans/{world.loan_a.id}/documents",
        data={"kind": "loan_agreement", "file": (io.BytesIO(PDF), "agreement.pdf")},
        headers=headers,
        content_type="multipart/form-data",
    ).get_json()
    assert store.exists(made["sha256"])
    response = client.get(f"/api/v1/documents/{made['id']}/content", headers=headers)
    assert response.data == PDF
    assert response.mimetype == "application/pdf"


def test_an_aws_url_names_the_bucket_and_the_prefix(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_DEFAULT_REGION", "eu-west-1")
    store = S3FileStore.from_url("s3://fundapp-archive/documents/nl")
    assert (store.bucket, store.prefix) == ("fundapp-archive", "documents/nl")
    assert store._key("ab" + "0" * 62) == "documents/nl/ab/ab" + "0" * 62
