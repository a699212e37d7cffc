"""Joining by invite link: /start <code>, the privacy notice and the consent decision."""

from __future__ import annotations

from bot.flows.turn import Turn
from bot.flows.types import Button, Outcome, Reply, buttons
from models import Member
from models.enrolment import (
    AlreadyEnrolled,
    EnrolmentError,
    GuardianConsentMissing,
    InviteExpired,
    InviteNotFound,
    InviteUsed,
    decline_consent,
    give_consent,
    redeem_invite,
)

_INVITE_ERRORS: dict[type[EnrolmentError], str] = {
    InviteNotFound: "invite.not_found",
    InviteExpired: "invite.expired",
    InviteUsed: "invite.used",
    GuardianConsentMissing: "invite.guardian_first",
    AlreadyEnrolled: "invite.already_enrolled",
}


def consent_notice(turn: Turn, member: Member) -> Reply:
    if member.role == "child":
        text = turn.t("consent.notice_child")
    else:
        text = turn.t("consent.notice_guardian", district=member.family.district.name)
    return Reply(
        text,
        buttons(
            [Button(turn.t("consent.agree"), "c:yes"), Button(turn.t("consent.decline"), "c:no")]
        ),
    )


def not_enrolled(turn: Turn) -> Outcome:
    return Outcome([Reply(f"{turn.t('welcome.not_enrolled')}\n\n{turn.t('help_lines')}")])


def on_start(turn: Turn, code: str | None) -> Outcome:
    member = turn.member
    if code and (member is None or member.consent != "given"):
        try:
            member = redeem_invite(
                turn.session,
                code,
                telegram_user_id=turn.who.user_id,
                chat_id=turn.who.chat_id,
                language=turn.language,
                now=turn.now,
            )
        except EnrolmentError as error:
            return Outcome([Reply(turn.t(_INVITE_ERRORS.get(type(error), "invite.not_found")))])
        turn.member = member
    if member is None:
        return not_enrolled(turn)
    if member.consent == "pending":
        return Outcome([consent_notice(turn, member)])
    if member.stopped:
        member.stopped = False
        return Outcome([Reply(turn.t("settings.restarted"))])
    return Outcome([Reply(turn.t("welcome.back"))])


def on_consent(turn: Turn, choice: str) -> Outcome:
    member = turn.member
    if member is None or member.consent != "pending" or choice not in ("yes", "no"):
        return Outcome(notice=turn.t("unsupported.stale_button"))
    if choice == "no":
        decline_consent(turn.session, member, turn.now)
        turn.clear_state()
        return Outcome([Reply(turn.t("consent.declined"), replace=True)])
    give_consent(turn.session, member, turn.now)
    return Outcome([Reply(turn.t(f"consent.given_{member.role}"), replace=True)])
