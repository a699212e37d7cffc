"""Everything the case page shows, read in one transaction; opening a case is audited."""

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.orm import Session

from dashboard.charts import CutOff, Series, line_chart
from dashboard.evidence import highlight, phrases_from
from dashboard.queue_view import age_band
from escalation import Actor, case_audit, get_case, record_audit
from models import (
    AuditEntry,
    Case,
    CaseNote,
    Member,
    Message,
    MessageAnalysis,
    MoodCheckin,
    Officer,
    QuestionnaireResponse,
    utcnow,
)
from questionnaires import InstrumentError, load_instrument

CONVERSATION_BEFORE = 8
CONVERSATION_AFTER = 8
QUESTIONNAIRE_WEEKS = 16
MOOD_DAYS = 28


@dataclass(frozen=True)
class TriggerView:
    rule_id: str
    severity: str
    created_at: datetime
    text: Markup | None  # the message, evidence highlighted
    sender: str | None
    risk: list[tuple[str, float]]  # highest first
    emotions: list[tuple[str, float]]
    labels: list[str]
    response_week: str | None
    response_total: str | None
    response_band: str | None  # the band's label in the officer's language
    detail: dict[str, Any]


@dataclass(frozen=True)
class LineView:
    id: int
    sender: str
    direction: str
    kind: str
    text: Markup
    created_at: datetime
    is_trigger: bool


@dataclass(frozen=True)
class NoteView:
    author: str
    text: str
    created_at: datetime


@dataclass(frozen=True)
class AuditView:
    at: datetime
    actor: str
    action: str
    source: str
    detail: dict[str, Any]
    repeats: int = 1  # consecutive openings by the same officer, shown once


@dataclass(frozen=True)
class MoodDay:
    day: str  # YYYY-MM-DD, local
    mood: str | None


@dataclass
class CasePage:
    case: Case
    child_alias: str
    age_low: int
    age_high: int
    claimed_by_name: str
    triggers: list[TriggerView] = field(default_factory=list)
    conversation: list[LineView] = field(default_factory=list)
    notes: list[NoteView] = field(default_factory=list)
    audit: list[AuditView] = field(default_factory=list)
    questionnaire_chart: Markup | None = None
    questionnaire_rows: list[QuestionnaireResponse] = field(default_factory=list)
    moods: list[MoodDay] = field(default_factory=list)
    officers: list[tuple[int, str]] = field(default_factory=list)  # reassign candidates
    members: list[str] = field(default_factory=list)  # roles that joined the bot


def _top(scores: dict[str, Any], limit: int = 8) -> list[tuple[str, float]]:
    pairs = [(k, float(v)) for k, v in (scores or {}).items() if isinstance(v, int | float)]
    return sorted(pairs, key=lambda pair: pair[1], reverse=True)[:limit]


