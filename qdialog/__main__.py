import sys

from qdialog.cli import main

sys.exit(main())
