"""Domain exceptions of the escalation room; adapters turn them into kind words for people."""


class EscalationError(Exception):
    """Base of every error the escalation services raise on purpose."""


class CaseNotFound(EscalationError):
    """No such case, or the case belongs to a district the actor may not see."""

    def __init__(self, case_id: int) -> None:
        super().__init__(f"case {case_id} not found")
        self.case_id = case_id


class CaseAlreadyClaimed(EscalationError):
    """Someone (maybe the actor) already owns the case, or it is no longer open."""

    def __init__(self, case_id: int, claimed_by_id: int | None) -> None:
        super().__init__(f"case {case_id} is already claimed")
        self.case_id = case_id
        self.claimed_by_id = claimed_by_id


class NotAllowed(EscalationError):
    """The actor's role, district or the case's state does not allow this action."""


class InvalidOutcome(EscalationError):
    """A resolution outcome that is not one of `OUTCOMES`."""

    def __init__(self, outcome: str) -> None:
        super().__init__(f"unknown outcome {outcome!r}")
        self.outcome = outcome


class InvalidRules(EscalationError):
    """A rule file that cannot be used; the message names the file, the rule and the problem."""


class NoRecipient(NotAllowed):
    """The family member to write to has not joined the bot (no chat to send to)."""
