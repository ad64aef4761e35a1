"""``python -m mixedmig.cli`` runs the ``mixedmig`` command."""

import sys

from . import main

sys.exit(main())
