"""The funding report printed on the real stack: the XLSX read back holds the JSON report's figures (the DOB money per
DOB province among them), the PDF renders on A4 pages and reads in Indonesian with rupiah as Rp1.500.000."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any
from uuid import UUID

import httpx

from sinergi_shared.payloads import InstitutionSnapshot
from tests.funding.bus import Bus, Enrollment, funding_events, wait_for_institutions
from tests.support.printed import PDF, XLSX, attachment, charts, fact, is_a4, read_pdf, table, workbook
from tests.support.service import RunningService
from tests.support.tokens import TestIssuer

YEAR = 2043  # no other funding test uses this year, so the coordinator's report is this test's alone


async def _institution(bus: Bus, kind: str, name: str, *, dob: bool = False, parent: UUID | None = None) -> UUID:
    inst = uuid.uuid4()
    snapshot = InstitutionSnapshot(
        id=inst,
        code=f"P-{inst.hex[:8]}",
        name=name,
        kind=kind,  # type: ignore[arg-type]
        sector="central" if kind == "ministry" else "regional",
        parent_id=parent,
        is_new_autonomous_region=dob,
        region_code=None,
        status="active",
        version=1,
    )
    await bus.publish("institution.registered", snapshot)
    return inst


async def test_the_funding_report_prints_its_figures_and_the_dob_money_per_province(
    api: httpx.AsyncClient, issuer: TestIssuer, bus: Bus, funding: RunningService, topic_prefix: str, tmp_path: Path
) -> None:
    tag = uuid.uuid4().hex[:4]
    ministry = await _institution(bus, "ministry", f"Kementerian Cetak {tag}")
    region = await _institution(bus, "province", f"Provinsi Biasa {tag}")
    papua_a = await _institution(bus, "province", f"Provinsi Papua Cetak {tag}", dob=True)
    regency = await _institution(bus, "regency", f"Kabupaten Cetak {tag}", parent=papua_a)
    papua_b = await _institution(bus, "province", f"Provinsi Papua Kosong {tag}", dob=True)
    await wait_for_institutions(funding.dsn, ministry, region, papua_a, regency, papua_b)
    coordinator = issuer.headers(uuid.uuid4(), "coordinator", "funding:write")
    fields = ("institution_id", "source", "ceiling_idr", "auto_approve_limit_idr", "purpose")
    for line in (
        (str(ministry), "APBN", 1_000_000_000, 50_000_000, "general"),
        (str(ministry), "APBN", 300_000_000, 0, "dob_facilitation"),
        (str(region), "APBD", 150_000_000, 10_000_000, "general"),
    ):
        body = {"fiscal_year": YEAR, **dict(zip(fields, line, strict=True))}
        assert (await api.post("/budgets", json=body, headers=coordinator)).status_code == 201

    async def reserved(e: Enrollment, events: int) -> dict[str, Any]:
        await bus.publish("enrollment.reserved", e.reserved())
        await funding_events(topic_prefix, e.id, count=events)
        listed = await api.get(f"/funding-requests?enrollment_id={e.id}", headers=coordinator)
        return dict(listed.json()["items"][0])

    async def approved(request_id: str) -> None:
        response = await api.post(
            f"/funding-requests/{request_id}/approve", headers={**coordinator, "Idempotency-Key": uuid.uuid4().hex}
        )
        assert response.json()["status"] == "approved", response.text

    regional = Enrollment(ministry, region, "regional", "APBD", 7_500_000, YEAR, nip="198001012005011001")
    assert (await reserved(regional, 2))["status"] == "approved"
    realized = Enrollment(ministry, regency, "regional", "APBN", 1_500_000, YEAR, is_dob=True, nip="198001012005011002")
    await approved((await reserved(realized, 1))["id"])
    committed = Enrollment(
        ministry, papua_a, "regional", "APBD", 2_500_000, YEAR, is_dob=True, nip="198001012005011003"
    )
    await approved((await reserved(committed, 1))["id"])
    await bus.publish("enrollment.completed", realized.completed())
    await funding_events(topic_prefix, realized.id, count=3)
    activity = {
        "institution_id": str(ministry),
        "source": "APBN",
        "fiscal_year": YEAR,
        "amount_idr": 3_000_000,
        "purpose": "dob_facilitation",
        "description": "fasilitasi pelatihan di Merauke",
    }
    created = await api.post(
        "/funding-requests", json=activity, headers={**coordinator, "Idempotency-Key": uuid.uuid4().hex}
    )
    await approved(created.json()["id"])

    path, params = "/reports/funding", {"fiscal_year": YEAR}
    report = (await api.get(path, params=params, headers=coordinator)).json()
    provinces = {p["province_id"]: p for p in report["dob"]["provinces"]}
    assert {k: provinces[str(papua_a)][k] for k in ("committed_idr", "realized_idr", "requests", "participants")} == {
        "committed_idr": 2_500_000,
        "realized_idr": 1_500_000,
        "requests": 2,
        "participants": 2,
    }
    assert provinces[str(papua_b)]["total_idr"] == 0
    assert (provinces[None]["committed_idr"], provinces[None]["participants"]) == (3_000_000, 0)
    assert report["dob"]["provinces"][-1]["province_id"] is None
    for figure in ("committed_idr", "realized_idr", "total_idr", "requests"):
        assert sum(p[figure] for p in provinces.values()) == report["dob"][figure], figure

    as_xlsx = await api.get(path, params={**params, "format": "xlsx"}, headers=coordinator)
    assert attachment(as_xlsx, XLSX) == f"laporan-pendanaan-seluruh-instansi-{YEAR}.xlsx"
    summary, by_source, by_institution, dob = workbook(as_xlsx.content).worksheets
    money = ("ceiling_idr", "committed_idr", "realized_idr", "available_idr")
    for label, figure in zip(("Pagu", "Terikat", "Terealisasi", "Tersedia"), money, strict=True):
        assert fact(summary, label) == report["totals"][figure]
    heading, rows = table(by_source, "Sumber dana")
    assert heading == ["Sumber dana", "Pagu", "Terikat", "Terealisasi", "Tersedia"]
    total = ["Jumlah", *(report["totals"][f] for f in money)]
    assert rows == [*([line["source"], *(line[f] for f in money)] for line in report["by_source"]), total]
    [(_, grouping, series)] = charts(by_source)
    assert grouping == "stacked" and len(series) == 3
    _, rows = table(by_institution, "Instansi")
    assert rows == [*([row["institution_name"], *(row[f] for f in money)] for row in report["by_institution"]), total]
    assert fact(dob, "Bagian DOB") == report["dob"]["share_pct"]
    heading, rows = table(dob, "Provinsi DOB")
    figures = ("committed_idr", "realized_idr", "total_idr", "requests", "participants")
    assert rows == [
        *(
            [p["name"] or "Tanpa provinsi (kegiatan fasilitasi K/L)", *(p[f] for f in figures)]
            for p in provinces.values()
        ),
        ["Jumlah", *(report["dob"][f] for f in figures[:-1]), None],
    ]
    [(_, grouping, series)] = charts(dob)
    assert grouping == "stacked" and len(series) == 2

    as_pdf = await api.get(path, params=params, headers={**coordinator, "Accept": PDF})
    assert attachment(as_pdf, PDF).endswith(".pdf")
    printed = read_pdf(as_pdf.content, tmp_path, "funding")
    assert is_a4(printed) and printed.pages >= 1
    for text in (
        "Laporan Pendanaan Pengembangan Kompetensi",
        "Tahun anggaran 2043",
        "Provinsi Papua Cetak",
        "Rp1.500.000",
        "Rp2.500.000",
        "Tanpa provinsi (kegiatan fasilitasi K/L)",
        f"Halaman 1 dari {printed.pages}",
    ):
        assert text in printed.text, text

    # The ministry's own report, in English; another institution's stays out of reach whatever the format.
    own = issuer.headers(ministry, "read")
    english = await api.get(path, params={**params, "format": "pdf"}, headers={**own, "Accept-Language": "en"})
    assert attachment(english, PDF).startswith("funding-report-kementerian-cetak-")
    printed = read_pdf(english.content, tmp_path, "funding-en")
    for text in ("Competency development funding report", f"Institution: Kementerian Cetak {tag}", "IDR 1,500,000"):
        assert text in printed.text, text
    foreign = await api.get(
        path,
        params={**params, "institution_id": str(ministry), "format": "xlsx"},
        headers=issuer.headers(region, "read"),
    )
    assert foreign.status_code == 403 and foreign.headers["content-type"].startswith("application/problem+json")
