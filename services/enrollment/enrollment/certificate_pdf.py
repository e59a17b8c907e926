"""The printed certificate: one A4 landscape page, in the request's language, with a QR code to its verification.

reportlab draws the page and the QR code (one maintained library for both); its built-in Helvetica covers the Latin
text of Indonesian, so no font file ships.
"""

from __future__ import annotations

import io
from xml.sax.saxutils import escape

from reportlab.graphics import renderPDF
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib.colors import Color, HexColor, black
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Paragraph

from enrollment import messages
from enrollment.certificate_schemas import CertificateOut
from enrollment.domain.certificates import spaced_nip
from sinergi_shared.language import long_date

WIDTH, HEIGHT = landscape(A4)
INK = HexColor("#1F3A5F")  # dark blue of the text and the outer frame
GOLD = HexColor("#B08D57")  # the inner frame and rules
GREY = HexColor("#555555")
TEXT_WIDTH = WIDTH - 200
QR_SIZE = 88
BOTTOM = 185  # the body ends above the signature and QR block


def render(c: CertificateOut) -> bytes:
    """The certificate as a one-page PDF."""
    buffer = io.BytesIO()
    pdf = Canvas(buffer, pagesize=(WIDTH, HEIGHT), invariant=True)
    pdf.setTitle(messages.CERTIFICATE_PDF_TITLE(number=c.number))
    pdf.setAuthor(c.provider_name or "")
    pdf.setSubject(c.program_title)
    _frame(pdf)
    _body(pdf, c)
    _qr_block(pdf, c)
    _signature_block(pdf, c)
    if c.status == "revoked":
        _revoked_stamp(pdf)
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def _frame(pdf: Canvas) -> None:
    pdf.setStrokeColor(INK)
    pdf.setLineWidth(3)
    pdf.rect(22, 22, WIDTH - 44, HEIGHT - 44)
    pdf.setStrokeColor(GOLD)
    pdf.setLineWidth(0.8)
    pdf.rect(30, 30, WIDTH - 60, HEIGHT - 60)


def _style(size: float, *, font: str = "Helvetica", color: Color = INK, space: float = 0) -> ParagraphStyle:
    return ParagraphStyle(
        "line",
        fontName=font,
        fontSize=size,
        leading=size * 1.25,
        alignment=TA_CENTER,
        textColor=color,
        spaceAfter=space,
    )


def _fitted(text: str, style: ParagraphStyle, *, max_lines: int, smallest: float, width: float) -> Paragraph:
    """The text centred in the width, its font shrunk until it takes at most max_lines lines."""
    size = style.fontSize
    while True:
        fitted = ParagraphStyle("fitted", parent=style, fontSize=size, leading=size * 1.25)
        paragraph = Paragraph(escape(text), fitted)
        _, height = paragraph.wrap(width, HEIGHT)
        if height <= max_lines * fitted.leading + 0.1 or size <= smallest:
            return paragraph
        size -= 1


# One line of the body: its text, style, at most how many lines, the smallest font it may shrink to, its width.
Line = tuple[str, ParagraphStyle, int, float, float]


def _body(pdf: Canvas, c: CertificateOut) -> None:
    """The issuer at the top; below it, centred in the space left above the signature, who passed what."""
    holder_number = messages.CERTIFICATE_HOLDER_NUMBER["PPPK" if c.holder_employment == "PPPK" else "PNS"]
    pattern = messages.CERTIFICATE_PATTERN_NAMES[c.pattern]()
    if c.starts_on == c.ends_on:
        held = messages.CERTIFICATE_HELD_ONE_DAY(provider=c.provider_name, day=long_date(c.starts_on), jp=c.jp)
    else:
        starts, ends = long_date(c.starts_on), long_date(c.ends_on)
        held = messages.CERTIFICATE_HELD(provider=c.provider_name, starts=starts, ends=ends, jp=c.jp)
    issuer: list[Line] = [
        ((c.provider_parent_name or "").upper(), _style(11, color=GREY, space=1), 1, 8, TEXT_WIDTH),
        ((c.provider_name or "").upper(), _style(13, font="Helvetica-Bold"), 2, 9, TEXT_WIDTH),
    ]
    award: list[Line] = [
        (messages.CERTIFICATE_TITLE(), _style(38, font="Helvetica-Bold", space=12), 1, 30, TEXT_WIDTH),
        (messages.CERTIFICATE_NUMBER(number=c.number), _style(11, color=GREY, space=16), 1, 8, TEXT_WIDTH),
        (messages.CERTIFICATE_GIVEN_TO(), _style(12, font="Helvetica-Oblique", space=4), 1, 10, TEXT_WIDTH),
        (c.holder_name, _style(24, font="Helvetica-Bold", space=3), 1, 14, TEXT_WIDTH),
        (holder_number(nip=spaced_nip(c.holder_nip, employment=c.holder_employment)), _style(11), 1, 9, TEXT_WIDTH),
        (c.holder_institution_name or "", _style(11, space=14), 1, 9, TEXT_WIDTH),
        (messages.CERTIFICATE_PASSED(), _style(12, space=3), 1, 10, TEXT_WIDTH),
        (c.program_title, _style(17, font="Helvetica-Bold", space=1), 2, 11, TEXT_WIDTH),
        (pattern, _style(10, font="Helvetica-Oblique", color=GREY, space=10), 1, 8, TEXT_WIDTH),
        (held, _style(11.5), 2, 9, TEXT_WIDTH - 80),
    ]
    top = _draw(pdf, _laid_out(issuer), HEIGHT - 52)
    block = _laid_out(award)
    room = top - BOTTOM - sum(height + p.style.spaceAfter for p, height, _ in block)
    y = _draw(pdf, block, top - max(0, room) / 2, title_rule=True)
    assert y >= BOTTOM - 1 or room < 0


