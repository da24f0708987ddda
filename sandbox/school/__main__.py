"""`python -m sandbox.school --out DIR [--seed N] [--size small|medium|large] [--as-of YYYY-MM-DD]`."""

import sys

from sandbox.school.cli import main

sys.exit(main())
