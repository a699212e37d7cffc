"""The console channel: the same conversations as Telegram, in a terminal, without a token."""

from __future__ import annotations

import io
import sys
from collections.abc import Callable
from datetime import timedelta
from typing import TextIO

from sqlalchemy import select

from bot.flows import (
    Button,
    Identity,
    Outcome,
    Reply,
    handle_button,
    handle_command,
    handle_start,
    handle_text,
)
from bot.services import Services
from models import District, Family, Member, OutboxMessage
from models.enrolment import add_district, enrol_family, reissue_invite

# Console people get negative ids, which Telegram never uses for users.
CONSOLE_ID_BASE = -1_000_000
DEMO_DISTRICT = "demo"


def console_identity(family_id: int, role: str) -> Identity:
    user_id = CONSOLE_ID_BASE - family_id * 2 - (1 if role == "child" else 0)
    return Identity(user_id=user_id, chat_id=user_id, language_code="ko")


def ensure_demo_family(services: Services, child_age: int = 9) -> int:
    """The demo district's family, created on first use (real families are never borrowed)."""
    with services.session_factory() as session, session.begin():
        family = session.scalar(
            select(Family)
            .join(District)
            .where(District.code == DEMO_DISTRICT)
            .order_by(Family.id)
            .limit(1)
        )
        if family is not None:
            return family.id
        add_district(session, DEMO_DISTRICT, "Demo district")
        enrolled = enrol_family(
            session,
            district_code=DEMO_DISTRICT,
            child_alias="demo child",
            child_age=child_age,
            now=services.now(),
            invite_ttl=timedelta(hours=services.settings.invite_ttl_hours),
            created_by="console",
        )
        return enrolled.family.id


def join_as(
    services: Services, family_id: int, role: str, out: TextIO
) -> tuple[Identity, list[Reply]]:
    """Bind a console identity to the family's member (consenting for the demo if needed)."""
    who = console_identity(family_id, role)
    with services.session_factory() as session, session.begin():
        family = session.get(Family, family_id)
        if family is None or family.district.code != DEMO_DISTRICT:
            # Speaking (and consenting) for someone is only for the demo, never a real family.
            raise ConsoleError(
                f"family {family_id} is not a demo family (district "
                f"{DEMO_DISTRICT!r}); leave out --family to use the demo"
            )
        member = session.scalar(
            select(Member).where(Member.family_id == family_id, Member.role == role)
        )
        if member is not None and member.telegram_user_id == who.user_id:
            code = None
        elif member is not None and (member.telegram_user_id or 0) > 0:
            raise ConsoleError(f"the {role} of family {family_id} uses Telegram")
        else:
            code = reissue_invite(
                session,
                family,
                role,
                services.now(),
                timedelta(hours=services.settings.invite_ttl_hours),
            ).code
    if code is not None:
        if role == "child" and not _guardian_consented(services, family_id):
            guardian, _ = join_as(services, family_id, "guardian", io.StringIO())
            handle_button(services, guardian, "c:yes")
        return who, show(handle_start(services, who, code), out, _speaker(services))
    return who, []


class ConsoleError(Exception):
    """The console cannot speak for this family member."""


def _guardian_consented(services: Services, family_id: int) -> bool:
    with services.session_factory() as session:
        consent = session.scalar(
            select(Member.consent).where(Member.family_id == family_id, Member.role == "guardian")
        )
        return consent == "given"


def _speaker(services: Services) -> str:
    return services.catalogue.text(None, "console.bot")


def show(outcome: Outcome, out: TextIO, speaker: str = "bot") -> list[Reply]:
    if outcome.notice:
        out.write(f"  ({outcome.notice})\n")
    indent = " " * (len(speaker) + 3)
    for reply in outcome.replies:
        out.write(
            "\n"
            + "\n".join(
                f"{speaker} > {line}" if n == 0 else f"{indent}{line}"
                for n, line in enumerate(reply.text.splitlines())
            )
            + "\n"
        )
        number = 1
        for row in reply.buttons:
            out.write(
                indent
                + "   ".join(f"[{number + i}] {button.label}" for i, button in enumerate(row))
                + "\n"
            )
            number += len(row)
    out.flush()
    return list(outcome.replies)


def show_outbox(services: Services, chat_id: int, out: TextIO) -> list[Reply]:
    """Print what is waiting in the outbox for this console person (safety replies, reminders)."""
    now = services.now()
    with services.session_factory() as session, session.begin():
        rows = list(
            session.scalars(
                select(OutboxMessage)
                .where(
                    OutboxMessage.chat_id == chat_id,
                    OutboxMessage.status == "pending",
                    OutboxMessage.due_at <= now,
                )
                .order_by(OutboxMessage.id)
            )
        )
        replies = []
        for row in rows:
            rows_of_buttons = row.options.get("buttons") or []
            replies.append(
                Reply(
                    row.text,
                    tuple(tuple(Button(b["label"], b["data"]) for b in r) for r in rows_of_buttons),
                )
            )
            row.status, row.sent_at = "sent", now
    return show(Outcome(replies), out, _speaker(services)) if replies else []


def chat(
    services: Services,
    role: str,
    *,
    family_id: int | None = None,
    read: Callable[[], str] | None = None,
    out: TextIO | None = None,
) -> int:
    """A read-eval-print loop: numbers press the buttons of the last message, /quit ends."""
    out = out or sys.stdout
    family_id = family_id or ensure_demo_family(services)
    out.write(
        f"Maeum console — family {family_id}, speaking as the {role}. "
        "Type a message, a number to press a button, /help, or /quit.\n"
    )
    who, opening = join_as(services, family_id, role, out)
    last_buttons: list[str] = []

    def remember(replies: list[Reply]) -> None:
        nonlocal last_buttons
        with_buttons = [r for r in replies if r.buttons]
        if with_buttons:
            last_buttons = [b.data for row in with_buttons[-1].buttons for b in row]

    remember(opening)
    you = services.catalogue.text(None, "console.you")
    read = read or (lambda: input(f"{you} > "))
    while True:
        try:
            line = read().strip()
        except (EOFError, KeyboardInterrupt):
            out.write("\n")
            return 0
        if not line:
            continue
        if line in ("/quit", "/exit"):
            return 0
        if line.isdigit() and 1 <= int(line) <= len(last_buttons):
            outcome = handle_button(services, who, last_buttons[int(line) - 1])
        elif line.startswith("/start"):
            outcome = handle_start(services, who, line.partition(" ")[2].strip() or None)
        elif line.startswith("/"):
            outcome = handle_command(services, who, line[1:].split()[0].split("@")[0])
        else:
            outcome = handle_text(services, who, line)
        remember(show(outcome, out, _speaker(services)))
        remember(show_outbox(services, who.chat_id, out))
