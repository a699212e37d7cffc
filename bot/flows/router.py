"""The entry points every channel calls: one per kind of user action, each one unit of work."""

from __future__ import annotations

import logging

from bot.flows import account, checkin, enrolment, mood, reminder_settings
from bot.flows.intake import acknowledgement, take_in
from bot.flows.turn import Turn, guess_language_code, run_turn
from bot.flows.types import Identity, Outcome, Reply
from bot.services import Services
from models import Message
from models.enrolment import member_by_telegram_user
from models.message import outgoing_values

log = logging.getLogger(__name__)

# Commands anyone may use, enrolled or not, consented or not.
_OPEN_COMMANDS = {
    "help": account.on_help,
    "privacy": account.on_privacy,
    "language": account.on_language,
}
# Commands for members who have consented.
_MEMBER_COMMANDS = {
    "checkin": checkin.start_checkin,
    "mood": mood.mood_prompt,
    "pause": account.on_pause,
    "resume": account.on_resume,
    "stop": account.on_stop,
    "reminders": reminder_settings.on_reminders,
    "delete": account.on_delete,
}
COMMANDS = ("start", *_OPEN_COMMANDS, *_MEMBER_COMMANDS)


def _gate(turn: Turn) -> Outcome | None:
    """Strangers and people who have not consented get a kind answer and nothing is stored."""
    if turn.member is None or turn.member.consent == "declined":
        return enrolment.not_enrolled(turn)
    if turn.member.consent == "pending":
        return Outcome(
            [Reply(turn.t("consent.pending")), enrolment.consent_notice(turn, turn.member)]
        )
    return None


def handle_start(
    services: Services, who: Identity, code: str | None, update_id: int | None = None
) -> Outcome:
    return run_turn(services, who, update_id, lambda turn: enrolment.on_start(turn, code))


def handle_command(
    services: Services, who: Identity, name: str, update_id: int | None = None
) -> Outcome:
    def body(turn: Turn) -> Outcome:
        if name in _OPEN_COMMANDS:
            return _OPEN_COMMANDS[name](turn)
        if name not in _MEMBER_COMMANDS:
            return Outcome([Reply(turn.t("unsupported.command"))])
        blocked = _gate(turn)
        if blocked is not None:
            return blocked
        return _MEMBER_COMMANDS[name](turn)

    return run_turn(services, who, update_id, body)


def handle_text(
    services: Services,
    who: Identity,
    text: str,
    update_id: int | None = None,
    telegram_message_id: int | None = None,
) -> Outcome:
    def body(turn: Turn) -> Outcome:
        blocked = _gate(turn)
        if blocked is not None:
            return blocked
        for flow in (checkin.on_checkin_text, mood.on_mood_text):
            outcome = flow(turn, text, telegram_message_id)
            if outcome is not None:
                return outcome
        state = turn.state()
        if state is not None:  # e.g. a /delete confirmation left open: writing cancels it
            turn.clear_state()
        intake = take_in(turn, text, telegram_message_id=telegram_message_id)
        return Outcome([Reply(acknowledgement(turn, intake))], deliver_outbox=intake.urgent)

    return run_turn(services, who, update_id, body)


def handle_button(
    services: Services, who: Identity, data: str, update_id: int | None = None
) -> Outcome:
    """Callback data is untrusted: anything unknown, forged or stale gets a kind notice."""

    def body(turn: Turn) -> Outcome:
        prefix, _, rest = data.partition(":")
        if prefix == "l":
            return account.on_language_button(turn, rest)
        if prefix == "c":
            return enrolment.on_consent(turn, rest)
        if turn.member is None or turn.member.consent != "given":
            return Outcome(notice=turn.t("unsupported.stale_button"))
        if prefix == "q":
            return checkin.on_checkin_button(turn, rest.split(":"))
        if prefix == "m":
            return mood.on_mood_button(turn, rest)
        if prefix == "d":
            return account.on_delete_button(turn, rest)
        if prefix == "r":
            return reminder_settings.on_reminders_button(turn, rest)
        if prefix == "go" and rest == "checkin":
            return checkin.start_checkin(turn)
        if prefix == "go" and rest == "mood":
            return mood.mood_prompt(turn)
        return Outcome(notice=turn.t("unsupported.stale_button"))

    return run_turn(services, who, update_id, body)


def handle_unsupported(
    services: Services, who: Identity, kind: str, update_id: int | None = None
) -> Outcome:
    """Stickers, photos, voice ("media") and edited messages ("edited"): a kind answer."""

    def body(turn: Turn) -> Outcome:
        if turn.member is None:
            return enrolment.not_enrolled(turn)
        key = "unsupported.edited" if kind == "edited" else "unsupported.media"
        return Outcome([Reply(turn.t(key))])

    return run_turn(services, who, update_id, body)


def error_reply(services: Services, who: Identity) -> Reply:
    """What a person sees when handling their update failed, in their language if known."""
    reply = Reply(services.catalogue.text(guess_language_code(who.language_code), "error.generic"))
    try:
        with services.session_factory() as session, session.begin():
            member = member_by_telegram_user(session, who.user_id)
            if member is not None:
                reply = Reply(services.catalogue.text(member.language, "error.generic"))
                if member.consent == "given":  # kept like every answer an enrolled member gets
                    session.add(
                        Message(
                            **outgoing_values(
                                family_id=member.family_id,
                                member_id=member.id,
                                text=reply.text,
                                kind="reply",
                                lang=member.language,
                                created_at=services.now(),
                            )
                        )
                    )
    except Exception as error:  # the database itself may be what failed: answer anyway
        log.warning("storing the error reply failed: %s", type(error).__name__)
    return reply
