"""Are the Debian packages the app needs installed? `make run` and `make test` ask before they start.

WeasyPrint loads Pango when it is imported, so without Pango the app and the suite stop on a long
stack trace; this names the missing package in one line instead. Standard library only, so it runs
before anything of the app is imported. Chromium and PostgreSQL are optional (the browser tests skip
without Chromium; the PostgreSQL run is its own target), so they are not checked.

    python -m fundapp.system_check    # exit 0, silent; or one line on stderr and exit 1
"""

from __future__ import annotations

import ctypes
import ctypes.util
import sys

# (Debian package, the library's soname on Debian, its name for find_library elsewhere)
REQUIRED = (
    ("libpango-1.0-0", "libpango-1.0.so.0", "pango-1.0"),
    ("libpangoft2-1.0-0", "libpangoft2-1.0.so.0", "pangoft2-1.0"),
)
INSTALL = "apt-get install " + " ".join(package for package, _, _ in REQUIRED)


def _loads(soname: str, name: str) -> bool:
    try:
        ctypes.CDLL(soname)
    except OSError:
        return ctypes.util.find_library(name) is not None
    return True


def missing() -> list[str]:
    """The required packages whose library cannot be loaded."""
    return [package for package, soname, name in REQUIRED if not _loads(soname, name)]


def main() -> int:
    absent = missing()
    if absent:
        print(f"missing system package: {' '.join(absent)} ({INSTALL})", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
