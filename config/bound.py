"""`python -m config.bound <command> …`: runs the command so that it ends when the process that
started it ends.

`make run`'s process manager (honcho) starts each process in a session of its own, so a kill of
`make run` that nothing can catch (SIGKILL, a crash, the OOM killer) would leave the web server,
worker, beat and simulator running, holding the port and the database for the next run. On
Linux the kernel sends the command SIGTERM when its parent dies (PR_SET_PDEATHSIG, kept across
exec); elsewhere the command simply runs."""

import ctypes
import os
import signal
import sys

PR_SET_PDEATHSIG = 1


def main(argv: list[str]) -> None:
    if len(argv) < 2:
        sys.exit("usage: python -m config.bound <command> [argument …]")
    parent = os.getppid()
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
        if os.getppid() != parent:  # the parent died before the call: too late to be told
            sys.exit(1)
    os.execvp(argv[1], argv[1:])  # noqa: S606 - a command of the Procfile


if __name__ == "__main__":
    main(sys.argv)
