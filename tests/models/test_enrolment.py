"""Enrolment services: invites, consent, erasing a member's data, exporting a family."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from models import (
    Case,
    CaseTrigger,
    Member,
    Message,
    MessageAnalysis,
    MoodCheckin,
)
from models.enrolment import (
    AlreadyEnrolled,
    DistrictNotFound,
    GuardianConsentMissing,
    InvalidFamily,
    InviteExpired,
    InviteNotFound,
    InviteUsed,
    add_district,
    decline_consent,
    delete_member_data,
    enrol_family,
    export_family,
    give_consent,
    invite_link,
    redeem_invite,
)

NOW = datetime(2026, 11, 22, 3, 0, tzinfo=UTC)
TTL = timedelta(days=7)


def _enrol(session, age=8):
    add_district(session, "gangnam")
    return enrol_family(
        session,
        district_code="gangnam",
        child_alias="Min",
        child_age=age,
        now=NOW,
        invite_ttl=TTL,
    )


def test_enrol_issues_two_single_use_expiring_invites(session_factory):
    with session_factory() as session, session.begin():
        enrolled = _enrol(session)
        codes = {enrolled.guardian_invite.code, enrolled.child_invite.code}
        assert len(codes) == 2
        assert enrolled.guardian_invite.expires_at == NOW + TTL
        assert invite_link("@MaeumBot", enrolled.child_invite.code) == (
            f"https://t.me/MaeumBot?start={enrolled.child_invite.code}"
        )
        with pytest.raises(DistrictNotFound):
            enrol_family(
                session,
                district_code="nowhere",
                child_alias="A",
                child_age=5,
                now=NOW,
                invite_ttl=TTL,
            )
        with pytest.raises(InvalidFamily):
            enrol_family(
                session,
                district_code="gangnam",
                child_alias="A",
                child_age=40,
                now=NOW,
                invite_ttl=TTL,
            )


def test_child_invite_needs_guardian_consent_first(session_factory):
    with session_factory() as session, session.begin():
        enrolled = _enrol(session)
        with pytest.raises(GuardianConsentMissing):
            redeem_invite(
                session,
                enrolled.child_invite.code,
                telegram_user_id=2,
                chat_id=2,
                language="ko",
                now=NOW,
            )
        guardian = redeem_invite(
            session,
            enrolled.guardian_invite.code,
            telegram_user_id=1,
            chat_id=1,
            language="en",
            now=NOW,
        )
        assert guardian.consent == "pending"
        give_consent(session, guardian, NOW)
        child = redeem_invite(
            session,
            enrolled.child_invite.code,
            telegram_user_id=2,
            chat_id=2,
            language="ko",
            now=NOW,
        )
        assert child.role == "child"


def test_invites_are_single_use_and_expire(session_factory):
    with session_factory() as session, session.begin():
        enrolled = _enrol(session)
        code = enrolled.guardian_invite.code
        member = redeem_invite(session, code, telegram_user_id=1, chat_id=1, language="ko", now=NOW)
        # The same person tapping the link again is not an error.
        assert (
            redeem_invite(session, code, telegram_user_id=1, chat_id=1, language="ko", now=NOW).id
            == member.id
        )
        with pytest.raises(InviteUsed):
            redeem_invite(session, code, telegram_user_id=9, chat_id=9, language="ko", now=NOW)
        with pytest.raises(InviteNotFound):
            redeem_invite(session, "forged", telegram_user_id=9, chat_id=9, language="ko", now=NOW)
        other = _enrol(session)
        with pytest.raises(InviteExpired):
            redeem_invite(
                session,
                other.guardian_invite.code,
                telegram_user_id=9,
                chat_id=9,
                language="ko",
                now=NOW + TTL,
            )
        with pytest.raises(AlreadyEnrolled):
            redeem_invite(
                session,
                other.guardian_invite.code,
                telegram_user_id=1,
                chat_id=1,
                language="ko",
                now=NOW,
            )


def test_declining_keeps_only_the_refusal(session_factory):
    with session_factory() as session, session.begin():
        enrolled = _enrol(session)
        member = redeem_invite(
            session,
            enrolled.guardian_invite.code,
            telegram_user_id=1,
            chat_id=1,
            language="ko",
            now=NOW,
        )
        decline_consent(session, member, NOW)
    with session_factory() as session:
        member = session.scalars(select(Member)).one()
        assert (member.consent, member.telegram_user_id, member.chat_id) == ("declined", None, None)


def test_delete_erases_messages_but_keeps_what_an_open_case_needs(session_factory):
    with session_factory() as session, session.begin():
        enrolled = _enrol(session)
        guardian = redeem_invite(
            session,
            enrolled.guardian_invite.code,
            telegram_user_id=1,
            chat_id=1,
            language="ko",
            now=NOW,
        )
        give_consent(session, guardian, NOW)
        family_id = guardian.family_id
        messages = [
            Message(
                family_id=family_id,
                member_id=guardian.id,
                direction="in",
                sender="guardian",
                text=f"text {n}",
                created_at=NOW,
            )
            for n in range(3)
        ]
        session.add_all(messages)
        session.flush()
        session.add(
            MessageAnalysis(
                message_id=messages[0].id,
                model="m",
                lang="ko",
                emotions={},
                emotion_labels=[],
                risk={},
                risk_labels=[],
            )
        )
        session.add(
            MoodCheckin(member_id=guardian.id, family_id=family_id, mood="sad", week="2026-W47")
        )
        case = Case(
            family_id=family_id,
            district_id=enrolled.family.district_id,
            reason_id="r",
            reason="r",
            severity="urgent",
            sla_due_at=NOW,
        )
        session.add(case)
        session.flush()
        session.add(
            CaseTrigger(case_id=case.id, rule_id="r", severity="urgent", message_id=messages[1].id)
        )
        session.flush()
        report = delete_member_data(session, guardian, NOW)
        assert report.messages_deleted == 2
        assert report.messages_kept_for_open_case == 1
        assert report.mood_checkins_deleted == 1
    with session_factory() as session:
        assert session.scalars(select(Message.text)).all() == ["text 1"]
        assert session.scalar(select(func.count()).select_from(MessageAnalysis)) == 0
        member = session.scalars(select(Member)).one()
        assert member.telegram_user_id is None and member.consent == "withdrawn"


def test_export_family_lists_members_and_messages(session_factory):
    with session_factory() as session, session.begin():
        enrolled = _enrol(session)
        guardian = redeem_invite(
            session,
            enrolled.guardian_invite.code,
            telegram_user_id=1,
            chat_id=1,
            language="ko",
            now=NOW,
        )
        give_consent(session, guardian, NOW)
        session.add(
            Message(
                family_id=guardian.family_id,
                member_id=guardian.id,
                direction="in",
                sender="guardian",
                text="hello",
                created_at=NOW,
            )
        )
        session.flush()
        data = export_family(session, guardian.family_id)
    assert data["family"]["district"] == "gangnam"
    assert [m["role"] for m in data["members"]] == ["guardian"]
    assert [m["text"] for m in data["messages"]] == ["hello"]
