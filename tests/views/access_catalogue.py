"""Access matrix rows for the public catalogue's list (/innovations): everyone reads it, signed in or not; a
filter value that is not in its list is answered 400 with a message on the page, never an error page."""
from __future__ import annotations

from .access import Route, everyone

ROWS: list[Route] = [
    Route("catalogue.index", "GET", "/innovations", everyone(200)),
    Route("catalogue.index", "GET", "/innovations?q=conciergerie&territory=urban&sort=replications&page=2",
          everyone(200)),
    Route("catalogue.index", "GET", "/innovations?theme=nonsense&call=-1", everyone(400)),
]


def build(call, people) -> dict:
    """One public record, so that the list has a card to show."""
    from .. import factories

    factories.innovation(title="Conciergerie solidaire du catalogue")
    return {}
