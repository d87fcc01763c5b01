"""`python -m reports`: see reports/cli.py."""

from reports.cli import main
from starter.cli import exit_now

if __name__ == "__main__":
    exit_now(main())
