"""Help, privacy, language, reminder settings (/pause, /resume, /stop) and /delete."""

from __future__ import annotations

from bot.flows.turn import Turn
from bot.flows.types import Button, Outcome, Reply, buttons
from bot.reminders import cancel_reminders
from escalation.catalogue import LANGUAGES
from models.enrolment import delete_member_data

DELETE_FLOW = "delete"


def on_help(turn: Turn) -> Outcome:
    member = turn.member
    if member is None or member.consent != "given":
        return Outcome([Reply(f"{turn.t('help.stranger')}\n\n{turn.t('help_lines')}")])
    key = "help.child" if member.role == "child" else "help.guardian"
    return Outcome([Reply(f"{turn.t(key)}\n\n{turn.t('help_lines')}")])


def on_privacy(turn: Turn) -> Outcome:
    return Outcome([Reply(turn.t("privacy.text"))])


def on_language(turn: Turn) -> Outcome:
    return Outcome(
        [
            Reply(
                turn.t("language.choose"),
                buttons([Button("한국어", "l:ko"), Button("English", "l:en")]),
            )
        ]
    )


def on_language_button(turn: Turn, language: str) -> Outcome:
    if language not in LANGUAGES:
        return Outcome(notice=turn.t("unsupported.stale_button"))
    if turn.member is not None:
        turn.member.language = language
    return Outcome([Reply(turn.services.catalogue.text(language, "language.set"), replace=True)])


def on_pause(turn: Turn) -> Outcome:
    assert turn.member is not None
    turn.member.paused = True
    return Outcome([Reply(turn.t("settings.paused"))])


def on_resume(turn: Turn) -> Outcome:
    assert turn.member is not None
    turn.member.paused = False
    turn.member.stopped = False
    return Outcome([Reply(turn.t("settings.resumed"))])


def on_stop(turn: Turn) -> Outcome:
    assert turn.member is not None
    turn.member.stopped = True
    cancel_reminders(turn.session, turn.member.id)
    return Outcome([Reply(turn.t("settings.stopped"))])


def on_delete(turn: Turn) -> Outcome:
    turn.set_state(DELETE_FLOW, "confirm")
    return Outcome(
        [
            Reply(
                turn.t("delete.confirm"),
                buttons(
                    [
                        Button(turn.t("delete.confirm_yes"), "d:yes"),
                        Button(turn.t("delete.confirm_no"), "d:no"),
                    ]
                ),
            )
        ]
    )


def on_delete_button(turn: Turn, choice: str) -> Outcome:
    state = turn.state()
    if turn.member is None or state is None or state.flow != DELETE_FLOW:
        return Outcome(notice=turn.t("unsupported.stale_button"))
    if choice == "no":
        turn.clear_state()
        return Outcome([Reply(turn.t("delete.cancelled"), replace=True)])
    if choice != "yes":
        return Outcome(notice=turn.t("unsupported.stale_button"))
    done = turn.t("delete.done")
    delete_member_data(turn.session, turn.member, turn.now)
    turn.member = None
    return Outcome([Reply(done, replace=True)])
