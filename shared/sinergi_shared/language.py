"""Texts for people: Bahasa Indonesia by default, English on `Accept-Language: en` (SPEC §8, Language).

Each service keeps its texts in one catalogue (`<service>/messages.py`) as `Text` constants; a `Text`
is rendered in the language of the request being served, which the service middleware sets.
Outside a request (consumers, jobs) texts are rendered in Indonesian, the default.
"""

from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass
from typing import Literal

Language = Literal["id", "en"]
DEFAULT_LANGUAGE: Language = "id"

current_language: ContextVar[Language] = ContextVar("sinergi_language", default=DEFAULT_LANGUAGE)


def negotiate(accept_language: str | None) -> Language:
    """The supported language the client ranks highest (RFC 9110 §12.5.4); Indonesian when it names none."""
    best: tuple[float, Language] | None = None
    for position, item in enumerate((accept_language or "").split(",")):
        tag, _, params = item.strip().partition(";")
        primary = tag.strip().lower().split("-")[0]
        if primary not in ("id", "in", "en", "*"):
            continue
        quality = _quality(params)
        if quality <= 0:
            continue
        language: Language = "en" if primary == "en" else DEFAULT_LANGUAGE
        # Higher quality wins; among equals, the one listed first.
        if best is None or quality > best[0]:
            best = (quality - position * 1e-6, language)
    return DEFAULT_LANGUAGE if best is None else best[1]


def _quality(params: str) -> float:
    for param in params.split(";"):
        name, _, value = param.strip().partition("=")
        if name.strip().lower() == "q":
            try:
                return max(0.0, min(1.0, float(value)))
            except ValueError:
                return 0.0
    return 1.0


@dataclass(frozen=True, slots=True)
class Text:
    """One text for people in both languages; `{name}` fields are filled when it is rendered."""

    id: str
    en: str

    def __call__(self, **values: object) -> str:
        """The text in the current request's language."""
        template = self.en if current_language.get() == "en" else self.id
        return template.format(**values) if values else template
