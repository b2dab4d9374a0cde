"""``python -m wenshu`` runs the CLI."""

from wenshu.cli.main import main

main()
