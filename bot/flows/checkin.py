"""The guardian's weekly check-in: one item at a time, with progress, back, pause and resume."""

from __future__ import annotations

from bot.flows.intake import acknowledgement, take_in
from bot.flows.turn import Turn
from bot.flows.types import Button, Outcome, Reply, buttons
from models import QuestionnaireResponse
from questionnaires import (
    InvalidAnswer,
    Item,
    ResponseClosed,
    StaleAnswer,
    finish,
    go_back,
    iso_week,
    next_item,
    record_answer,
    start_or_resume,
)

FLOW = "questionnaire"


def render_item(
    turn: Turn, response: QuestionnaireResponse, item: Item, *, replace: bool = False
) -> Reply:
    instrument = turn.services.guardian_instrument
    progress = turn.t(
        "checkin.progress", position=instrument.position(item.id), count=len(instrument.items)
    )
    prefix = f"q:{response.id}"
    controls = [
        Button(turn.t("checkin.back"), f"{prefix}:back"),
        Button(turn.t("checkin.pause"), f"{prefix}:pause"),
    ]
    if item.is_rated:
        rows = [
            [Button(f"{value} {label.get(turn.language)}", f"{prefix}:{item.id}:{value}")]
            for value, label in sorted(instrument.scale.labels.items())
        ]
        text = f"{progress}  {item.text.get(turn.language)}"
    else:
        rows = [[Button(turn.t("checkin.skip"), f"{prefix}:{item.id}:skip")]]
        text = f"{progress}  " + turn.t(
            "checkin.free_text_prompt", text=item.text.get(turn.language)
        )
    return Reply(text, buttons(*rows, controls), replace=replace)


def _current(turn: Turn) -> QuestionnaireResponse | None:
    state = turn.state()
    if state is None or state.flow != FLOW:
        return None
    response = turn.session.get(QuestionnaireResponse, state.data.get("response_id"))
    if (
        response is None
        or response.member_id != turn.member.id
        or response.status != "in_progress"
        or response.week != iso_week(turn.now, turn.services.settings.timezone)
    ):
        turn.clear_state()
        return None
    return response


def start_checkin(turn: Turn) -> Outcome:
    member = turn.member
    assert member is not None
    if member.role != "guardian":
        return Outcome([Reply(turn.t("checkin.guardian_only"))])
    instrument = turn.services.guardian_instrument
    week = iso_week(turn.now, turn.services.settings.timezone)
    response = start_or_resume(turn.session, member, instrument, week, turn.now)
    if response.status == "completed":
        return Outcome([Reply(turn.t("checkin.already_done"))])
    item = next_item(instrument, response)
    if item is None:  # every item answered but not finished (e.g. crash right before)
        return _finish(turn, response, replace=False)
    turn.set_state(FLOW, item.id, {"response_id": response.id})
    if response.answers:
        opening = Reply(turn.t("checkin.resume"))
    else:
        opening = Reply(
            turn.t(
                "checkin.intro",
                title=instrument.title.get(turn.language),
                intro=instrument.intro.get(turn.language),
            )
        )
    return Outcome([opening, render_item(turn, response, item)])


def on_checkin_button(turn: Turn, parts: list[str]) -> Outcome:
    """Callback data q:<response>:<item>:<value|skip> or q:<response>:back|pause."""
    stale = Outcome(notice=turn.t("unsupported.stale_button"))
    member = turn.member
    if member is None or member.consent != "given" or len(parts) not in (2, 3):
        return stale
    try:
        response = turn.session.get(QuestionnaireResponse, int(parts[0]))
    except ValueError:
        return stale
    if response is None or response.member_id != member.id:
        return stale
    if response.status != "in_progress":
        return Outcome(notice=turn.t("checkin.already_done"))
    if response.week != iso_week(turn.now, turn.services.settings.timezone):
        # Last week's unfinished check-in stays as it is; this week's starts instead.
        outcome = start_checkin(turn)
        outcome.notice = turn.t("unsupported.stale_button")
        return outcome
    instrument = turn.services.guardian_instrument
    try:
        if len(parts) == 2:
            return _control(turn, response, parts[1])
        item_id, raw = parts[1], parts[2]
        if raw == "skip":
            record_answer(turn.session, instrument, response, item_id, text=None, now=turn.now)
        else:
            record_answer(turn.session, instrument, response, item_id, value=int(raw), now=turn.now)
    except (StaleAnswer, InvalidAnswer, ResponseClosed, ValueError, KeyError):
        outcome = _show_current(turn, response)
        outcome.notice = turn.t("unsupported.stale_button")
        return outcome
    return _advance(turn, response, replace=True)


