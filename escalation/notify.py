"""What escalation asks the bot to send: safety replies, officer alerts, SLA breaches.

Everything goes through the outbox: the bot's sender delivers and retries until Telegram
accepts, and the dedupe key makes enqueueing twice harmless. Officer-facing texts name
the case, never repeat what a family wrote (group chats are read by many).
"""

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from escalation.catalogue import help_lines, text
from escalation.policy import EscalationConfig
from models import Case, District, Family, Member, Message, Officer, OutboxMessage
from models.message import outgoing_values

# Callback data of the claim button: "case:claim:<id>" (the officers' handlers parse it).
CLAIM_CALLBACK_PREFIX = "case:claim:"


def _enqueue(
    session: Session,
    *,
    key: str,
    chat_id: int,
    body: str,
    kind: str,
    now: datetime,
    family_id: int | None = None,
    options: dict[str, Any] | None = None,
) -> None:
    key = key[:128]
    if session.scalar(select(OutboxMessage.id).where(OutboxMessage.dedupe_key == key)):
        return
    try:
        with session.begin_nested():
            session.add(
                OutboxMessage(
                    dedupe_key=key,
                    chat_id=chat_id,
                    text=body,
                    kind=kind,
                    family_id=family_id,
                    options=options or {},
                    due_at=now,
                )
            )
    except IntegrityError:  # another worker enqueued the same message first
        pass


def safety_reply_text(language: str) -> str:
    return text("safety_reply", language, help_lines=help_lines(language))


def enqueue_safety_reply(session: Session, member: Member, case_id: int, now: datetime) -> Message:
    """The calm help-lines message, stored as a bot message and queued for the member."""
    body = safety_reply_text(member.language)
    message = Message(
        **outgoing_values(
            family_id=member.family_id,
            member_id=member.id,
            kind="safety",
            text=body,
            lang=member.language,
            case_id=case_id,
            created_at=now,
        )
    )
    session.add(message)
    if member.chat_id is not None:
        _enqueue(
            session,
            key=f"safety:case:{case_id}",
            chat_id=member.chat_id,
            body=body,
            kind="safety",
            now=now,
            family_id=member.family_id,
        )
    return message


def _when(moment: datetime, config: EscalationConfig) -> str:
    return moment.astimezone(ZoneInfo(config.timezone)).strftime("%Y-%m-%d %H:%M")


def _case_values(
    case: Case, family: Family, config: EscalationConfig, language: str
) -> dict[str, Any]:
    return {
        "case_id": case.id,
        "severity_label": text(f"severity_{case.severity}", language),
        "reason": case.reason,
        "child_alias": family.child_alias,
        "child_age": family.child_age(case.opened_at.date()),
        "sla_due": _when(case.sla_due_at, config),
    }


def case_buttons(case_id: int, config: EscalationConfig, language: str) -> dict[str, Any]:
    """Bot API `reply_markup`: claim the case; open it in the dashboard."""
    return {
        "reply_markup": {
            "inline_keyboard": [
                [
                    {
                        "text": text("button_claim", language),
                        "callback_data": f"{CLAIM_CALLBACK_PREFIX}{case_id}",
                    },
                    {"text": text("button_open", language), "url": config.case_url(case_id)},
                ]
            ]
        }
    }


def enqueue_officer_alert(
    session: Session,
    case: Case,
    family: Family,
    config: EscalationConfig,
    now: datetime,
    *,
    raised: bool = False,
) -> bool:
    """Post an urgent case to its district's officer group chat; False if it has none."""
    district = session.get(District, case.district_id)
    if district is None or district.officer_chat_id is None:
        return False
    language = "ko"
    key = "officer_case_raised" if raised else "officer_new_case"
    _enqueue(
        session,
        key=f"officers:{'raised' if raised else 'new'}:{case.id}:{case.severity}",
        chat_id=district.officer_chat_id,
        body=text(key, language, **_case_values(case, family, config, language)),
        kind="officer_alert",
        now=now,
        options=case_buttons(case.id, config, language),
    )
    return True


def enqueue_sla_breach(
    session: Session,
    case: Case,
    family: Family,
    supervisors: list[Officer],
    config: EscalationConfig,
    now: datetime,
) -> int:
    """Alert the district's officer chat and each supervisor with a Telegram account."""
    district = session.get(District, case.district_id)
    chats: list[tuple[int, str]] = []
    if district is not None and district.officer_chat_id is not None:
        chats.append((district.officer_chat_id, "ko"))
    chats += [(s.telegram_user_id, s.language) for s in supervisors if s.telegram_user_id]
    stamp = case.sla_due_at.strftime("%Y%m%d%H%M")
    for chat_id, language in chats:
        values = _case_values(case, family, config, language)
        _enqueue(
            session,
            key=f"sla:{case.id}:{stamp}:{chat_id}",
            chat_id=chat_id,
            body=text("officer_sla_breach", language, **values),
            kind="sla_breach",
            now=now,
            options=case_buttons(case.id, config, language),
        )
    return len(chats)


def enqueue_family_reply_notice(
    session: Session, case: Case, officer: Officer, reply: Message, now: datetime
) -> bool:
    """Tell the officer who owns the case, in their private chat, that the family answered."""
    if officer.telegram_user_id is None:
        return False
    _enqueue(
        session,
        key=f"reply:{reply.id}:{officer.id}",
        chat_id=officer.telegram_user_id,
        body=text("officer_family_reply", officer.language, case_id=case.id, text=reply.text),
        kind="officer_reply",
        now=now,
    )
    return True
