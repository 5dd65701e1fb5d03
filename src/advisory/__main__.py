"""``python -m advisory``: the same command line as ``advisory``."""

import sys

from advisory.cli import main

if __name__ == "__main__":
    sys.exit(main())
