"""One unit of work: a service opens its own transaction, or joins the caller's."""

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.orm import Session


@contextmanager
def unit_of_work(session: Session) -> Iterator[Session]:
    """Commit on success when we began the transaction; inside the caller's, only flush."""
    if session.in_transaction():
        yield session
        session.flush()
    else:
        with session.begin():
            yield session
