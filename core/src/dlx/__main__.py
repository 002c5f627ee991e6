import sys

from dlx.cli import main

sys.exit(main())
