"""Who is acting on the queue, and from where: the input of every permission check and audit."""

from dataclasses import dataclass

from models import Officer

ROLES = ("officer", "supervisor", "admin", "system")


@dataclass(frozen=True)
class Actor:
    """An officer (or the system) acting through the dashboard, Telegram, the CLI or the bot.

    `role` is the officer's role (`officer`, `supervisor`, `admin`) or `system` for Maeum
    itself; `source` says from where ("dashboard 1.2.3.4", "telegram", "cli", "bot").
    """

    officer_id: int | None
    role: str
    district_id: int | None
    source: str

    @classmethod
    def for_officer(cls, officer: Officer, source: str) -> "Actor":
        return cls(officer.id, officer.role, officer.district_id, source)

    @classmethod
    def system(cls, source: str = "system") -> "Actor":
        return cls(None, "system", None, source)

    @property
    def sees_all_districts(self) -> bool:
        return self.role in ("admin", "system")

    @property
    def supervises(self) -> bool:
        """Supervisors and admins may release, reassign or resolve others' cases."""
        return self.role in ("supervisor", "admin", "system")

    def label(self) -> str:
        """How the audit log names the actor: "officer:12", "system", "cli"."""
        if self.officer_id is not None:
            return f"officer:{self.officer_id}"
        return "system" if self.role == "system" else self.source.split(" ", 1)[0]
