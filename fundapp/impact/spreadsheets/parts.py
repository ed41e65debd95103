"""Reading one part of an upload's zip ourselves: streamed, counted, CRC-checked, its XML checked as it comes.

zipfile stops reading a part at the size the part declares and then checks the CRC
of what it read. A part whose headers declare a small size, with the CRC of its first
bytes, therefore passes zipfile while its data really inflates to gigabytes, which
the spreadsheet reader (calamine) afterwards unpacks in full. Here the real bytes are
counted as they come out of the inflater, one chunk at a time: a part is refused the
moment it yields more than it declares. The directory check keeps the declared sizes
within the upload limit, so the real total stays within it too, and memory stays
bounded by one chunk (plus the parts that are kept) whatever the headers say.
"""

from __future__ import annotations

import re
import struct
import zipfile
import zlib
from collections.abc import Iterator

OUT_CHUNK = 1024 * 1024  # most bytes one inflater call may produce
IN_CHUNK = 64 * 1024  # compressed bytes fed per call, so that the unconsumed tail copied back stays small
LOCAL_HEADER = struct.Struct("<4s5H3L2H")  # signature, version, flags, method, time, date, crc, sizes, lengths
LOCAL_SIGNATURE = b"PK\x03\x04"
DATA_DESCRIPTOR = 0x08  # sizes and CRC follow the data; the local header holds zeros
ZIP64_MARKER = 0xFFFFFFFF

# A document type declaration can declare entities (billion laughs, external files): no
# part of an upload may carry one, wherever it is and however it is spaced or cased.
_DTD = re.compile(rb"<!\s*(?:DOCTYPE|ENTITY)", re.IGNORECASE)
_DTD_OVERLAP = 64  # bytes of the previous chunk searched again, for a declaration split between chunks
# XML in UTF-16 would hide a declaration from the byte search above; no spreadsheet program writes it.
_UTF16_XML_STARTS = (b"\xff\xfe<\x00", b"\xfe\xff\x00<", b"<\x00", b"\x00<")


class ContainerRefused(Exception):
    """The file as a whole is refused; each problem is a (message key, values) pair."""

    def __init__(self, problems: list[tuple[str, dict[str, object]]]):
        super().__init__(problems)
        self.problems = problems


def corrupt() -> ContainerRefused:
    return ContainerRefused([("corrupt_zip", {})])


def unsafe_xml(part: str) -> ContainerRefused:
    return ContainerRefused([("unsafe_xml", {"part": part[:60]})])


def read_part(data: bytes, info: zipfile.ZipInfo, keep: bool) -> bytes:
    """Inflate a part once, refusing it as soon as it proves dishonest; its bytes if `keep`, else b""."""
    start = _data_start(data, info)
    compressed = memoryview(data)[start : start + info.compress_size]
    if len(compressed) != info.compress_size:
        raise corrupt()
    size, crc, previous, kept = 0, 0, b"", []
    for chunk in _inflated(compressed, info.compress_type):
        size += len(chunk)
        if size > info.file_size:
            raise corrupt()
        crc = zlib.crc32(chunk, crc)
        if not previous and chunk.startswith(_UTF16_XML_STARTS):
            raise unsafe_xml(info.filename)
        if _DTD.search(chunk) or _DTD.search(previous + chunk[:_DTD_OVERLAP]):
            raise unsafe_xml(info.filename)
        previous = chunk[-_DTD_OVERLAP:]
        if keep:
            kept.append(chunk)
    if size != info.file_size or crc != info.CRC:
        raise corrupt()
    return b"".join(kept)


def _data_start(data: bytes, info: zipfile.ZipInfo) -> int:
    """Where the part's data begins, after a local header that must agree with the central directory.

    Readers differ in which of the two headers they believe; when both say the same,
    every reader reads the same bytes.
    """
    offset = info.header_offset
    if offset < 0 or offset + LOCAL_HEADER.size > len(data):
        raise corrupt()
    signature, _, flags, method, _, _, crc, compressed, size, name_length, extra_length = LOCAL_HEADER.unpack_from(
        data, offset
    )
    if signature != LOCAL_SIGNATURE or method != info.compress_type:
        raise corrupt()
    if not flags & DATA_DESCRIPTOR and (
        crc != info.CRC
        or compressed not in (info.compress_size, ZIP64_MARKER)
        or size not in (info.file_size, ZIP64_MARKER)
    ):
        raise corrupt()
    return offset + LOCAL_HEADER.size + name_length + extra_length


def _inflated(compressed: memoryview, method: int) -> Iterator[bytes]:
    """The part's real bytes, at most OUT_CHUNK at a time, however far they would go."""
    if method == zipfile.ZIP_STORED:
        for start in range(0, len(compressed), OUT_CHUNK):
            yield bytes(compressed[start : start + OUT_CHUNK])
        return
    if method != zipfile.ZIP_DEFLATED:  # Excel writes nothing else
        raise corrupt()
    inflater = zlib.decompressobj(-zlib.MAX_WBITS)
    for start in range(0, len(compressed), IN_CHUNK):
        pending: bytes | memoryview = compressed[start : start + IN_CHUNK]
        while pending and not inflater.eof:
            chunk = inflater.decompress(pending, OUT_CHUNK)
            pending = inflater.unconsumed_tail
            if chunk:
                yield chunk
        if inflater.eof:
            break
    # With all input consumed, what zlib still holds is at most one back-reference (258 bytes).
    rest = inflater.flush()
    if rest:
        yield rest
    if not inflater.eof:
        raise corrupt()
