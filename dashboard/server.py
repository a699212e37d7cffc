"""Running the dashboard under uvicorn, on its own or inside the bot's process."""

from typing import TYPE_CHECKING

import uvicorn
from sqlalchemy.orm import Session, sessionmaker

from dashboard.app import create_app
from dashboard.config import DashboardConfig
from models import make_engine, make_session_factory

if TYPE_CHECKING:
    from bot.settings import Settings


def build_server(
    settings: "Settings",
    session_factory: sessionmaker[Session] | None = None,
    *,
    host: str | None = None,
    port: int | None = None,
) -> uvicorn.Server:
    """A uvicorn server for the dashboard; `await server.serve()` runs it in an event loop."""
    if session_factory is None:
        session_factory = make_session_factory(make_engine(settings.database_url))
    app = create_app(session_factory, DashboardConfig.from_settings(settings))
    config = uvicorn.Config(
        app,
        host=host or settings.dashboard_host,
        port=port or settings.dashboard_port,
        log_level="info",
        proxy_headers=settings.cookie_secure,
        access_log=False,
    )
    return uvicorn.Server(config)


def serve(settings: "Settings", *, host: str | None = None, port: int | None = None) -> None:
    """Serve the dashboard until interrupted (`maeum dashboard`)."""
    build_server(settings, host=host, port=port).run()
