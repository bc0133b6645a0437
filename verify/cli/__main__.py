"""``python -m verify.cli``: the same as ``backprop-verify``."""

import sys

from .main import main

sys.exit(main())
