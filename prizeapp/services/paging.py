"""Page numbers of a list shown a page at a time, shaped like Flask-SQLAlchemy's pagination for the
`pagination` macro of templates/_macros.html."""
from __future__ import annotations

import math


class PageNumbers:
    """For a dataclass with `page`, `per_page` and `total`: how many pages there are and which are next."""

    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page))

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def prev_num(self) -> int:
        return self.page - 1

    @property
    def next_num(self) -> int:
        return self.page + 1
