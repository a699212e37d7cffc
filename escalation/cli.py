"""The queue, rule checks and the periodic job from a shell (`maeum queue|rules|escalation`)."""

import argparse
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from escalation.actor import Actor
from escalation.errors import EscalationError
from escalation.policy import OUTCOMES, SEVERITIES, EscalationConfig, priority_now
from models import Officer, make_engine, make_session_factory, utcnow


def register(commands: Any) -> None:
    """Add `queue`, `rules` and `escalation` to the `maeum` parser."""
    queue = commands.add_parser("queue", help="the officers' case queue")
    actions = queue.add_subparsers(dest="queue_command", required=True)

    listing = actions.add_parser("list", help="cases by priority")
    listing.add_argument("--status", choices=["open", "claimed", "resolved", "all"])
    listing.add_argument("--severity", choices=SEVERITIES)
    listing.add_argument("--limit", type=int, default=50)
    _officer_option(listing)
    listing.set_defaults(handler=_list)

    show = actions.add_parser("show", help="one case with its triggers and audit trail")
    show.add_argument("case_id", type=int)
    _officer_option(show)
    show.set_defaults(handler=_show)

    for name, helptext in (("claim", "take a case"), ("release", "give a case back")):
        action = actions.add_parser(name, help=helptext)
        action.add_argument("case_id", type=int)
        _officer_option(action, required=name == "claim")
        action.set_defaults(handler=_simple(name))

    note = actions.add_parser("note", help="add a note to a case")
    note.add_argument("case_id", type=int)
    note.add_argument("text")
    _officer_option(note)
    note.set_defaults(handler=_note)

    resolve = actions.add_parser("resolve", help="close a case with an outcome")
    resolve.add_argument("case_id", type=int)
    resolve.add_argument("outcome", choices=OUTCOMES)
    resolve.add_argument("--note")
    _officer_option(resolve)
    resolve.set_defaults(handler=_resolve)

    reopen = actions.add_parser("reopen", help="put a resolved case back in the queue")
    reopen.add_argument("case_id", type=int)
    _officer_option(reopen)
    reopen.set_defaults(handler=_simple("reopen"))

    rules = commands.add_parser("rules", help="escalation rules")
    rules_actions = rules.add_subparsers(dest="rules_command", required=True)
    check = rules_actions.add_parser("check", help="validate a rule file")
    check.add_argument("path", nargs="?", help="default: MAEUM_RULES_PATH")
    check.set_defaults(handler=_rules_check)

    escalation = commands.add_parser("escalation", help="time-based escalation")
    escalation_actions = escalation.add_subparsers(dest="escalation_command", required=True)
    periodic = escalation_actions.add_parser(
        "periodic", help="run missed check-in and mood rules and SLA checks once"
    )
    periodic.set_defaults(handler=_periodic)


def _officer_option(parser: argparse.ArgumentParser, required: bool = False) -> None:
    parser.add_argument(
        "--officer",
        required=required,
        metavar="USERNAME",
        help="act as this officer (default: an administrator acting from the CLI)",
    )


@contextmanager
def _session(settings: Any) -> Iterator[Session]:
    engine = make_engine(settings.database_url)
    try:
        with make_session_factory(engine)() as session:
            yield session
    finally:
        engine.dispose()


def _actor(session: Session, username: str | None) -> Actor:
    if username is None:
        return Actor(None, "admin", None, "cli")
    with session.begin():
        officer = session.scalar(select(Officer).where(Officer.username == username))
    if officer is None or not officer.active:
        raise EscalationError(f"no active officer {username!r}")
    return Actor.for_officer(officer, "cli")


def _run(settings: Any, username: str | None, work: Callable[[Session, Actor], None]) -> int:
    with _session(settings) as session:
        try:
            work(session, _actor(session, username))
        except EscalationError as error:
            print(f"error: {error}", file=sys.stderr)
            return 1
    return 0


