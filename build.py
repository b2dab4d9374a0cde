"""Thin entry point: ``python build.py …`` is the same CLI as the ``wenshu`` command."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent / "src"))

from wenshu.cli.main import main  # noqa: E402

if __name__ == "__main__":
    main()
