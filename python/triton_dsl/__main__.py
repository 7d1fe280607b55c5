"""python -m triton_dsl: the triton-dsl console script (triton_dsl.cli)."""

import sys

from .cli import main

sys.exit(main())
