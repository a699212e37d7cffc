"""Dashboard fixtures: the app on a freshly migrated database with two districts of data."""

from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from dashboard import DashboardConfig, create_app
from tests.dashboard.world import World, build_world


@pytest.fixture
def config() -> DashboardConfig:
    return DashboardConfig(secret_key="test-secret", bot_username="MaeumTestBot")


@pytest.fixture
def world(session_factory: sessionmaker[Session]) -> World:
    return build_world(session_factory)


@pytest.fixture
def app(session_factory: sessionmaker[Session], config: DashboardConfig, world: World) -> FastAPI:
    return create_app(session_factory, config)


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app) as client:
        yield client
