"""The dashboard room's boundaries: only it speaks FastAPI; it builds from Settings alone."""

import ast
from pathlib import Path

from bot.settings import Settings
from dashboard import DashboardConfig, build_server

ROOT = Path(__file__).resolve().parents[2]
ROOMS = ("bot", "models", "escalation", "questionnaires", "nlp")


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module.split(".")[0])
    return names


def test_nothing_outside_the_dashboard_imports_fastapi_or_starlette() -> None:
    offenders = [
        str(path.relative_to(ROOT))
        for room in ROOMS
        for path in (ROOT / room).rglob("*.py")
        if _imports(path) & {"fastapi", "starlette"}
    ]
    assert offenders == []


def test_the_server_is_built_from_settings(sqlite_url: str) -> None:
    settings = Settings(
        DATABASE_URL=sqlite_url,
        MAEUM_DASHBOARD_PORT=8123,
        MAEUM_COOKIE_SECURE=True,
        TELEGRAM_BOT_USERNAME="SomeBot",
    )
    server = build_server(settings)
    assert (server.config.host, server.config.port) == ("127.0.0.1", 8123)
    config: DashboardConfig = server.config.app.state.config
    assert config.cookie_secure and config.bot_username == "SomeBot"
    assert config.secret_key  # a random one when none is configured
