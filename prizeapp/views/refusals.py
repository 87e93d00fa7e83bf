"""The services' refusals (RuleError) in the reader's language. Each area keeps one `Refusals` table from the
codes of its error to sentences: lazy messages whose %(name)s placeholders are filled from the error's params,
or, for a sentence whose grammar depends on a number (ngettext), a function of those params."""
from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l

from ..errors import RuleError

Sentence = LazyString | str | Callable[[dict[str, Any]], str]

GENERIC = _l("This action is not possible now.")
# The default of the organisers' tables: the code tells support what was refused.
NOT_POSSIBLE = _l("This change is not possible (%(code)s).")


@dataclass(frozen=True)
class Refusals:
    """What the refusals of `error` (and of its subclasses) say. `formats` turn a param into what the reader
    sees (a phase label, a date, a list); `default` is said for a code the table lacks, with %(code)s."""

    error: type[RuleError]
    sentences: Mapping[str, Sentence]
    formats: Mapping[str, Callable[[Any], Any]] = field(default_factory=dict)
    default: Sentence = GENERIC

    def say(self, error: RuleError, **context: Any) -> str:
        """Every reason of `error`, one sentence each. `context` adds values the page knows and the error
        does not carry (the signed-in address, the call)."""
        return " ".join(self.sentence(code, error.params, **context) for code in error.codes)

    def sentence(self, code: str, params: Mapping[str, Any] | None = None, **context: Any) -> str:
        """The sentence for one code, e.g. a problem the page found by asking the service, not by a refusal."""
        values = {"code": code, **(params or {}), **context}
        values = {name: self.formats[name](value) if name in self.formats else value
                  for name, value in values.items()}
        text = self.sentences.get(code, self.default)
        return text(values) if callable(text) else str(text) % values
