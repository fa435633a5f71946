"""``python -m veldclient`` is ``veld``."""

from veldclient.cli import main

main()
