"""Certificates, pure: the provider's number pattern, a number from it, and what the public may see of a name."""

from __future__ import annotations

import itertools
import math
import re
import secrets
import string

from enrollment import messages

DEFAULT_PATTERN = "{code}/{year}/{seq}"
PATTERN_FIELDS = ("code", "year", "seq")
# {seq:04}: the sequence zero-padded to a width of 1 to 12 digits; nothing else takes a format.
_SEQ_WIDTH = re.compile(r"0(?:[1-9]|1[0-2])")
MASK = "*"
VISIBLE_LETTERS = 4  # at most, of each word of a name


def pattern_problem(pattern: str) -> str | None:
    """Why a number pattern cannot number certificates (None when it can): known fields, {seq} and {year} in it."""
    try:
        parts = list(string.Formatter().parse(pattern))
    except ValueError:
        return messages.PATTERN_BRACES()
    fields = set()
    for literal, field, spec, conversion in parts:
        if "{" in literal or "}" in literal or not literal.isprintable():
            return messages.PATTERN_BRACES()
        if field is None:
            continue
        if field not in PATTERN_FIELDS:
            return messages.PATTERN_UNKNOWN_FIELD(field=field)
        if conversion or (spec and not (field == "seq" and _SEQ_WIDTH.fullmatch(spec))):
            return messages.PATTERN_FORMAT(field=field)
        fields.add(field)
    if not {"seq", "year"} <= fields:
        return messages.PATTERN_NEEDS_SEQ_AND_YEAR()
    return None


def number(pattern: str, *, code: str, year: int, seq: int) -> str:
    """The certificate number the (valid) pattern gives the provider's seq-th certificate of the year."""
    return pattern.format(code=code, year=year, seq=seq)


def verification_code() -> str:
    """A new verification code: 128 random bits, URL-safe, so nobody finds a certificate by guessing."""
    return secrets.token_urlsafe(16)


def masked_name(name: str) -> str:
    """The name as a verifier compares it with the paper: each word's first letters, the rest starred.

    A word keeps half its letters, rounded up, at most four ("Siti Nurhayati" → "Si** Nurh*****"); what is not a
    letter (dots and commas of titles, hyphens) stays, so the shape of the name is kept.
    """
    return " ".join(_masked_word(word) for word in name.split())


def _masked_word(word: str) -> str:
    visible = min(VISIBLE_LETTERS, math.ceil(sum(c.isalpha() for c in word) / 2))
    shown = []
    for c in word:
        if c.isalpha():
            shown.append(c if visible > 0 else MASK)
            visible -= 1
        else:
            shown.append(c)
    return "".join(shown)


def spaced_nip(nip: str, *, employment: str | None = "PNS") -> str:
    """An 18-digit number as it is printed: NIP 8-6-1-3 (birth, appointment, gender, serial), NI PPPK 8-4-2-1-3."""
    if len(nip) != 18 or not nip.isdigit():
        return nip
    cuts = (8, 12, 14, 15) if employment == "PPPK" else (8, 14, 15)
    return " ".join(nip[a:b] for a, b in itertools.pairwise((0, *cuts, 18)))
