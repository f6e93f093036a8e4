"""`python -m breakthrough …`: the command line (see `breakthrough.cli`)."""

from breakthrough.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