def _control(turn: Turn, response: QuestionnaireResponse, action: str) -> Outcome:
    instrument = turn.services.guardian_instrument
    if action == "pause":
        turn.set_state(FLOW, "paused", {"response_id": response.id})
        return Outcome([Reply(turn.t("checkin.paused"), replace=True)])
    if action == "back":
        item = go_back(turn.session, instrument, response)
        if item is None:
            return Outcome(notice=turn.t("checkin.nothing_to_undo"))
        turn.set_state(FLOW, item.id, {"response_id": response.id})
        return Outcome([render_item(turn, response, item, replace=True)])
    raise KeyError(action)


def _show_current(turn: Turn, response: QuestionnaireResponse) -> Outcome:
    item = next_item(turn.services.guardian_instrument, response)
    if item is None:
        return _finish(turn, response, replace=False)
    turn.set_state(FLOW, item.id, {"response_id": response.id})
    return Outcome([render_item(turn, response, item)])


def _advance(turn: Turn, response: QuestionnaireResponse, *, replace: bool) -> Outcome:
    item = next_item(turn.services.guardian_instrument, response)
    if item is None:
        return _finish(turn, response, replace=replace)
    turn.set_state(FLOW, item.id, {"response_id": response.id})
    return Outcome([render_item(turn, response, item, replace=replace)])


def _finish(turn: Turn, response: QuestionnaireResponse, *, replace: bool) -> Outcome:
    instrument = turn.services.guardian_instrument
    result = finish(turn.session, instrument, response, turn.now)
    turn.services.escalate_questionnaire(turn.session, response, turn.now)
    turn.clear_state()
    if result.band is None:
        return Outcome([Reply(turn.t("checkin.already_done"), replace=replace)])
    band = instrument.band(result.band)
    text = turn.t("checkin.summary", summary=band.summary.get(turn.language))
    if band.show_help_lines:
        text = f"{text}\n\n{turn.t('help_lines')}"
    return Outcome([Reply(text, replace=replace)], deliver_outbox=True)


def on_checkin_text(turn: Turn, text: str, telegram_message_id: int | None) -> Outcome | None:
    """Text while a check-in is open: the free-text answer, a typed number, or a resume."""
    response = _current(turn)
    if response is None:
        return None
    instrument = turn.services.guardian_instrument
    item = next_item(instrument, response)
    if item is None:
        return _finish(turn, response, replace=False)
    if not item.is_rated:
        intake = take_in(turn, text, kind="questionnaire", telegram_message_id=telegram_message_id)
        record_answer(
            turn.session, instrument, response, item.id, text=intake.message.text, now=turn.now
        )
        outcome = _advance(turn, response, replace=False)
        if intake.urgent:
            outcome.replies.insert(0, Reply(acknowledgement(turn, intake)))
            outcome.deliver_outbox = True
        return outcome
    stripped = text.strip()
    if stripped.isdigit() and int(stripped) in instrument.scale.values:
        record_answer(
            turn.session, instrument, response, item.id, value=int(stripped), now=turn.now
        )
        return _advance(turn, response, replace=False)
    # Anything else is the family member talking: store it, then continue where we stopped.
    intake = take_in(turn, text, telegram_message_id=telegram_message_id)
    turn.set_state(FLOW, item.id, {"response_id": response.id})
    return Outcome(
        [
            Reply(acknowledgement(turn, intake)),
            Reply(turn.t("reply.continue_checkin")),
            render_item(turn, response, item),
        ],
        deliver_outbox=intake.urgent,
    )
