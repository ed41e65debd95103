"""A server's workers can load WeasyPrint before the first request asks for a PDF (``fundapp.reports.pdf.preload``)."""

from __future__ import annotations

import subprocess
import sys

FRESH_PROCESS = """
import sys
from fundapp.reports import pdf
assert "weasyprint" not in sys.modules, "loaded before it was asked for"
pdf.preload()
assert "weasyprint" in sys.modules
assert pdf.html_to_pdf(pdf.WARM_UP).startswith(b"%PDF-")
"""


def test_preload_loads_weasyprint_in_a_fresh_process_which_it_otherwise_loads_on_the_first_pdf():
    done = subprocess.run([sys.executable, "-c", FRESH_PROCESS], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
