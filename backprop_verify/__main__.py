"""``python -m backprop_verify``: the same as the ``backprop-verify`` command."""

import sys

from .verify.cli.main import main

sys.exit(main())
