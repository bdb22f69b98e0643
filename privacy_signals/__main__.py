import sys

from privacy_signals.cli import main

sys.exit(main())
