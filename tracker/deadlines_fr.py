"""French timeline wording -> `Timeline`. Pure functions: no ORM, no clock."""

from .deadlines import Timeline


def read(text: str, wording: str) -> Timeline | None:
    """Read normalised French `text`; None when it is not French the engine knows."""
    return None
