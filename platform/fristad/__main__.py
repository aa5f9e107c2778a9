"""``python -m fristad`` is the ``fristad`` command."""

from fristad.cli import main

main()
