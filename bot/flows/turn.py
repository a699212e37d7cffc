"""One update as one unit of work: idempotency by update id, one transaction, the speaker."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.flows.types import Identity, Outcome
from bot.services import Services
from models import ConversationState, Member, Message, ProcessedUpdate
from models.enrolment import member_by_telegram_user
from models.message import outgoing_values


@dataclass
class Turn:
    services: Services
    session: Session
    who: Identity
    now: datetime
    member: Member | None
    _state: ConversationState | None = field(default=None, init=False, repr=False)
    _state_loaded: bool = field(default=False, init=False, repr=False)

    @property
    def language(self) -> str:
        if self.member is not None:
            return self.member.language
        return guess_language_code(self.who.language_code)

    def t(self, key: str, **values: object) -> str:
        return self.services.catalogue.text(self.language, key, **values)

    # Conversation state lives in the database so restarts and other workers share it.
    def state(self) -> ConversationState | None:
        if self.member is None:
            return None
        if not self._state_loaded:  # one read per turn, also when there is no state
            self._state = self.session.get(ConversationState, self.member.id)
            self._state_loaded = True
        return self._state

    def set_state(self, flow: str, step: str = "", data: dict[str, object] | None = None) -> None:
        assert self.member is not None
        state = self.state()
        if state is None:
            state = ConversationState(member_id=self.member.id, flow=flow)
            self.session.add(state)
            self._state = state
        state.flow, state.step, state.data = flow, step, dict(data or {})
        state.updated_at = self.now

    def clear_state(self) -> None:
        state = self.state()
        if state is not None:
            self.session.delete(state)
            self._state = None


def guess_language_code(code: str | None) -> str:
    """Korean by default; English for clients set to any other language."""
    if not code or code.lower().startswith("ko"):
        return "ko"
    return "en"


def run_turn(
    services: Services, who: Identity, update_id: int | None, body: Callable[[Turn], Outcome]
) -> Outcome:
    """Run `body` in one transaction that also records `update_id` as processed."""
    now = services.now()
    try:
        with services.session_factory() as session, session.begin():
            if update_id is not None:
                # The primary key makes a second delivery fail here (IntegrityError, below).
                session.add(ProcessedUpdate(update_id=update_id, processed_at=now))
                session.flush()
            member = member_by_telegram_user(session, who.user_id)
            if member is not None and who.chat_id and member.chat_id != who.chat_id:
                member.chat_id = who.chat_id
            turn = Turn(services, session, who, now, member)
            outcome = body(turn)
            record_replies(turn, outcome)
            return outcome
    except IntegrityError:
        # The same update was handled before, or by another worker at the same time.
        if update_id is not None and _processed(services, update_id):
            return Outcome(duplicate=True)
        raise


def record_replies(turn: Turn, outcome: Outcome) -> None:
    """Store what the bot answers an enrolled member, in the turn's own transaction.

    Strangers, people who declined and people who just deleted their data get answers
    that are not kept (nothing about them may be stored).
    """
    member = turn.member
    if member is None or member.consent != "given":
        return
    for reply in outcome.replies:
        turn.session.add(
            Message(
                **outgoing_values(
                    family_id=member.family_id,
                    member_id=member.id,
                    text=reply.text,
                    kind="reply",
                    lang=member.language,
                    created_at=turn.now,
                )
            )
        )


def _processed(services: Services, update_id: int) -> bool:
    with services.session_factory() as session:
        found = session.scalar(
            select(ProcessedUpdate.update_id).where(ProcessedUpdate.update_id == update_id)
        )
        return found is not None
