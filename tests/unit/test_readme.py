"""README.md stands alone: what it points to is in the repository."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DOCUMENTS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]


def test_readme_and_docs_never_point_outside_the_repository():
    # "../x" leaves the checkout; "POST .../approve" (an elided API path) does not.
    outside = [
        f"{doc.name}:{n}: {line.strip()}"
        for doc in DOCUMENTS
        for n, line in enumerate(doc.read_text(encoding="utf-8").splitlines(), 1)
        if re.search(r"(?<!\.)\.\./", line)
    ]
    assert outside == []


def test_every_document_the_readme_names_in_docs_exists():
    named = set(re.findall(r"docs/[\w.-]+\.md", (ROOT / "README.md").read_text(encoding="utf-8")))
    assert named, "the README points to its full texts in docs/"
    assert sorted(name for name in named if not (ROOT / name).is_file()) == []
