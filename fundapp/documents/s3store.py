"""The content-addressed store in an S3-compatible bucket (AWS, MinIO, Ceph...), through boto3.

``FUNDAPP_S3_URL`` is ``s3://bucket[/prefix]`` for AWS, or ``https://host[:port]/bucket[/prefix]`` for another
S3-compatible service; credentials and region come from boto3's usual places (``AWS_ACCESS_KEY_ID``,
``AWS_SECRET_ACCESS_KEY``, ``AWS_DEFAULT_REGION``, an instance role). Keys are ``<prefix>/<sha256[:2]>/<sha256>``,
as on the local disk, so a bucket and a folder can be copied into each other.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import boto3
from botocore.exceptions import ClientError

from fundapp.documents.storage import CHUNK, SHA256, FileMissing

_MISSING = {"404", "NoSuchKey", "NotFound"}


class S3FileStore:
    def __init__(self, client: Any, bucket: str, prefix: str = "") -> None:
        self.client = client
        self.bucket = bucket
        self.prefix = prefix.strip("/")

    @classmethod
    def from_url(cls, url: str) -> S3FileStore:
        parts = urlsplit(url)
        if parts.scheme == "s3":
            return cls(boto3.client("s3"), parts.netloc, parts.path)
        bucket, _, prefix = parts.path.lstrip("/").partition("/")
        return cls(boto3.client("s3", endpoint_url=f"{parts.scheme}://{parts.netloc}"), bucket, prefix)

    def _key(self, sha256: str) -> str:
        if not SHA256.match(sha256):
            raise FileMissing(sha256)
        key = f"{sha256[:2]}/{sha256}"
        return f"{self.prefix}/{key}" if self.prefix else key

    def put(self, data: bytes) -> str:
        sha256 = hashlib.sha256(data).hexdigest()
        if not self.exists(sha256):
            self.client.put_object(Bucket=self.bucket, Key=self._key(sha256), Body=data)
        return sha256

    def _object(self, sha256: str) -> Any:
        try:
            return self.client.get_object(Bucket=self.bucket, Key=self._key(sha256))["Body"]
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in _MISSING:
                raise FileMissing(sha256) from exc
            raise

    def get(self, sha256: str) -> bytes:
        body = self._object(sha256)
        with body:
            data: bytes = body.read()
        return data

    def exists(self, sha256: str) -> bool:
        try:
            self.client.head_object(Bucket=self.bucket, Key=self._key(sha256))
        except FileMissing:
            return False
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in _MISSING:
                return False
            raise
        return True

    def stream(self, sha256: str) -> Iterator[bytes]:
        body = self._object(sha256)
        return _chunks(body)


def _chunks(body: Any) -> Iterator[bytes]:
    with body:
        yield from body.iter_chunks(CHUNK)
