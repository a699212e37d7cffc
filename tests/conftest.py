"""Shared fixtures: a migrated database per test (SQLite file, or PostgreSQL when configured).

Set MAEUM_TEST_POSTGRES_URL (e.g. postgresql+psycopg://maeum:maeum@127.0.0.1:5432/maeum) to run
every database test on PostgreSQL instead of SQLite; CI runs the suite both ways.
"""

import os
import shutil
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker

from models import make_engine, make_session_factory
from models.migrate import upgrade

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

POSTGRES_URL = os.environ.get("MAEUM_TEST_POSTGRES_URL")
ARTIFACTS_DIR = Path(__file__).resolve().parent.parent / "test-artifacts"


@pytest.fixture(scope="session")
def _sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "template.sqlite3"
    upgrade(f"sqlite:///{path}")
    return path


@pytest.fixture(scope="session")
def _postgres_template() -> Iterator[str]:
    assert POSTGRES_URL
    # Unique per test session, so two runs against one server never collide.
    template = f"maeum_test_template_{uuid.uuid4().hex[:8]}"
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{template}"'))
    upgrade(make_url(POSTGRES_URL).set(database=template).render_as_string(hide_password=False))
    with admin.connect() as connection:
        # No connections, so no autovacuum worker either: CREATE DATABASE ... TEMPLATE
        # refuses a template that anyone is connected to.
        connection.execute(text(f'ALTER DATABASE "{template}" WITH ALLOW_CONNECTIONS false'))
    yield template
    _drop_postgres_database(admin, template)
    admin.dispose()


def _drop_postgres_database(admin: Engine, name: str) -> None:
    """Drop a test database, ending any connection a test left open.

    WITH (FORCE) refuses when an autovacuum worker happens to be in the database (the
    role may not signal it); a plain DROP cancels autovacuum itself, so retry with that.
    """
    for attempt in range(20):
        force = "" if attempt % 2 else " WITH (FORCE)"
        try:
            with admin.connect() as connection:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}"{force}'))
            return
        except DBAPIError:
            if attempt == 19:
                raise
            time.sleep(0.25)


def _fresh_postgres_database(template: str) -> Iterator[str]:
    assert POSTGRES_URL
    name = f"maeum_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{template}"'))
    try:
        yield make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        _drop_postgres_database(admin, name)
        admin.dispose()


@pytest.fixture
def sqlite_url(_sqlite_template: Path, tmp_path: Path) -> str:
    """A migrated SQLite file of this test's own."""
    path = tmp_path / "maeum.sqlite3"
    shutil.copyfile(_sqlite_template, path)
    return f"sqlite:///{path}"


@pytest.fixture
def postgres_url(request: pytest.FixtureRequest) -> Iterator[str]:
    """A migrated PostgreSQL database of this test's own (needs MAEUM_TEST_POSTGRES_URL)."""
    if not POSTGRES_URL:
        pytest.skip("MAEUM_TEST_POSTGRES_URL is not set (CI sets it)")
    template = request.getfixturevalue("_postgres_template")
    yield from _fresh_postgres_database(template)


@pytest.fixture
def database_url(request: pytest.FixtureRequest) -> str:
    """The database every ordinary test uses: PostgreSQL when configured, else SQLite."""
    if POSTGRES_URL:
        return str(request.getfixturevalue("postgres_url"))
    return str(request.getfixturevalue("sqlite_url"))


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def session_factory(engine: Engine) -> sessionmaker[Session]:
    return make_session_factory(engine)


@pytest.fixture
def artifacts_dir() -> Path:
    """Where tests save screenshots and logs for people to look at."""
    ARTIFACTS_DIR.mkdir(exist_ok=True)
    return ARTIFACTS_DIR
