"""Which PostgreSQL: DATABASE_URL when set, else an embedded server (pgserver) in the project folder.

The embedded server starts with the settings of settings.yaml's embedded_server section (issue 27:
shared buffers and checkpoints for a load), written to its data folder; a server of DATABASE_URL is
never changed.

URLs are SQLAlchemy URLs with the psycopg2 driver. A bare postgresql:// (or postgres://) URL is
normalized to postgresql+psycopg2:// because SQLAlchemy 2.1 maps the bare scheme to psycopg 3.
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
import re
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import sqlalchemy as sa
from sqlalchemy.engine import URL, make_url

from pipeline.core.settings import EmbeddedServerSettings, load_settings

PROJECT_ROOT = Path(__file__).resolve().parents[2]
ENV_URL = "DATABASE_URL"
ENV_DATA_DIR = "NEWSCLEAN_PGDATA"


class EmbeddedServerMissing(RuntimeError):
    """No DATABASE_URL, and the embedded server's package (the `embedded` extra) is not installed."""


# Query parameters that carry a secret (libpq's password=, sslpassword=; tokens of proxies)
_SECRET_QUERY = re.compile(r"pass|secret|token|credential", re.I)
# scheme://user-info@host: in "u:p@ss@host" the user-info runs to the last @. Only an @ with no / or ?
# between it and the next @ counts as the password's: "u:p@host/x?options=a@b" keeps its host.
_AUTHORITY = re.compile(r"^(?P<scheme>[\w+.-]+://)(?P<userinfo>[^@]*(?:@[^@/?]*)+)@(?P<rest>[^@]*)$")


def normalize_url(url: str | URL) -> URL:
    parsed = make_url(_quote_user_info(url)) if isinstance(url, str) else url
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg2")
    if not parsed.drivername.startswith("postgresql"):
        raise ValueError(f"not a PostgreSQL URL: {redact(parsed)}")
    return parsed


def _quote_user_info(url: str) -> str:
    """A password holding an unencoded @ ("u:p@ss@host") as "u:p%40ss@host": SQLAlchemy would end
    the password at the first @ and take its tail for the host (then print it in every error)."""
    found = _AUTHORITY.match(url)
    if found is None:
        return url
    return found["scheme"] + found["userinfo"].replace("@", "%40") + "@" + found["rest"]


def redact(url: str | URL) -> str:
    """The URL as it may appear in logs: password hidden, also as a query parameter (?password=)."""
    parsed = make_url(_quote_user_info(url)) if isinstance(url, str) else url
    query = {key: ("***" if _SECRET_QUERY.search(key) else value) for key, value in parsed.query.items()}
    return parsed.set(query=query).render_as_string(hide_password=True).replace("=%2A%2A%2A", "=***")


def scrub(text: str, url: str | URL | None = None) -> str:
    """A message with the secrets of the database URL (default: $DATABASE_URL) replaced by ***:
    its password in any spelling (as given, decoded) and its secret query values. For messages of
    libraries that may quote a connection string."""
    for secret in _secrets(url if url is not None else os.environ.get(ENV_URL, "")):
        text = text.replace(secret, "***")
    return text


def _secrets(url: str | URL) -> list[str]:
    raw = url if isinstance(url, str) else url.render_as_string(hide_password=False)
    found: set[str] = set()
    authority = _AUTHORITY.match(raw) or re.match(r"^[\w+.-]+://(?P<userinfo>[^/?#]*)@", raw)
    if authority and ":" in authority["userinfo"]:
        found.add(authority["userinfo"].split(":", 1)[1])
    try:
        parsed = make_url(_quote_user_info(raw)) if raw else None
    except (ValueError, sa.exc.ArgumentError):
        parsed = None
    if parsed is not None:
        found.add(parsed.password or "")
        for key, value in parsed.query.items():
            if _SECRET_QUERY.search(key):
                found.update([value] if isinstance(value, str) else value)
    found |= {unquote(secret) for secret in found}
    # longest first, so that a secret holding another is hidden whole
    return sorted((secret for secret in found if len(secret) >= 3), key=len, reverse=True)


def embedded_data_dir() -> Path:
    return Path(os.environ.get(ENV_DATA_DIR) or PROJECT_ROOT / ".pgdata")


