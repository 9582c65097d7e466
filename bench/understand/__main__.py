"""``python -m bench.understand``: the side-by-side comparison (``compare.py``)."""

import sys

from bench.understand.compare import main

sys.exit(main())
