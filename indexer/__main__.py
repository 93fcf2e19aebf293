"""`python -m indexer` is the corpus-search command."""

from .cli import main

main(prog_name="corpus-search")