EMBEDDED_DATABASE = "newsclean"


def embedded_url(database: str = EMBEDDED_DATABASE, server_settings: EmbeddedServerSettings | None = None) -> URL:
    """Start (or reuse) the embedded PostgreSQL under .pgdata/ and return the URL of `database`
    on it, created when missing. `server_settings`: the embedded_server settings it runs with, from
    a caller that holds the settings already; None reads them (load_settings, NEWSCLEAN_SETTINGS's
    changes included) before anything is started, so a broken file is refused naming itself.

    The server outlives this process on purpose: the next command, test or DAG task reuses it
    (pgserver starts it in under a second when it is not running).
    """
    if server_settings is None:
        server_settings = load_settings().embedded_server
    logging.getLogger("pgserver").setLevel(logging.WARNING)  # its exit hook logs to closed streams
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # platformdirs warns when XDG_RUNTIME_DIR is unset (CI, root)
        try:
            import pgserver  # imported lazily: only the embedded path needs it (the `embedded` extra)
        except ImportError as exc:
            raise EmbeddedServerMissing(
                "the embedded PostgreSQL needs pgserver, which is not installed: "
                f"install newsclean-pipeline[embedded] or set {ENV_URL}"
            ) from exc
        data_dir = embedded_data_dir()
        data_dir.mkdir(parents=True, exist_ok=True)
        with _locked(data_dir):  # one process at a time starts the server and restarts a new one
            server = _started_with_load_settings(pgserver, data_dir, server_settings)
    url = normalize_url(server.get_uri())
    if database != "postgres":
        url = url.set(database=database)
        ensure_database(url)
    return url


# Issue 27: the embedded server's settings for a load, in a file of their own in its data folder
# that postgresql.conf includes, so that every start of the server reads them.
SERVER_SETTINGS_FILE = "newsclean.conf"
_INCLUDE = f"include_if_exists = '{SERVER_SETTINGS_FILE}'"


def machine_memory() -> int:
    """Bytes of memory of this machine, or of its container's limit when that is lower."""
    total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    try:
        limit = Path("/sys/fs/cgroup/memory.max").read_text().strip()  # "max" when unlimited
    except OSError:
        return total
    return min(total, int(limit)) if limit.isdigit() else total


def load_server_settings(settings: EmbeddedServerSettings, memory: int) -> dict[str, str]:
    """The embedded server's settings for a load on a machine with `memory` bytes."""
    share_mb = int(memory * settings.shared_buffers_share_of_memory) // 2**20
    buffers_mb = max(settings.shared_buffers_min_mb, min(settings.shared_buffers_max_mb, share_mb))
    return {
        "shared_buffers": f"{buffers_mb}MB",
        "max_wal_size": f"{settings.max_wal_size_mb}MB",
        "checkpoint_timeout": f"{settings.checkpoint_timeout_min}min",
    }


def write_server_settings(data_dir: Path, values: dict[str, str]) -> bool:
    """Write the settings file of the data folder and include it from postgresql.conf; False when
    both already say so (nothing written)."""
    text = "# Written by newsclean from settings.yaml (embedded_server); rewritten when those change.\n"
    text += "".join(f"{name} = '{value}'\n" for name, value in values.items())
    target, main = data_dir / SERVER_SETTINGS_FILE, data_dir / "postgresql.conf"
    included = _INCLUDE in main.read_text(encoding="utf-8").splitlines()
    if included and target.exists() and target.read_text(encoding="utf-8") == text:
        return False
    owner = data_dir.stat()  # the server's user (pgserver runs it as its own user under root)
    staged = target.with_suffix(".tmp")
    staged.write_text(text, encoding="utf-8")
    os.chown(staged, owner.st_uid, owner.st_gid)
    staged.replace(target)  # a server starting meanwhile reads the old file or the new, never half
    if not included:
        with main.open("a", encoding="utf-8") as conf:
            conf.write(f"\n# newsclean (issue 27): settings for a load\n{_INCLUDE}\n")
    return True


@contextmanager
def _locked(folder: Path) -> Iterator[None]:
    """An exclusive lock on the folder for this process (released when it exits, whatever happens)."""
    handle = os.open(folder, os.O_RDONLY)
    try:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield
    finally:
        os.close(handle)  # closing releases the lock


