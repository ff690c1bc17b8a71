"""`python -m newswatch`: the same command line as the `newswatch` script."""

import sys

from newswatch.cli import main

sys.exit(main())
