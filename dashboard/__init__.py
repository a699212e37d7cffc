"""The officers' web dashboard: FastAPI app factory, server, first-admin bootstrap."""

from dashboard.accounts import ensure_first_admin
from dashboard.app import create_app
from dashboard.config import DashboardConfig
from dashboard.server import build_server, serve

__all__ = ["DashboardConfig", "build_server", "create_app", "ensure_first_admin", "serve"]
