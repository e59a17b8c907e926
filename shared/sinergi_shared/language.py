"""Texts for people: Bahasa Indonesia by default, English on `Accept-Language: en` (SPEC §8, Language).

Each service keeps its texts in one catalogue (`<service>/messages.py`) as `Text` constants; a `Text`
is rendered in the language of the request being served, which the service middleware sets.
Outside a request (consumers, jobs) texts are rendered in Indonesian, the default.
"""

from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date
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


_MONTHS: dict[Language, tuple[str, ...]] = {
    "id": (
        "Januari",
        "Februari",
        "Maret",
        "April",
        "Mei",
        "Juni",
        "Juli",
        "Agustus",
        "September",
        "Oktober",
        "November",
        "Desember",
    ),
    "en": (
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ),
}


def rupiah(amount_idr: int) -> str:
    """An amount as a reader writes it: Rp1.500.000 in Indonesian, IDR 1,500,000 in English."""
    grouped = f"{amount_idr:,}"
    return f"IDR {grouped}" if current_language.get() == "en" else "Rp" + grouped.replace(",", ".")


def number(value: int) -> str:
    """A count with its digits grouped: 10.000 in Indonesian, 10,000 in English."""
    grouped = f"{value:,}"
    return grouped if current_language.get() == "en" else grouped.replace(",", ".")


def long_date(day: date) -> str:
    """A date as a letter writes it: 3 Desember 2026 (3 December 2026 in English)."""
    return f"{day.day} {_MONTHS[current_language.get()][day.month - 1]} {day.year}"
