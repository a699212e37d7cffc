"""The composition root: builds the `Services` every channel runs on, from `Settings`."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime

from sqlalchemy.orm import Session, sessionmaker

from bot.analysis import Analyser, load_analyser
from bot.catalogue import load_messages
from bot.services import Services
from bot.settings import Settings
from models import make_engine, make_session_factory, utcnow
from questionnaires import load_instrument

log = logging.getLogger(__name__)

GUARDIAN_INSTRUMENT = "parenting_stress"


def build_services(
    settings: Settings,
    *,
    session_factory: sessionmaker[Session] | None = None,
    analyser: Analyser | None = None,
    clock: Callable[[], datetime] | None = None,
    escalation: bool = True,
) -> Services:
    """Everything the bot needs; tests pass their own analyser, clock and database."""
    if session_factory is None:
        session_factory = make_session_factory(make_engine(settings.database_url))
    services = Services(
        settings=settings,
        session_factory=session_factory,
        catalogue=load_messages(),
        analyser=analyser if analyser is not None else load_analyser(settings.model_dir),
        guardian_instrument=load_instrument(GUARDIAN_INSTRUMENT),
        clock=clock or utcnow,
    )
    if escalation:
        wire_escalation(services)
    return services


def wire_escalation(services: Services) -> bool:
    """Plug the escalation room's evaluators into the hooks, when that room is installed."""
    try:
        import escalation
    except ImportError:
        return False
    needed = ("load_rules", "escalate_message", "escalate_questionnaire")
    if not all(hasattr(escalation, name) for name in needed):
        log.warning("escalation room is incomplete; free text is stored but not escalated")
        return False
    rules = escalation.load_rules(services.settings.rules_path)
    config = (
        escalation.EscalationConfig.from_settings(services.settings)
        if hasattr(escalation, "EscalationConfig")
        else None
    )
    extra = {"config": config} if config is not None else {}
    services.escalate_message = lambda session, message, analysis, now: escalation.escalate_message(
        session, rules, message, analysis, now, **extra
    )
    services.escalate_questionnaire = lambda session, response, now: (
        escalation.escalate_questionnaire(session, rules, response, now, **extra)
    )
    if hasattr(escalation, "escalate_checkin"):
        services.escalate_checkin = lambda session, checkin, now: escalation.escalate_checkin(
            session, rules, checkin, now, **extra
        )
    if hasattr(escalation, "run_periodic_rules"):
        services.periodic_rules = lambda session, now: escalation.run_periodic_rules(
            session, rules, now, **extra
        )
    return True