def _laid_out(lines: list[Line]) -> list[tuple[Paragraph, float, float]]:
    """Each line that has text as a paragraph fitted to its width, with its height and width."""
    laid = []
    for text, style, max_lines, smallest, width in lines:
        if text:
            paragraph = _fitted(text, style, max_lines=max_lines, smallest=smallest, width=width)
            laid.append((paragraph, paragraph.wrap(width, HEIGHT)[1], width))
    return laid


def _draw(pdf: Canvas, laid: list[tuple[Paragraph, float, float]], y: float, *, title_rule: bool = False) -> float:
    """Draw the paragraphs one under the other from y down; returns where the last one ends."""
    for index, (paragraph, height, width) in enumerate(laid):
        y -= height
        paragraph.drawOn(pdf, (WIDTH - width) / 2, y)
        if title_rule and index == 0:  # a gold rule under the title
            pdf.setStrokeColor(GOLD)
            pdf.setLineWidth(1)
            pdf.line(WIDTH / 2 - 120, y - 5, WIDTH / 2 + 120, y - 5)
        y -= paragraph.style.spaceAfter
    return y


def _qr_block(pdf: Canvas, c: CertificateOut) -> None:
    """Bottom left: the QR code of the verification page, what it is for, and the code to type by hand."""
    # Each module stroked in its own colour as well: no hairline seams between them when a viewer anti-aliases.
    widget = QrCodeWidget(c.verification_url, barLevel="M", barBorder=2, barStrokeColor=black, barStrokeWidth=0.2)
    left, bottom, right, top = widget.getBounds()
    drawing = Drawing(QR_SIZE, QR_SIZE, transform=[QR_SIZE / (right - left), 0, 0, QR_SIZE / (top - bottom), 0, 0])
    drawing.add(widget)
    x, y = 62, 60
    renderPDF.draw(drawing, pdf, x, y)
    caption = ParagraphStyle("caption", fontName="Helvetica", fontSize=7.5, leading=9.5, textColor=GREY)
    lines = f"{escape(messages.CERTIFICATE_VERIFY_HINT())}<br/>{escape(c.verification_url)}"
    hint = Paragraph(lines, caption)
    _, height = hint.wrap(170, 60)
    hint.drawOn(pdf, x + QR_SIZE + 8, y + QR_SIZE - height - 4)
    code = Paragraph(escape(messages.CERTIFICATE_VERIFY_CODE(code=c.code)), caption)
    code.wrap(170, 20)
    code.drawOn(pdf, x + QR_SIZE + 8, y + 4)


def _signature_block(pdf: Canvas, c: CertificateOut) -> None:
    """Bottom right: place and date, the signer's post, room to sign, the name and NIP."""
    centre, width = WIDTH - 215, 270
    place_date = ", ".join(part for part in (c.signing_place, long_date(c.issued_on)) if part)
    post = c.signer_post or ""
    y = BOTTOM - 8
    for text in (place_date, post):
        if not text:
            continue
        paragraph = Paragraph(escape(text), _style(11))
        _, height = paragraph.wrap(width, 60)
        y -= height
        paragraph.drawOn(pdf, centre - width / 2, y)
    y -= 58  # room for the signature and the stamp
    name = c.signer_name or messages.CERTIFICATE_SIGNER_UNSET()
    font = "Helvetica-Bold" if c.signer_name else "Helvetica-Oblique"
    size = 11.5
    while pdf.stringWidth(name, font, size) > width and size > 8:
        size -= 0.5
    pdf.setFillColor(INK)
    pdf.setFont(font, size)
    pdf.drawCentredString(centre, y, name)
    if c.signer_name:
        half = pdf.stringWidth(name, font, size) / 2
        pdf.setStrokeColor(INK)
        pdf.setLineWidth(0.7)
        pdf.line(centre - half, y - 2.5, centre + half, y - 2.5)
    if c.signer_nip:
        pdf.setFont("Helvetica", 10.5)
        pdf.drawCentredString(centre, y - 15, messages.CERTIFICATE_HOLDER_NUMBER["PNS"](nip=spaced_nip(c.signer_nip)))


def _revoked_stamp(pdf: Canvas) -> None:
    """Across the page, so a revoked certificate is never printed as a good one."""
    pdf.saveState()
    pdf.setFillColor(Color(0.75, 0.1, 0.1, alpha=0.28))
    pdf.setFont("Helvetica-Bold", 110)
    pdf.translate(WIDTH / 2, HEIGHT / 2)
    pdf.rotate(20)
    pdf.drawCentredString(0, -35, messages.CERTIFICATE_REVOKED_STAMP())
    pdf.restoreState()
