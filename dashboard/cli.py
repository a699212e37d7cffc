"""The dashboard's sub-commands: `maeum officer add` and `maeum dashboard`."""

import argparse
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.settings import Settings


def register(commands: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    officer = commands.add_parser("officer", help="officer accounts")
    officer_commands = officer.add_subparsers(dest="officer_command", required=True)
    add = officer_commands.add_parser("add", help="create an officer account")
    add.add_argument("--username", required=True)
    add.add_argument("--district", help="district code (admins may have none)")
    add.add_argument("--role", choices=("officer", "supervisor", "admin"), default="officer")
    add.add_argument("--telegram-user-id", type=int, default=None)
    add.add_argument("--display-name", default="")
    add.add_argument(
        "--password-stdin",
        action="store_true",
        help="read the password from stdin instead of printing a one-time one",
    )
    add.set_defaults(handler=officer_add)

    dashboard = commands.add_parser("dashboard", help="serve the officers' web dashboard")
    dashboard.add_argument("--host", default=None)
    dashboard.add_argument("--port", type=int, default=None)
    dashboard.set_defaults(handler=run_dashboard)


def officer_add(args: argparse.Namespace, settings: "Settings") -> int:
    from dashboard.accounts import OfficerExists, UnknownDistrict, create_officer
    from dashboard.passwords import new_password
    from models import make_engine, make_session_factory

    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\n")
        if len(password) < 10:
            print("the password must have at least 10 characters", file=sys.stderr)
            return 2
    else:
        password = new_password()
    engine = make_engine(settings.database_url)
    try:
        with make_session_factory(engine)() as session:
            officer = create_officer(
                session,
                args.username,
                args.role,
                args.district,
                password,
                telegram_user_id=args.telegram_user_id,
                display_name=args.display_name,
                must_change_password=not args.password_stdin,
            )
    except UnknownDistrict:
        print(f"no district with code {args.district!r}; add it first", file=sys.stderr)
        return 2
    except OfficerExists:
        print(f"an officer named {args.username!r} already exists", file=sys.stderr)
        return 2
    except ValueError as error:
        print(str(error), file=sys.stderr)
        return 2
    finally:
        engine.dispose()
    print(f"officer {officer.username} ({officer.role}) created")
    if not args.password_stdin:
        print(f"one-time password: {password}")
    return 0


def run_dashboard(args: argparse.Namespace, settings: "Settings") -> int:
    from dashboard.server import serve

    host = args.host or settings.dashboard_host
    port = args.port or settings.dashboard_port
    print(f"Maeum dashboard on http://{host}:{port}")
    serve(settings, host=host, port=port)
    return 0
