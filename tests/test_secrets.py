"""Secrets: the database password never appears in what a command prints, whatever the URL form."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline.store.db import normalize_url, password_of, redact, scrub

from .conftest import ROOT

SECRET = "SuperSecret123"
# the tails an unencoded @ or : would cut the password into, so that half a secret is caught too
PIECES = (SECRET, "Secret123", "Super")
URL_FORMS = {
    "user-info": f"postgresql://u:{SECRET}@127.0.0.1:1/x",
    "query-string": f"postgresql://u@127.0.0.1:1/x?password={SECRET}",
    "query-only": f"postgresql:///x?host=127.0.0.1&port=1&user=u&password={SECRET}",
    "unencoded-at": "postgresql://u:Super@Secret123@127.0.0.1:1/x",
    "two-unencoded-at": "postgresql://u:Super@Sec@ret123@127.0.0.1:1/x",
    "encoded-at": "postgresql://u:Super%40Secret123@127.0.0.1:1/x",
    "unencoded-slash-hash-question": "postgresql://u:Super/#?Secret123@127.0.0.1:1/x",
    "sslpassword": f"postgresql://u:{SECRET}@127.0.0.1:1/x?sslpassword={SECRET}",
    "bare-scheme-bad-port": f"postgres://u:{SECRET}@127.0.0.1:abc/x",
}
COMMANDS = {
    "db url": ["db", "url"],
    "db url --json": ["db", "url", "--json"],
    "db migrate": ["db", "migrate"],
    "report": ["report", "--batch", "b1"],
    "run": ["run", "--input", "INPUT", "--batch", "b1", "--workers", "1"],
    "db psql": ["db", "psql", "-c", "select 1"],
}


@pytest.fixture(scope="module")
def batch_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("batch")
    (folder / "story.txt").write_text("The harbor authority said on Monday that the wall would be built.\n")
    return folder


@pytest.mark.parametrize("form", URL_FORMS)
@pytest.mark.parametrize("command", COMMANDS)
def test_no_command_prints_the_password(form: str, command: str, batch_folder: Path) -> None:
    if command == "db psql" and shutil.which("psql") is None:
        pytest.skip("psql is not installed")
    args = [str(batch_folder) if arg == "INPUT" else arg for arg in COMMANDS[command]]
    env = {**os.environ, "DATABASE_URL": URL_FORMS[form], "NEWSCLEAN_DEBUG": ""}
    done = subprocess.run(
        [sys.executable, "-m", "pipeline", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    shown = done.stdout + done.stderr
    assert shown.strip(), "the command printed nothing: the test would pass vacuously"
    assert not [piece for piece in PIECES if piece in shown], shown


@pytest.mark.parametrize(
    ("given", "password", "host"),
    [
        ("postgresql://u:Super@Secret123@db.example:5432/x", "Super@Secret123", "db.example"),
        ("postgresql://u:a@b@c@db.example/x", "a@b@c", "db.example"),
        ("postgresql://u:Super%40Secret123@db.example/x", "Super@Secret123", "db.example"),
        ("postgresql://u:plain@db.example/x?options=-c%20a@b", "plain", "db.example"),
        (f"postgresql://u@db.example/x?password={SECRET}", SECRET, "db.example"),
    ],
)
def test_an_unencoded_at_belongs_to_the_password(given: str, password: str, host: str) -> None:
    url = normalize_url(given)
    assert (password_of(url), url.host) == (password, host)


@pytest.mark.parametrize("form", URL_FORMS.values(), ids=list(URL_FORMS))
def test_scrub_hides_every_spelling_of_the_password(form: str) -> None:
    decoded = "Super" + form.split("Super", 1)[1].split("@127", 1)[0].replace("%40", "@").split("&", 1)[0]
    scrubbed = scrub(f"could not connect with {form} (password {decoded})", form)
    assert "Super" not in scrubbed, scrubbed


def test_redact_keeps_the_rest_of_the_url() -> None:
    shown = redact(f"postgresql+psycopg2://u:{SECRET}@db.example:5432/x?sslmode=require&password={SECRET}")
    assert shown == "postgresql+psycopg2://u:***@db.example:5432/x?password=***&sslmode=require"
