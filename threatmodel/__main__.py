"""``python -m threatmodel``."""

from threatmodel.console import main

main()
