"""The bot room's sub-commands: run, chat, family add, district add."""

from __future__ import annotations

import argparse
import json
import logging
import sys
import threading
from datetime import timedelta
from typing import TYPE_CHECKING

from bot.settings import Settings

if TYPE_CHECKING:
    from sqlalchemy.orm import Session, sessionmaker

    from bot.services import Services


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add `run`, `chat`, `family ...` and `district ...` to the `maeum` parser."""
    run = commands.add_parser(
        "run", help="run the Telegram bot (or, without a token, the console and the dashboard)"
    )
    run.add_argument("--no-dashboard", action="store_true", help="do not start the dashboard")
    run.set_defaults(handler=_run)

    chat = commands.add_parser("chat", help="talk to the bot in this terminal, no token needed")
    chat.add_argument("--as", dest="role", choices=("parent", "child"), default="parent")
    chat.add_argument(
        "--family",
        type=int,
        help="a demo family's id (default: the demo family, made on first use)",
    )
    chat.set_defaults(handler=_chat)

    family = commands.add_parser("family", help="families")
    family_commands = family.add_subparsers(dest="family_command", required=True)
    add = family_commands.add_parser("add", help="enrol a family and print its invite links")
    add.add_argument("--district", required=True, help="district code")
    add.add_argument("--child-name", required=True, help="the child's alias (not a real name)")
    add.add_argument("--child-age", required=True, type=int, help="the child's age in years")
    add.add_argument("--json", action="store_true", help="print the links as JSON")
    add.set_defaults(handler=_family_add)

    district = commands.add_parser("district", help="districts")
    district_commands = district.add_subparsers(dest="district_command", required=True)
    dadd = district_commands.add_parser("add", help="add a district (idempotent)")
    dadd.add_argument("--code", required=True)
    dadd.add_argument("--name", default="")
    dadd.add_argument(
        "--officer-chat-id",
        type=int,
        help="Telegram group where this district's officers get urgent cases",
    )
    dadd.set_defaults(handler=_district_add)


def _session_factory(settings: Settings) -> sessionmaker[Session]:
    from models import make_engine, make_session_factory

    return make_session_factory(make_engine(settings.database_url))


def _district_add(args: argparse.Namespace, settings: Settings) -> int:
    from models import session_scope
    from models.enrolment import add_district

    with session_scope(_session_factory(settings)) as session:
        district = add_district(session, args.code, args.name)
        if args.name:
            district.name = args.name
        if args.officer_chat_id is not None:
            district.officer_chat_id = args.officer_chat_id
        print(f"district {district.code} ({district.name}) id={district.id}")
    return 0


def _family_add(args: argparse.Namespace, settings: Settings) -> int:
    from bot.bot_name import bot_name
    from models import session_scope, utcnow
    from models.enrolment import EnrolmentError, enrol_family, invite_link

    name = bot_name(settings)
    if name.fallback_reason:
        print(
            f"{name.fallback_reason}: the links use TELEGRAM_BOT_USERNAME={name.username}",
            file=sys.stderr,
        )
    try:
        with session_scope(_session_factory(settings)) as session:
            enrolled = enrol_family(
                session,
                district_code=args.district,
                child_alias=args.child_name,
                child_age=args.child_age,
                now=utcnow(),
                invite_ttl=timedelta(hours=settings.invite_ttl_hours),
                created_by="cli",
            )
            result = {
                "family_id": enrolled.family.id,
                "district": args.district,
                "expires_at": enrolled.guardian_invite.expires_at.isoformat(),
                "guardian_link": invite_link(name.username, enrolled.guardian_invite.code),
                "child_link": invite_link(name.username, enrolled.child_invite.code),
            }
    except EnrolmentError as error:
        print(f"cannot enrol: {type(error).__name__}: {error}", file=sys.stderr)
        return 1
    if args.json:
        print(json.dumps(result))
    else:
        print(
            f"family {result['family_id']} enrolled in {result['district']}; "
            f"links expire {result['expires_at']}"
        )
        print(f"  guardian (send first): {result['guardian_link']}")
        print(f"  child (after the guardian agreed): {result['child_link']}")
    return 0


def _chat(args: argparse.Namespace, settings: Settings) -> int:
    from bot.analysis import ClassifierUnavailable
    from bot.composition import build_services
    from bot.console import ConsoleError, chat
    from models.migrate import upgrade

    upgrade(settings.database_url)  # a fresh clone works without `maeum db upgrade` first
    try:
        services = build_services(settings)
    except ClassifierUnavailable as error:
        print(f"maeum: {error}", file=sys.stderr)
        return 2
    role = "guardian" if args.role == "parent" else "child"
    try:
        return chat(services, role, family_id=args.family)
    except ConsoleError as error:
        print(error, file=sys.stderr)
        return 1


def _run(args: argparse.Namespace, settings: Settings) -> int:
    from bot.analysis import ClassifierUnavailable
    from bot.composition import build_services
    from models.migrate import upgrade

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    logging.getLogger("httpx").setLevel(logging.WARNING)  # its log lines carry the bot token
    # PTB's DEBUG output contains whole updates (message text): never below INFO.
    logging.getLogger("telegram").setLevel(logging.INFO)
    logging.getLogger("apscheduler").setLevel(logging.WARNING)  # a line per job run otherwise
    upgrade(settings.database_url)
    try:
        services = build_services(settings)
    except ClassifierUnavailable as error:
        print(f"maeum: {error}", file=sys.stderr)
        return 2
    if settings.telegram_bot_token and not args.no_dashboard:
        from bot.bot_name import with_bot_name

        settings = with_bot_name(settings)  # the dashboard's invite links name this bot
    dashboard = None if args.no_dashboard else _start_dashboard(settings, services)
    if settings.telegram_bot_token:
        return _run_bot(services)
    print(
        "TELEGRAM_BOT_TOKEN is not set, so the Telegram bot is off.\n"
        "Starting what works without it: the console channel"
        + (" and the officers' dashboard." if dashboard else ".")
    )
    if sys.stdin.isatty():
        from bot.console import ConsoleError, chat, ensure_demo_family

        family_id = ensure_demo_family(services)
        print(
            f"You are the parent of demo family {family_id}. Try /checkin; "
            "`maeum chat --as child` talks as the child.\n"
        )
        try:
            return chat(services, "guardian", family_id=family_id)
        except ConsoleError as error:
            print(error, file=sys.stderr)
            return 1
    if dashboard is not None:
        print("No terminal attached: serving the dashboard until stopped (Ctrl-C).")
        dashboard.join()
        return 0
    print("No terminal attached; run `maeum chat --as parent` in a terminal.")
    return 0


def _run_bot(services: Services) -> int:
    from telegram import Update

    from bot.app import build_application

    settings = services.settings
    application = build_application(services)
    if settings.webhook_url:
        application.run_webhook(
            listen=settings.webhook_listen,
            port=settings.webhook_port,
            url_path="telegram",
            webhook_url=settings.webhook_url.rstrip("/") + "/telegram",
            secret_token=settings.webhook_secret,
            allowed_updates=Update.ALL_TYPES,
        )
    else:
        application.run_polling(allowed_updates=Update.ALL_TYPES)
    return 0


def _start_dashboard(settings: Settings, services: Services) -> threading.Thread | None:
    """The officers' dashboard (dashboard room) in a background thread, when it is installed."""
    try:
        import dashboard
        from dashboard.accounts import ensure_first_admin
    except ImportError:
        return None
    password = ensure_first_admin(services.session_factory)
    thread = threading.Thread(
        target=dashboard.serve, args=(settings,), daemon=True, name="dashboard"
    )
    thread.start()
    print(f"Officers' dashboard: {settings.public_dashboard_url()}")
    if password:
        print(f"  first login: admin / {password}  (you will be asked to change it)")
    return thread
