"""`python -m breakthrough …`: the command line (see `breakthrough.cli`)."""
from breakthrough.cli import main

raise SystemExit(main())
