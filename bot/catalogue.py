"""The bot's message catalogue: every user-facing text, per language, from bot/messages/*.yaml."""

from __future__ import annotations

from pathlib import Path

from escalation.catalogue import Catalogue, help_lines, load_catalogue

MESSAGES_DIR = Path(__file__).parent / "messages"
HELP_LINES, HELP_LINES_HEADING = "help_lines", "help_lines_heading"


def load_messages(directory: Path = MESSAGES_DIR) -> Catalogue:
    """The catalogue, with escalation's help-line list under the bot's own heading."""
    catalogue = load_catalogue(directory)
    for language, flat in catalogue.texts.items():
        # One source for the numbers: escalation's list, under this catalogue's own heading.
        heading = flat.pop(HELP_LINES_HEADING)
        flat[HELP_LINES] = f"{heading}\n{help_lines(language)}"
    return catalogue
