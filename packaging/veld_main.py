"""The frozen ``veld`` program's entry point (PyInstaller runs this file as ``__main__``).

``freeze_support`` comes first: the store prepares documents in spawned worker processes
(veldclient/store/prepare.py), and a frozen program starts those workers by running itself again;
without it each worker would run the command line instead of its task.
"""

import multiprocessing

if __name__ == "__main__":
    multiprocessing.freeze_support()
    from veldclient.cli import main

    main()
