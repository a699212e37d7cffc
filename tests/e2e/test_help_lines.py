"""The help lines have one source: /help and every safety reply show DESIGN.md's numbers."""

import re

from bot.catalogue import MESSAGES_DIR
from escalation.notify import safety_reply_text
from tests.e2e.conftest import GUARDIAN_ID, enrol, join

# DESIGN.md, "Safety facts": emergency and child-abuse reports, suicide prevention, youth
# counselling, mental-health crisis line.
DESIGN_NUMBERS = ["112", "109", "1388", "1577-0199"]
NUMBER = re.compile(r"(?<![\d-])\d{3,4}(?:-\d{4})?(?![\d-])")


def numbers(text: str) -> list[str]:
    return NUMBER.findall(text)


async def test_help_and_safety_reply_show_the_same_numbers(harness, session_factory):
    await join(harness, enrol(session_factory))
    korean = (await harness.say(GUARDIAN_ID, "/help"))[-1].text
    await harness.say(GUARDIAN_ID, "/language")
    await harness.press(GUARDIAN_ID, "English")
    english = (await harness.say(GUARDIAN_ID, "/help"))[-1].text

    assert numbers(korean) == numbers(safety_reply_text("ko")) == DESIGN_NUMBERS
    assert numbers(english) == numbers(safety_reply_text("en")) == DESIGN_NUMBERS
    # The very lines, not only the numbers: one list, shown by both.
    for language, shown in (("ko", korean), ("en", english)):
        lines = [line for line in safety_reply_text(language).splitlines() if numbers(line)]
        assert "\n".join(lines) in shown


def test_the_bots_catalogue_writes_no_help_line_list_of_its_own():
    # Short urgent notes may say "call 112"; the list itself lives only in escalation.
    for path in MESSAGES_DIR.glob("*.yaml"):
        text = path.read_text(encoding="utf-8")
        assert not [n for n in DESIGN_NUMBERS[1:] if n in text], path
