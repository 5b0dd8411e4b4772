"""The bundles' entry point: the same `reader` command as the pip install."""

import multiprocessing

from reader.cli.main import main

if __name__ == "__main__":
    multiprocessing.freeze_support()
    raise SystemExit(main())
