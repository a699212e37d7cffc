"""Exceptions the dashboard turns into pages (404 for anything outside the officer's district)."""


class NotFound(Exception):
    """No such object, or one in a district the officer may not see: both answer 404."""