def _names(session: Session, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    rows = session.execute(
        select(Officer.id, Officer.display_name, Officer.username).where(Officer.id.in_(ids))
    )
    return {officer_id: display or username for officer_id, display, username in rows}


def _actor_name(label: str, names: dict[int, str]) -> str:
    if label.startswith("officer:") and label[8:].isdigit():
        return names.get(int(label[8:]), label)
    return label


def _audit_lines(entries: list[AuditEntry], names: dict[int, str]) -> list[AuditView]:
    """The trail as officers read it: repeated openings by the same person collapse into one."""
    lines: list[AuditView] = []
    for e in entries:
        actor = _actor_name(e.actor, names)
        last = lines[-1] if lines else None
        if last and e.action == "view" == last.action and last.actor == actor:
            lines[-1] = AuditView(e.at, actor, e.action, e.source, e.detail, last.repeats + 1)
        else:
            lines.append(AuditView(e.at, actor, e.action, e.source, e.detail))
    return lines


def _band_label(response: QuestionnaireResponse, language: str) -> str | None:
    if response.band is None:
        return None
    try:
        return load_instrument(response.instrument_id).band(response.band).label.get(language)
    except (InstrumentError, KeyError):
        return response.band


def _score(value: float | None) -> str | None:
    if value is None:
        return None
    return f"{value:.0f}" if float(value).is_integer() else f"{value:.1f}"


def _triggers(session: Session, case: Case, language: str) -> tuple[list[TriggerView], set[int]]:
    message_ids = {t.message_id for t in case.triggers if t.message_id is not None}
    response_ids = {t.response_id for t in case.triggers if t.response_id is not None}
    messages = {
        m.id: m for m in session.scalars(select(Message).where(Message.id.in_(message_ids)))
    }
    analyses = {
        a.message_id: a
        for a in session.scalars(
            select(MessageAnalysis).where(MessageAnalysis.message_id.in_(message_ids))
        )
    }
    responses = {
        r.id: r
        for r in session.scalars(
            select(QuestionnaireResponse).where(QuestionnaireResponse.id.in_(response_ids))
        )
    }
    views = []
    for trigger in reversed(case.triggers):  # newest first
        message = messages.get(trigger.message_id) if trigger.message_id else None
        analysis = analyses.get(trigger.message_id) if trigger.message_id else None
        response = responses.get(trigger.response_id) if trigger.response_id else None
        phrases = phrases_from(analysis.evidence if analysis else None, trigger.evidence)
        views.append(
            TriggerView(
                rule_id=trigger.rule_id,
                severity=trigger.severity,
                created_at=trigger.created_at,
                text=highlight(message.text, phrases) if message else None,
                sender=message.sender if message else None,
                risk=_top(analysis.risk) if analysis else [],
                emotions=_top(analysis.emotions, 4) if analysis else [],
                labels=[*analysis.risk_labels, *analysis.emotion_labels] if analysis else [],
                response_week=response.week if response else None,
                response_total=_score(response.total_score) if response else None,
                response_band=_band_label(response, language) if response else None,
                detail={k: v for k, v in trigger.evidence.items() if k != "key"},
            )
        )
    return views, message_ids


def _conversation(session: Session, case: Case, trigger_ids: set[int]) -> list[LineView]:
    """The family's messages around the latest trigger, and those exchanged about the case."""
    anchor = session.scalar(
        select(Message).where(Message.id.in_(trigger_ids)).order_by(Message.id.desc()).limit(1)
    )
    found: dict[int, Message] = {}
    if anchor is not None:
        family = Message.family_id == case.family_id
        before = select(Message).where(family, Message.id <= anchor.id)
        after = select(Message).where(family, Message.id > anchor.id)
        for query in (
            before.order_by(Message.id.desc()).limit(CONVERSATION_BEFORE + 1),
            after.order_by(Message.id).limit(CONVERSATION_AFTER),
        ):
            found.update((m.id, m) for m in session.scalars(query))
    found.update(
        (m.id, m) for m in session.scalars(select(Message).where(Message.case_id == case.id))
    )
    phrases_by_message = {
        a.message_id: phrases_from(a.evidence)
        for a in session.scalars(
            select(MessageAnalysis).where(MessageAnalysis.message_id.in_(trigger_ids))
        )
    }
    return [
        LineView(
            id=m.id,
            sender=m.sender,
            direction=m.direction,
            kind=m.kind,
            text=highlight(m.text, phrases_by_message.get(m.id, [])),
            created_at=m.created_at,
            is_trigger=m.id in trigger_ids,
        )
        for m in sorted(found.values(), key=lambda m: m.id)
    ]


def _questionnaire(
    session: Session, case: Case, language: str, titles: dict[str, str]
) -> tuple[Markup | None, list[QuestionnaireResponse]]:
    responses = list(
        session.scalars(
            select(QuestionnaireResponse)
            .where(
                QuestionnaireResponse.family_id == case.family_id,
                QuestionnaireResponse.status == "completed",
            )
            .order_by(QuestionnaireResponse.week.desc())
            .limit(QUESTIONNAIRE_WEEKS)
        )
    )
    responses.reverse()
    if not responses:
        return None, []
    instrument_id = responses[-1].instrument_id
    responses = [r for r in responses if r.instrument_id == instrument_id]
    weeks = [r.week for r in responses]
    series = [Series(titles["total"], [r.total_score for r in responses], "series-total")]
    cut_offs: list[CutOff] = []
    y_max = None
    try:
        instrument = load_instrument(instrument_id)
    except InstrumentError:
        instrument = None
    if instrument is not None:
        for n, (key, name) in enumerate(instrument.subscales.items()):
            series.append(
                Series(
                    name.get(language),
                    [(r.subscale_scores or {}).get(key) for r in responses],
                    f"series-{n + 1}",
                )
            )
        cut_offs = [CutOff(b.label.get(language), b.min_total) for b in instrument.bands[1:]]
        if instrument.bands:
            y_max = instrument.bands[-1].max_total
    chart = line_chart(
        [w.split("-")[-1] for w in weeks], series, cut_offs, y_max=y_max, title=titles["chart"]
    )
    return chart, responses


def _moods(session: Session, case: Case, zone: Any) -> list[MoodDay]:
    now = utcnow()
    since = now - timedelta(days=MOOD_DAYS)
    by_day: dict[str, str] = {}
    for checkin in session.scalars(
        select(MoodCheckin)
        .join(Member, Member.id == MoodCheckin.member_id)
        .where(
            MoodCheckin.family_id == case.family_id,
            Member.role == "child",
            MoodCheckin.created_at >= since,
        )
        .order_by(MoodCheckin.created_at)
    ):
        by_day[checkin.created_at.astimezone(zone).strftime("%Y-%m-%d")] = checkin.mood
    days = []
    for offset in range(MOOD_DAYS - 1, -1, -1):
        day = (now - timedelta(days=offset)).astimezone(zone).strftime("%Y-%m-%d")
        days.append(MoodDay(day=day, mood=by_day.get(day)))
    return days


def case_page(
    session: Session,
    actor: Actor,
    case_id: int,
    *,
    language: str,
    zone: Any,
    titles: dict[str, str],
) -> CasePage:
    """Load the case (CaseNotFound outside the actor's view) and record that it was opened."""
    with session.begin():
        case = get_case(session, actor, case_id)
        record_audit(session, actor, "view", at=utcnow(), case_id=case.id, family_id=case.family_id)
        session.flush()
        family = case.family
        low, high = age_band(family.child_age(utcnow().date()))
        triggers, trigger_ids = _triggers(session, case, language)
        entries: list[AuditEntry] = case_audit(session, actor, case_id)
        notes: list[CaseNote] = list(case.notes)
        officer_ids = {n.officer_id for n in notes if n.officer_id is not None}
        officer_ids |= {
            int(e.actor[8:])
            for e in entries
            if e.actor.startswith("officer:") and e.actor[8:].isdigit()
        }
        if case.claimed_by_id:
            officer_ids.add(case.claimed_by_id)
        names = _names(session, officer_ids)
        chart, responses = _questionnaire(session, case, language, titles)
        candidates = session.execute(
            select(Officer.id, Officer.display_name, Officer.username)
            .where(Officer.active.is_(True))
            .where((Officer.district_id == case.district_id) | (Officer.role == "admin"))
            .order_by(Officer.username)
        )
        joined = session.scalars(
            select(Member.role).where(Member.family_id == family.id, Member.chat_id.is_not(None))
        )
        return CasePage(
            case=case,
            child_alias=family.child_alias,
            age_low=low,
            age_high=high,
            claimed_by_name=names.get(case.claimed_by_id, "") if case.claimed_by_id else "",
            triggers=triggers,
            conversation=_conversation(session, case, trigger_ids),
            notes=[
                NoteView(
                    author=names.get(n.officer_id, "system") if n.officer_id else "system",
                    text=n.text,
                    created_at=n.created_at,
                )
                for n in notes
            ],
            audit=_audit_lines(entries, names),
            questionnaire_chart=chart,
            questionnaire_rows=responses,
            moods=_moods(session, case, zone),
            officers=[(i, d or u) for i, d, u in candidates],
            members=sorted(joined),
        )
