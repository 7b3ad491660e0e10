"""Run the ttdn command line as `python -m ttdn_search`."""

from ttdn_search.cli import main

main()
