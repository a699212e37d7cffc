"""/reminders: a member picks the days and the time of their own reminders with buttons.

Each press is stored at once (`Member.reminder_weekdays`, `Member.reminder_time`) and this
week's reminders follow it. Parents choose one day (one weekly check-in); children any days.
Callback data: "r:d:<weekday>", "r:t:<HHMM>", "r:done".
"""

from __future__ import annotations

from bot.flows.turn import Turn
from bot.flows.types import Button, Outcome, Reply, buttons
from bot.reminders import Preference, preference, reschedule_member

WEEKDAYS = range(7)  # 0 = Monday
TIME_CHOICES = ("08:00", "12:00", "16:00", "18:00", "19:00", "20:00")
CHOSEN = "✓ "


def _current(turn: Turn) -> Preference:
    member = turn.member
    assert member is not None
    return preference(
        turn.services.settings, member.role, member.reminder_weekdays, member.reminder_time
    )


def _summary(turn: Turn, chosen: Preference) -> dict[str, str]:
    days = " ".join(turn.t(f"reminder_settings.day{d}") for d in chosen.weekdays)
    return {"days": days, "time": chosen.time}


def _menu(turn: Turn, replace: bool) -> Reply:
    assert turn.member is not None
    chosen = _current(turn)
    day_buttons = [
        Button(
            f"{CHOSEN if d in chosen.weekdays else ''}{turn.t(f'reminder_settings.day{d}')}",
            f"r:d:{d}",
        )
        for d in WEEKDAYS
    ]
    time_buttons = [
        Button(f"{CHOSEN if t == chosen.time else ''}{t}", f"r:t:{t.replace(':', '')}")
        for t in TIME_CHOICES
    ]
    key = "guardian" if turn.member.role == "guardian" else "child"
    return Reply(
        turn.t(f"reminder_settings.choose_{key}", **_summary(turn, chosen)),
        buttons(
            day_buttons[:4],
            day_buttons[4:],
            time_buttons[:3],
            time_buttons[3:],
            [Button(turn.t("reminder_settings.done_button"), "r:done")],
        ),
        replace=replace,
    )


def on_reminders(turn: Turn) -> Outcome:
    return Outcome([_menu(turn, replace=False)])


def on_reminders_button(turn: Turn, choice: str) -> Outcome:
    member = turn.member
    assert member is not None
    what, _, value = choice.partition(":")
    chosen = _current(turn)
    if what == "done" and not value:
        return Outcome(
            [Reply(turn.t("reminder_settings.saved", **_summary(turn, chosen)), replace=True)]
        )
    if what == "d" and value.isdigit() and int(value) in WEEKDAYS:
        day = int(value)
        if member.role == "guardian":
            days: tuple[int, ...] = (day,)
        elif day in chosen.weekdays:
            days = tuple(d for d in chosen.weekdays if d != day)
            if not days:  # no days at all would mean the defaults: say how to stop instead
                return Outcome(notice=turn.t("reminder_settings.one_day_at_least"))
        else:
            days = (*chosen.weekdays, day)
        member.reminder_weekdays = ",".join(str(d) for d in sorted(days))
    elif what == "t" and f"{value[:2]}:{value[2:]}" in TIME_CHOICES:
        member.reminder_time = f"{value[:2]}:{value[2:]}"
    else:
        return Outcome(notice=turn.t("unsupported.stale_button"))
    reschedule_member(turn.session, turn.services.settings, member, turn.now)
    return Outcome([_menu(turn, replace=True)])
