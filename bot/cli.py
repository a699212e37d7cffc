"""The `maeum` command line: one entry point, each room registers its own sub-commands."""

import argparse
import os
import sys
from collections.abc import Callable, Sequence

from bot.settings import Settings, load_settings

Handler = Callable[[argparse.Namespace, Settings], int]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="maeum", description="Maeum: weekly listening for families."
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    db = commands.add_parser("db", help="database migrations")
    db_commands = db.add_subparsers(dest="db_command", required=True)
    upgrade = db_commands.add_parser("upgrade", help="apply all migrations")
    upgrade.set_defaults(handler=_db_upgrade)

    _register_rooms(commands)
    return parser


def _register_rooms(commands: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    """Each room adds its sub-commands; imports are local so `maeum db upgrade` stays fast."""
    from bot import commands as bot_commands

    bot_commands.register(commands)
    _register_nlp(commands)
    try:
        from escalation import cli as escalation_cli
    except ImportError:  # room not built yet
        pass
    else:
        escalation_cli.register(commands)
    try:
        from dashboard import cli as dashboard_cli
    except ImportError:  # room not built yet
        pass
    else:
        dashboard_cli.register(commands)


def _register_nlp(commands: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    try:
        from nlp import cli as nlp_cli
    except ImportError:  # room not built yet
        return

    analyze = commands.add_parser("analyze", help="analyse JSON Lines messages from stdin")
    nlp_cli.add_analyze_arguments(analyze)
    analyze.set_defaults(handler=_analyze)
    train = commands.add_parser("train", help="train the classifier")
    nlp_cli.add_train_arguments(train)
    train.set_defaults(handler=lambda args, _settings: nlp_cli.run_train(args))
    evaluate = commands.add_parser("evaluate", help="evaluate the classifier")
    nlp_cli.add_evaluate_arguments(evaluate)
    evaluate.set_defaults(handler=lambda args, _settings: nlp_cli.run_evaluate(args))


def _analyze(args: argparse.Namespace, settings: Settings) -> int:
    from nlp import cli as nlp_cli

    escalate = None
    try:
        from escalation import message_escalator
    except ImportError:
        pass
    else:
        escalate = message_escalator(settings.rules_path)
    return int(nlp_cli.run_analyze(args, sys.stdin, sys.stdout, escalate=escalate) or 0)


def _db_upgrade(_args: argparse.Namespace, settings: Settings) -> int:
    from models.migrate import upgrade

    upgrade(settings.database_url)
    print("database is up to date")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    args = build_parser().parse_args(argv)
    settings = load_settings()
    if settings.model_dir is not None:
        os.environ.setdefault("MAEUM_MODEL_DIR", str(settings.model_dir))
    handler: Handler = args.handler
    return handler(args, settings)


if __name__ == "__main__":
    raise SystemExit(main())
