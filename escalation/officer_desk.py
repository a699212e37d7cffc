"""The officers' chat desk: /queue, /case, /claim, /note, /resolve, /msg and the claim button.

Channel-neutral (no Telegram types): the bot's officer handlers pass who wrote, where, the
command and its words; the desk checks that the writer is a registered officer in the right
chat, runs one queue action in one transaction (recording the update id, so a repeated
delivery does nothing twice) and answers with text and buttons in the officer's language.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from escalation import queue
from escalation.actor import Actor
from escalation.catalogue import text
from escalation.errors import (
    CaseAlreadyClaimed,
    CaseNotFound,
    InvalidOutcome,
    NoRecipient,
    NotAllowed,
)
from escalation.notify import case_buttons
from escalation.policy import EscalationConfig
from models import Case, District, Officer, ProcessedUpdate

COMMANDS = ("queue", "case", "claim", "note", "resolve", "msg")
QUEUE_LINES = 10
# `/msg 12 guardian text` writes to the guardian; by default, to whoever spoke in the case.
RECIPIENTS = {"child": "child", "아이": "child", "guardian": "guardian", "보호자": "guardian"}


@dataclass(frozen=True)
class Where:
    """Who wrote and where: Telegram user id, chat id, and whether the chat is a group."""

    user_id: int
    chat_id: int
    group: bool
    update_id: int | None = None


@dataclass
class DeskReply:
    text: str
    # Bot API inline keyboard rows: {"text": ..., "callback_data": ...} or {"text", "url"}.
    buttons: list[list[dict[str, str]]] = field(default_factory=list)
    notice: str | None = None  # the short note on a pressed button
    # The pressed message's new text (the group alert shows who took the case).
    edit_text: str | None = None
    edit_buttons: list[list[dict[str, str]]] = field(default_factory=list)
    deliver_outbox: bool = False
    duplicate: bool = False


def _chat_allowed(session: Session, officer: Officer, where: Where) -> bool:
    """Private chats, or a district officer group (the officer's own; admins: any)."""
    if not where.group:
        return True
    query = select(District.id).where(District.officer_chat_id == where.chat_id)
    if officer.role != "admin":
        query = query.where(District.id == officer.district_id)
    return session.scalar(query) is not None


def _owner_name(officer: Officer | None, language: str) -> str:
    if officer is None:
        return text("desk_owner_none", language)
    return officer.display_name or officer.username


def _when(moment: datetime, config: EscalationConfig) -> str:
    return moment.astimezone(ZoneInfo(config.timezone)).strftime("%m-%d %H:%M")


def _short(reason: str, limit: int = 40) -> str:
    reason = reason.split(" (")[0]
    return reason if len(reason) <= limit else reason[: limit - 1] + "…"


def _values(case: Case, config: EscalationConfig, language: str, now: datetime) -> dict[str, Any]:
    return {
        "case_id": case.id,
        "severity_label": text(f"severity_{case.severity}", language),
        "status_label": text(f"status_{case.status}", language),
        "reason": case.reason,
        "child_alias": case.family.child_alias,
        "child_age": case.family.child_age(now.date()),
        "owner": _owner_name(case.claimed_by, language),
        "opened": _when(case.opened_at, config),
        "sla_due": _when(case.sla_due_at, config),
    }


class _Desk:
    def __init__(
        self,
        session: Session,
        officer: Officer,
        where: Where,
        config: EscalationConfig,
        now: datetime,
    ) -> None:
        self.session, self.officer, self.where = session, officer, where
        self.config, self.now = config, now
        self.language = officer.language
        self.actor = Actor.for_officer(officer, "telegram group" if where.group else "telegram")

    def t(self, key: str, **values: Any) -> str:
        return text(key, self.language, **values)

    def queue(self, _args: list[str]) -> DeskReply:
        cases = queue.list_cases(self.session, self.actor, limit=QUEUE_LINES)
        if not cases:
            return DeskReply(self.t("desk_queue_empty"))
        total = queue.count_cases(self.session, self.actor)
        lines = [self.t("desk_queue_header", count=total)]
        for case in cases:
            values = _values(case, self.config, self.language, self.now)
            values["reason"] = _short(case.reason)
            lines.append(self.t("desk_queue_line", **values))
        if total > len(cases):
            lines.append(
                self.t("desk_queue_more", count=total - len(cases), url=self.config.dashboard_url)
            )
        return DeskReply("\n".join(lines))

    def case(self, args: list[str]) -> DeskReply:
        case = queue.get_case(self.session, self.actor, int(args[0]))
        values = _values(case, self.config, self.language, self.now)
        rules = ", ".join(dict.fromkeys(t.rule_id for t in case.triggers)) or "-"
        last_note = ""
        if case.notes:
            last_note = self.t("desk_last_note", text=_short(case.notes[-1].text, 200))
        body = self.t(
            "desk_case",
            triggers=len(case.triggers),
            rules=rules,
            notes=len(case.notes),
            last_note=last_note,
            **values,
        )
        if case.outcome:
            body += "\n" + self.t(
                "desk_case_outcome", outcome_label=self.t(f"outcome_{case.outcome}")
            )
        buttons = case_buttons(case.id, self.config, self.language)["reply_markup"]
        rows = buttons["inline_keyboard"]
        if case.status != "open":
            rows = [[b for b in rows[0] if "url" in b]]
        return DeskReply(body, rows)

    def claim(self, args: list[str]) -> DeskReply:
        case_id = int(args[0])
        try:
            queue.claim_case(self.session, self.actor, case_id, now=self.now)
        except CaseAlreadyClaimed as taken:
            if taken.claimed_by_id == self.officer.id:
                return DeskReply(
                    self.t("desk_already_yours", case_id=case_id),
                    notice=self.t("desk_already_yours", case_id=case_id),
                )
            owner = self.session.get(Officer, taken.claimed_by_id) if taken.claimed_by_id else None
            message = self.t(
                "desk_already_claimed", case_id=case_id, owner=_owner_name(owner, self.language)
            )
            return DeskReply(message, notice=message)
        return DeskReply(
            self.t("desk_claimed", case_id=case_id), notice=self.t("desk_claimed_notice")
        )

    def note(self, args: list[str]) -> DeskReply:
        case_id = int(args[0])
        queue.add_note(self.session, self.actor, case_id, " ".join(args[1:]), now=self.now)
        return DeskReply(self.t("desk_noted", case_id=case_id))

    def resolve(self, args: list[str]) -> DeskReply:
        case_id = int(args[0])
        outcome = args[1] if len(args) > 1 else ""
        note = " ".join(args[2:]) or None
        case = queue.resolve_case(
            self.session, self.actor, case_id, outcome, note=note, now=self.now
        )
        return DeskReply(
            self.t(
                "desk_resolved", case_id=case.id, outcome_label=self.t(f"outcome_{case.outcome}")
            )
        )

    def msg(self, args: list[str]) -> DeskReply:
        case_id = int(args[0])
        to = RECIPIENTS.get(args[1].lower()) if len(args) > 2 else None
        words = args[2:] if to else args[1:]
        queue.message_family(
            self.session, self.actor, case_id, " ".join(words), to=to, now=self.now
        )
        return DeskReply(self.t("desk_sent", case_id=case_id), deliver_outbox=True)


# The words each command needs after the case number (/note and /msg need some text).
_MIN_WORDS = {"queue": 0, "case": 1, "claim": 1, "note": 2, "resolve": 2, "msg": 2}


def _in_one_turn(
    factory: sessionmaker[Session],
    where: Where,
    now: datetime,
    body: Callable[[Session, Officer], DeskReply],
) -> DeskReply:
    try:
        with factory() as session, session.begin():
            if where.update_id is not None:
                if session.get(ProcessedUpdate, where.update_id) is not None:
                    return DeskReply("", duplicate=True)
                session.add(ProcessedUpdate(update_id=where.update_id, processed_at=now))
                session.flush()
            officer = queue.officer_by_telegram_user(session, where.user_id)
            if officer is None:
                return DeskReply(text("desk_not_officer", "ko"))
            if not _chat_allowed(session, officer, where):
                return DeskReply(text("desk_wrong_chat", officer.language))
            return body(session, officer)
    except IntegrityError:  # another worker recorded the same update first
        return DeskReply("", duplicate=True)


def _kind_words(error: Exception, case_id: int, language: str) -> str:
    if isinstance(error, CaseNotFound):
        return text("desk_not_found", language, case_id=case_id)
    if isinstance(error, InvalidOutcome):
        return text("desk_bad_outcome", language)
    if isinstance(error, NoRecipient):
        return text("desk_no_recipient", language, case_id=case_id)
    return text("desk_not_allowed", language, case_id=case_id)


def handle_officer_command(
    factory: sessionmaker[Session],
    config: EscalationConfig,
    where: Where,
    command: str,
    args: list[str],
    now: datetime,
) -> DeskReply:
    """Run one officer command; refusals come back as kind words, never as exceptions."""

    def body(session: Session, officer: Officer) -> DeskReply:
        language = officer.language
        if command not in COMMANDS or len(args) < _MIN_WORDS[command]:
            return DeskReply(text("desk_usage", language))
        if command != "queue" and not args[0].lstrip("#").isdigit():
            return DeskReply(text("desk_bad_number", language, command=command))
        words = [args[0].lstrip("#"), *args[1:]] if args else []
        desk = _Desk(session, officer, where, config, now)
        try:
            # A savepoint, so a refused action leaves the update's record in place.
            with session.begin_nested():
                reply: DeskReply = getattr(desk, command)(words)
            return reply
        except (CaseNotFound, CaseAlreadyClaimed, NotAllowed, InvalidOutcome) as error:
            return DeskReply(_kind_words(error, int(words[0]), language))

    return _in_one_turn(factory, where, now, body)


def handle_claim_button(
    factory: sessionmaker[Session],
    config: EscalationConfig,
    where: Where,
    case_id: int,
    alert_text: str,
    now: datetime,
) -> DeskReply:
    """The claim button under a case alert: claim, and mark the alert with its owner."""

    def body(session: Session, officer: Officer) -> DeskReply:
        desk = _Desk(session, officer, where, config, now)
        try:
            with session.begin_nested():
                reply = desk.claim([str(case_id)])
        except (CaseNotFound, NotAllowed) as error:
            message = _kind_words(error, case_id, officer.language)
            return DeskReply(message, notice=message)
        case = queue.get_case(session, desk.actor, case_id)
        if case.claimed_by_id is not None:
            owner = _owner_name(case.claimed_by, "ko")
            reply.edit_text = f"{alert_text}\n{text('desk_claimed_line', 'ko', owner=owner)}"
            rows = case_buttons(case.id, config, "ko")["reply_markup"]["inline_keyboard"]
            reply.edit_buttons = [[b for b in rows[0] if "url" in b]]
        reply.text = ""  # the notice on the button and the edited alert say it all
        return reply

    return _in_one_turn(factory, where, now, body)
