"""The bot room's sub-commands: run, chat, family, district (filled in by the bot issue)."""

import argparse


def register(commands: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    """Add `run`, `chat`, `family ...` and `district ...` to the `maeum` parser."""
