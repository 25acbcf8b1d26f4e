"""`python -m tqcheck`: the same as the `tqcheck` command."""

from tqcheck.cli import main

main()
