"""The page a phone shows after scanning a certificate's QR code: the verification as plain, printable HTML."""

from __future__ import annotations

from html import escape

from enrollment import messages
from enrollment.certificate_schemas import VerificationOut
from sinergi_shared.language import current_language, long_date


def prefers_html(accept: str | None) -> bool:
    """Whether the client (a browser) ranks HTML above JSON; API clients keep getting JSON."""
    ranked = {"text/html": -1.0, "application/json": 0.0}
    for item in (accept or "").split(","):
        media, _, params = item.strip().partition(";")
        if media.strip() in ranked:
            quality = 1.0
            for param in params.split(";"):
                name, _, value = param.strip().partition("=")
                if name == "q":
                    try:
                        quality = float(value)
                    except ValueError:
                        quality = 0.0
            ranked[media.strip()] = quality
    return ranked["text/html"] > ranked["application/json"]


def render(found: VerificationOut) -> str:
    """One small page: the verdict first, then what to compare with the paper."""
    valid = found.status == "valid"
    rows = [
        (messages.VERIFY_PAGE_NUMBER(), found.number),
        (messages.VERIFY_PAGE_HOLDER(), found.holder),
        (messages.VERIFY_PAGE_PROGRAM(), found.program_title),
        (messages.VERIFY_PAGE_JP(), str(found.jp)),
        (messages.VERIFY_PAGE_DATES(), f"{long_date(found.starts_on)} – {long_date(found.ends_on)}"),
        (messages.VERIFY_PAGE_PROVIDER(), found.provider_name or "—"),
        (messages.VERIFY_PAGE_ISSUED(), long_date(found.issued_on)),
    ]
    if not valid and found.revoke_reason:
        rows.append((messages.VERIFY_PAGE_REASON(), found.revoke_reason))
    table = "".join(f"<tr><th>{escape(label)}</th><td>{escape(value)}</td></tr>" for label, value in rows)
    verdict = messages.VERIFY_PAGE_VALID() if valid else messages.VERIFY_PAGE_REVOKED()
    colour = "#1b5e20" if valid else "#b71c1c"
    return (
        f'<!doctype html><html lang="{current_language.get()}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(messages.VERIFY_PAGE_TITLE())}</title>"
        "<style>body{font-family:sans-serif;margin:1.5rem;max-width:40rem;color:#1a2a3a}"
        "th{text-align:left;padding:.3rem 1rem .3rem 0;vertical-align:top;font-weight:normal;color:#555}"
        f"td{{padding:.3rem 0}}.verdict{{color:{colour};font-size:1.4rem;font-weight:bold}}</style></head><body>"
        f"<h1>{escape(messages.VERIFY_PAGE_TITLE())}</h1>"
        f'<p class="verdict">{escape(verdict)}</p><p>{escape(found.summary)}</p>'
        f"<table>{table}</table></body></html>"
    )
