"""The app factory: builds the FastAPI application from a session factory and its config."""

from pathlib import Path
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from sqlalchemy.orm import Session, sessionmaker
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from dashboard.config import DashboardConfig
from dashboard.deps import CsrfFailed, Forbidden, NotSignedIn, Officer
from dashboard.errors import NotFound
from dashboard.rendering import I18N_DIR, Pages
from dashboard.routes import auth, cases, families, officers, overview, queue
from escalation.catalogue import load_catalogue

STATIC_DIR = Path(__file__).resolve().parent / "static"
SECURITY_HEADERS = [
    (b"x-frame-options", b"DENY"),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
    (
        b"content-security-policy",
        b"default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
        b"form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    ),
]


class SecurityHeaders:
    """Adds the headers every page should carry (no framing, no sniffing, own assets only)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = list(message.get("headers", [])) + SECURITY_HEADERS
            await send(message)

        await self.app(scope, receive, send_with_headers)


def create_app(session_factory: sessionmaker[Session], config: DashboardConfig) -> FastAPI:
    app = FastAPI(title="Maeum", docs_url=None, redoc_url=None, openapi_url=None)
    app.state.session_factory = session_factory
    app.state.config = config
    app.state.pages = Pages(config, load_catalogue(I18N_DIR))
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    for module in (auth, queue, cases, families, overview, officers):
        app.include_router(module.router)
    _add_error_pages(app)
    app.add_middleware(SecurityHeaders)
    return app


def _wants_html(request: Request) -> bool:
    return request.headers.get("x-requested-with") != "fetch"


def _error_page(request: Request, status_code: int, key: str) -> Response:
    pages: Pages = request.app.state.pages
    officer = getattr(request.state, "officer", None)
    if not _wants_html(request):
        return Response(status_code=status_code)
    return pages.render(request, "error.html", officer, status_code=status_code, message=key)


def _add_error_pages(app: FastAPI) -> None:
    async def not_signed_in(request: Request, _error: Exception) -> Response:
        if not _wants_html(request):
            return Response(status_code=401)
        target = request.url.path if request.method == "GET" else "/queue"
        return RedirectResponse(f"/login?next={quote(target)}", status_code=303)

    async def csrf_failed(request: Request, _error: Exception) -> Response:
        return _error_page(request, 403, "error.csrf")

    async def forbidden(request: Request, _error: Exception) -> Response:
        return _error_page(request, 403, "error.forbidden")

    async def not_found(request: Request, _error: Exception) -> Response:
        return _error_page(request, 404, "error.not_found")

    async def invalid(request: Request, _error: Exception) -> Response:
        # A hand-edited URL or form (page=abc): a kind page, not FastAPI's JSON.
        return _error_page(request, 422, "error.invalid")

    app.add_exception_handler(NotSignedIn, not_signed_in)
    app.add_exception_handler(CsrfFailed, csrf_failed)
    app.add_exception_handler(Forbidden, forbidden)
    app.add_exception_handler(NotFound, not_found)
    app.add_exception_handler(RequestValidationError, invalid)

    @app.get("/", include_in_schema=False)
    def home(_officer: Officer) -> RedirectResponse:
        return RedirectResponse("/queue", status_code=303)
