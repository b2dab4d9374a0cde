"""``python -m wenshu`` runs the CLI."""

from .cli import main

main()