def _list(args: argparse.Namespace, settings: Any) -> int:
    from escalation.queue import list_cases

    def work(session: Session, actor: Actor) -> None:
        now = utcnow()
        cases = list_cases(
            session, actor, status=args.status, severity=args.severity, limit=args.limit
        )
        print(f"{'id':>6}  {'severity':8}  {'status':8}  {'priority':>9}  {'due':16}  reason")
        for case in cases:
            due = case.sla_due_at.strftime("%Y-%m-%d %H:%M")
            print(
                f"{case.id:>6}  {case.severity:8}  {case.status:8}"
                f"  {priority_now(case.priority, now):>9.1f}  {due:16}  {case.reason_id}"
            )
        print(f"{len(cases)} case(s)")

    return _run(settings, args.officer, work)


def _show(args: argparse.Namespace, settings: Any) -> int:
    from escalation.queue import case_audit, get_case

    def work(session: Session, actor: Actor) -> None:
        case = get_case(session, actor, args.case_id)
        print(f"case {case.id}: {case.severity} {case.status} ({case.reason_id})")
        print(f"  reason: {case.reason}")
        print(f"  family {case.family_id}, child age {case.family.child_age(utcnow().date())}")
        print(f"  opened {case.opened_at:%Y-%m-%d %H:%M} UTC, due {case.sla_due_at:%Y-%m-%d %H:%M}")
        if case.outcome:
            print(f"  outcome: {case.outcome}")
        for trigger in case.triggers:
            print(
                f"  trigger {trigger.created_at:%Y-%m-%d %H:%M} {trigger.rule_id}"
                f" ({trigger.severity})"
            )
        print(f"  {len(case.notes)} note(s)")
        for entry in case_audit(session, actor, case.id):
            print(
                f"  audit {entry.at:%Y-%m-%d %H:%M} {entry.actor} {entry.action} via {entry.source}"
            )

    return _run(settings, args.officer, work)


def _simple(name: str) -> Callable[[argparse.Namespace, Any], int]:
    def handler(args: argparse.Namespace, settings: Any) -> int:
        from escalation import queue

        def work(session: Session, actor: Actor) -> None:
            if name == "reopen":
                case = queue.reopen_case(
                    session, actor, args.case_id, EscalationConfig.from_settings(settings)
                )
            else:
                case = getattr(queue, f"{name}_case")(session, actor, args.case_id)
            print(f"case {case.id}: {case.status}")

        return _run(settings, args.officer, work)

    return handler


def _note(args: argparse.Namespace, settings: Any) -> int:
    from escalation.queue import add_note

    def work(session: Session, actor: Actor) -> None:
        note = add_note(session, actor, args.case_id, args.text)
        print(f"note {note.id} added to case {args.case_id}")

    return _run(settings, args.officer, work)


def _resolve(args: argparse.Namespace, settings: Any) -> int:
    from escalation.queue import resolve_case

    def work(session: Session, actor: Actor) -> None:
        case = resolve_case(session, actor, args.case_id, args.outcome, note=args.note)
        print(f"case {case.id}: resolved ({case.outcome})")

    return _run(settings, args.officer, work)


def _rules_check(args: argparse.Namespace, settings: Any) -> int:
    from escalation.errors import InvalidRules
    from escalation.rules import load_rules

    try:
        rules = load_rules(args.path or settings.rules_path)
    except InvalidRules as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    kinds: dict[str, int] = {}
    for rule in rules.rules:
        kinds[rule.kind] = kinds.get(rule.kind, 0) + 1
    summary = ", ".join(f"{n} {kind}" for kind, n in kinds.items())
    print(f"{rules.path}: {len(rules.rules)} rules OK ({summary})")
    return 0


def _periodic(_args: argparse.Namespace, settings: Any) -> int:
    from escalation.periodic import run_periodic_rules
    from escalation.rules import load_rules

    rules = load_rules(settings.rules_path)
    with _session(settings) as session:
        report = run_periodic_rules(
            session, rules, utcnow(), config=EscalationConfig.from_settings(settings)
        )
    print(
        f"{report.opened} case(s) opened, {len(report.outcomes)} finding(s),"
        f" {len(report.sla_breaches)} SLA breach(es) alerted"
    )
    return 0
