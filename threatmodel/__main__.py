"""``python -m threatmodel``."""

from threatmodel.cli import main

main()