def _started_with_load_settings(pgserver: Any, data_dir: Path, settings: EmbeddedServerSettings) -> Any:
    """The embedded server, running with the load settings. A server started before they were
    written (or changed) takes those it can at once on a reload (checkpoints) and shared_buffers at
    its next start: it is not restarted under the commands, tests or DAG tasks that use it."""
    values = load_server_settings(settings, machine_memory())
    fresh = not (data_dir / "PG_VERSION").exists()
    changed = not fresh and write_server_settings(data_dir, values)  # before a start, so it reads them
    server = pgserver.get_server(str(data_dir), cleanup_mode=None)
    if fresh:  # initdb made the folder and its first start had PostgreSQL's defaults; nobody uses it yet
        write_server_settings(data_dir, values)
        pgserver.pg_ctl(["-w", "-m", "fast", "-l", str(server.log), "restart"], pgdata=data_dir,
                        user=server.system_user, timeout=60)  # fmt: skip
        server.ensure_postgres_running()  # reads the new postmaster's pid and socket
    elif changed:
        pgserver.pg_ctl(["reload"], pgdata=data_dir, user=server.system_user, timeout=60)
    return server


def database_url(explicit: str | URL | None = None, server_settings: EmbeddedServerSettings | None = None) -> URL:
    """An explicit URL, else DATABASE_URL, else the embedded server (with these settings: see
    embedded_url)."""
    chosen = explicit or os.environ.get(ENV_URL)
    return normalize_url(chosen) if chosen else embedded_url(server_settings=server_settings)


def password_of(url: URL) -> str | None:
    """The password, given in the user-info or as the query parameter password=."""
    given = url.password or url.query.get("password")
    return str(given if isinstance(given, str) else given[-1]) if given else None


def psql_args(url: URL) -> list[str]:
    """psql command line for a URL (password passed through PGPASSWORD, never argv)."""
    args = ["psql"]
    host = url.host or (url.query.get("host") if url.query else None)
    if isinstance(host, tuple):
        host = host[0]
    if host:
        args += ["-h", str(host)]
    if url.port:
        args += ["-p", str(url.port)]
    if url.username:
        args += ["-U", url.username]
    args += ["-d", url.database or "postgres"]
    return args


def create_engine(url: URL, **kwargs: Any) -> sa.Engine:
    return sa.create_engine(url, pool_pre_ping=True, **kwargs)


def rollback(connection: Any) -> None:
    """Roll back unless the connection is already gone (then so is the transaction)."""
    if not connection.closed:
        connection.rollback()


@contextmanager
def raw_connection(engine: sa.Engine) -> Iterator[Any]:
    """A psycopg2 connection from the engine (COPY needs the DBAPI cursor)."""
    connection = engine.raw_connection()
    try:
        yield connection.driver_connection
    finally:
        if connection.driver_connection is not None and connection.driver_connection.closed:
            connection.invalidate()  # the server closed it (a restart): don't hand it out again
        else:
            connection.close()


def ensure_database(url: URL) -> None:
    """CREATE DATABASE url.database if it does not exist (connecting to the server's postgres db)."""
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            exists = connection.execute(
                sa.text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": url.database}
            ).scalar()
            if not exists:
                connection.execute(sa.text(f'CREATE DATABASE "{url.database}"'))
    finally:
        admin.dispose()


def url_from_connection_uri(uri: str) -> URL:
    """A psycopg2 URL from an Airflow connection URI (Connection.get_uri()), extras kept: its
    query parameters (sslmode, ...) or its JSON __extra__ become libpq parameters, and a
    URL-quoted socket directory as host becomes the host parameter."""
    parsed = normalize_url(uri)
    query: dict[str, str | tuple[str, ...]] = dict(parsed.query)
    extra = query.pop("__extra__", None)
    if isinstance(extra, str):
        query.update({key: str(value) for key, value in json.loads(extra).items() if value is not None})
    host = unquote(parsed.host) if parsed.host else None
    if host and host.startswith("/"):
        query["host"] = host
        host = None
    return parsed.set(host=host, query=query)
