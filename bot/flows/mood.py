"""The child's mood check-in: emoji buttons by age band, then an invitation to say more."""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

from bot.flows.intake import acknowledgement, severity_of, take_in
from bot.flows.turn import Turn
from bot.flows.types import Button, Outcome, Reply, buttons
from models import MoodCheckin
from questionnaires import iso_week

MOODS = ("happy", "calm", "sad", "angry", "scared", "tired")
FLOW = "mood_followup"


def age_band(age: int) -> str:
    """3-6: emoji only (a parent reads aloud); 7-12: emoji, then an invitation; 13+: free text."""
    if age <= 6:
        return "young"
    if age <= 12:
        return "middle"
    return "teen"


def _local_today(turn: Turn) -> date:
    return turn.now.astimezone(ZoneInfo(turn.services.settings.timezone)).date()


def child_band(turn: Turn) -> str:
    assert turn.member is not None
    return age_band(turn.member.family.child_age(_local_today(turn)))


def mood_prompt(turn: Turn) -> Outcome:
    member = turn.member
    assert member is not None
    if member.role != "child":
        return Outcome([Reply(turn.t("mood.child_only"))])
    labels = [Button(turn.t(f"mood.labels.{mood}"), f"m:{mood}") for mood in MOODS]
    return Outcome(
        [Reply(turn.t(f"mood.prompt_{child_band(turn)}"), buttons(labels[:3], labels[3:]))]
    )


def on_mood_button(turn: Turn, choice: str) -> Outcome:
    member = turn.member
    if member is None or member.consent != "given" or member.role != "child":
        return Outcome(notice=turn.t("unsupported.stale_button"))
    if choice == "done":
        turn.clear_state()
        return Outcome([Reply(turn.t("mood.ok_later"), replace=True)])
    if choice not in MOODS:
        return Outcome(notice=turn.t("unsupported.stale_button"))
    checkin = MoodCheckin(
        member_id=member.id,
        family_id=member.family_id,
        mood=choice,
        week=iso_week(turn.now, turn.services.settings.timezone),
        created_at=turn.now,
    )
    turn.session.add(checkin)
    turn.session.flush()
    outcome = turn.services.escalate_checkin(turn.session, checkin, turn.now)
    deliver = severity_of(outcome) is not None
    reply = turn.t(f"mood.reply.{choice}")
    if child_band(turn) == "young":
        turn.clear_state()
        return Outcome([Reply(reply, replace=True)], deliver_outbox=deliver)
    turn.set_state(FLOW, "note", {"checkin_id": checkin.id})
    return Outcome(
        [
            Reply(reply, replace=True),
            Reply(turn.t("mood.ask_more"), buttons([Button(turn.t("mood.no_thanks"), "m:done")])),
        ],
        deliver_outbox=deliver,
    )


def on_mood_text(turn: Turn, text: str, telegram_message_id: int | None) -> Outcome | None:
    """The child's answer to "do you want to tell me what happened?"."""
    state = turn.state()
    if state is None or state.flow != FLOW:
        return None
    checkin = turn.session.get(MoodCheckin, state.data.get("checkin_id"))
    intake = take_in(turn, text, kind="mood_note", telegram_message_id=telegram_message_id)
    if checkin is not None and checkin.member_id == intake.message.member_id:
        checkin.message_id = intake.message.id
    turn.clear_state()
    text_reply = acknowledgement(turn, intake) if intake.urgent else turn.t("mood.note_thanks")
    return Outcome([Reply(text_reply)], deliver_outbox=intake.urgent)
