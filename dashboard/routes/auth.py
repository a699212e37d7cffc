"""Login, logout, the password change and the language switch."""

import hashlib
import hmac
import secrets
from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from dashboard.accounts import (
    MIN_PASSWORD_LENGTH,
    InvalidCredentials,
    LoginThrottled,
    ThrottlePolicy,
    WeakPassword,
    authenticate,
    change_password,
    close_session,
    open_session,
    set_language,
)
from dashboard.deps import (
    SESSION_COOKIE,
    CheckedOfficer,
    Config,
    CsrfFailed,
    Db,
    Officer,
    client_ip,
)
from dashboard.paths import safe_path
from dashboard.rendering import LANGUAGE_COOKIE, pages
from escalation.catalogue import LANGUAGES

router = APIRouter()
LOGIN_CSRF_COOKIE = "maeum_login_csrf"


def _login_token(secret_key: str, nonce: str) -> str:
    """The login form's CSRF token: the cookie's nonce signed with the secret key, so a
    cookie planted by someone else (e.g. from a sibling domain) cannot be paired with a form."""
    return hmac.new(secret_key.encode(), nonce.encode(), hashlib.sha256).hexdigest()


def _login_page(
    request: Request,
    status_code: int = 200,
    error: str | None = None,
    next_path: str = "/queue",
    language: str | None = None,
) -> HTMLResponse:
    config = request.app.state.config
    nonce = secrets.token_urlsafe(32)
    response = pages(request).render(
        request,
        "login.html",
        None,
        status_code=status_code,
        language=language,
        error=error,
        next_path=safe_path(next_path),
        csrf_token=_login_token(config.secret_key, nonce),
    )
    response.set_cookie(
        LOGIN_CSRF_COOKIE,
        nonce,
        httponly=True,
        samesite="lax",
        secure=config.cookie_secure,
        path="/login",
    )
    response.headers["Cache-Control"] = "no-store"
    return response


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request, next: str = "/queue", lang: str | None = None) -> Response:
    chosen = lang if lang in LANGUAGES else None
    response = _login_page(request, next_path=next, language=chosen)
    if chosen:
        response.set_cookie(LANGUAGE_COOKIE, chosen, samesite="lax", max_age=365 * 24 * 3600)
    return response


@router.post("/login")
def login(
    request: Request,
    db: Db,
    config: Config,
    username: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
    csrf_token: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = "/queue",
) -> Response:
    nonce = request.cookies.get(LOGIN_CSRF_COOKIE, "")
    expected = _login_token(config.secret_key, nonce)
    if not nonce or not secrets.compare_digest(expected, csrf_token):
        raise CsrfFailed()
    policy = ThrottlePolicy(
        window=timedelta(minutes=config.login_window_minutes),
        max_failures_per_username=config.login_max_failures_per_username,
        max_failures_per_ip=config.login_max_failures_per_ip,
    )
    try:
        officer = authenticate(db, username, password, client_ip(request), policy)
    except LoginThrottled:
        return _login_page(request, 429, "login.throttled", next)
    except InvalidCredentials:
        return _login_page(request, 401, "login.invalid", next)
    chosen = request.cookies.get(LANGUAGE_COOKIE)
    if chosen in LANGUAGES and chosen != officer.language:
        # The language picked on the login page is the officer's latest explicit choice.
        set_language(db, officer.id, chosen)
    token = open_session(db, officer.id, client_ip(request), timedelta(hours=config.session_hours))
    response = RedirectResponse(safe_path(next), status_code=303)
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=config.session_hours * 3600,
        httponly=True,
        samesite="lax",
        secure=config.cookie_secure,
    )
    response.delete_cookie(LOGIN_CSRF_COOKIE, path="/login")
    return response


@router.post("/logout")
def logout(request: Request, db: Db, officer: CheckedOfficer) -> Response:
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        close_session(db, token)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE)
    return response


@router.post("/language")
def change_language(
    request: Request,
    db: Db,
    officer: CheckedOfficer,
    language: Annotated[str, Form()] = "ko",
    back: Annotated[str, Form()] = "/queue",
) -> Response:
    if language in LANGUAGES:
        set_language(db, officer.id, language)
    response = RedirectResponse(safe_path(back), status_code=303)
    response.set_cookie(LANGUAGE_COOKIE, language, samesite="lax", max_age=365 * 24 * 3600)
    return response


@router.get("/account/password", response_class=HTMLResponse)
def password_form(request: Request, officer: Officer) -> HTMLResponse:
    return pages(request).render(request, "password.html", officer, section="account")


@router.post("/account/password")
def password_change(
    request: Request,
    db: Db,
    officer: CheckedOfficer,
    current: Annotated[str, Form()] = "",
    new: Annotated[str, Form()] = "",
    repeat: Annotated[str, Form()] = "",
) -> Response:
    error = None
    if new != repeat:
        error = "password.mismatch"
    else:
        try:
            change_password(db, officer.id, officer.session_id, current, new)
        except WeakPassword:
            error = "password.weak"
        except InvalidCredentials:
            error = "password.wrong"
    if error:
        return pages(request).render(
            request,
            "password.html",
            officer,
            status_code=422,
            section="account",
            error=error,
            min_length=MIN_PASSWORD_LENGTH,
        )
    return RedirectResponse("/queue?notice=password_changed", status_code=303)
