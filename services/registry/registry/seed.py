"""Reference data of SPEC section 1, loaded idempotently: `python -m registry.seed`.

Every institution goes through the same use case as the API, so each new one is announced on
`registry.institutions`; one that already exists (by code) is left as it is and announced nothing.
"""

from __future__ import annotations

import asyncio
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from registry.config import Settings, get_settings
from registry.credentials import BOOTSTRAP_INSTITUTION, BOOTSTRAP_LOCK, BOOTSTRAP_PARENT
from registry.service import ensure_institution
from sinergi_shared.db import make_engine, make_sessionmaker, transaction

# (code, name, kind, training unit code, training unit name) of the K/L of the coordination meeting.
MINISTRIES_AND_AGENCIES: tuple[tuple[str, str, str, str, str], ...] = (
    (
        "KEMENKOP-UKM",
        "Kementerian Koperasi dan Usaha Kecil dan Menengah",
        "ministry",
        "PUSDIKLAT-KEMENKOP-UKM",
        "Pusat Pendidikan dan Pelatihan Kemenkop UKM",
    ),
    ("KEMENHUB", "Kementerian Perhubungan", "ministry", "BPSDM-KEMENHUB", "BPSDM Perhubungan"),
    ("KEMENDAG", "Kementerian Perdagangan", "ministry", "PUSDIKLAT-KEMENDAG", "Pusdiklat Perdagangan"),
    ("KEMENTAN", "Kementerian Pertanian", "ministry", "BPPSDMP-KEMENTAN", "BPPSDM Pertanian"),
    (
        "KEMENTERIAN-ATR-BPN",
        "Kementerian Agraria dan Tata Ruang/Badan Pertanahan Nasional",
        "ministry",
        "PPSDM-ATR-BPN",
        "PPSDM Kementerian ATR/BPN",
    ),
    (
        "KEMENDES-PDTT",
        "Kementerian Desa, Pembangunan Daerah Tertinggal dan Transmigrasi",
        "ministry",
        "BPSDM-KEMENDES-PDTT",
        "BPSDM Kemendes PDTT",
    ),
    ("KEMENSETNEG", "Kementerian Sekretariat Negara", "ministry", "PUSDIKLAT-KEMENSETNEG", "Pusdiklat Kemensetneg"),
    ("KEMENKES", "Kementerian Kesehatan", "ministry", "BPPSDM-KEMENKES", "BPPSDM Kesehatan"),
    (
        "KEMENTERIAN-PUPR",
        "Kementerian Pekerjaan Umum dan Perumahan Rakyat",
        "ministry",
        "BPSDM-PUPR",
        "BPSDM Kementerian PUPR",
    ),
    ("BSSN", "Badan Siber dan Sandi Negara", "agency", "PUSBANG-SDM-BSSN", "Pusat Pengembangan SDM BSSN"),
    ("BNN", "Badan Narkotika Nasional", "agency", "PUSDIKLAT-BNN", "Pusdiklat BNN"),
    ("BKN", "Badan Kepegawaian Negara", "agency", "PUSBANG-ASN-BKN", "Pusat Pengembangan ASN BKN"),
    ("ANRI", "Arsip Nasional Republik Indonesia", "agency", "PUSDIKLAT-ANRI", "Pusdiklat Kearsipan ANRI"),
    (
        "LKPP",
        "Lembaga Kebijakan Pengadaan Barang/Jasa Pemerintah",
        "agency",
        "PUSDIKLAT-PBJ-LKPP",
        "Pusdiklat Pengadaan Barang/Jasa LKPP",
    ),
)

# (code, name, BPS region code, DOB) of the Papua provinces; the four DOB were created in 2022.
PROVINCES: tuple[tuple[str, str, str, bool], ...] = (
    ("PROV-PAPUA", "Provinsi Papua", "91", False),
    ("PROV-PAPUA-BARAT", "Provinsi Papua Barat", "92", False),
    ("PROV-PAPUA-SELATAN", "Provinsi Papua Selatan", "93", True),
    ("PROV-PAPUA-TENGAH", "Provinsi Papua Tengah", "94", True),
    ("PROV-PAPUA-PEGUNUNGAN", "Provinsi Papua Pegunungan", "95", True),
    ("PROV-PAPUA-BARAT-DAYA", "Provinsi Papua Barat Daya", "96", True),
)


def reference_institutions() -> list[dict[str, Any]]:
    """Every seeded institution in creation order; a training unit names its parent by `parent_code`."""
    items: list[dict[str, Any]] = [
        dict(BOOTSTRAP_PARENT),
        {**BOOTSTRAP_INSTITUTION, "parent_code": BOOTSTRAP_PARENT["code"]},
    ]
    for code, name, kind, unit_code, unit_name in MINISTRIES_AND_AGENCIES:
        items.append({"code": code, "name": name, "kind": kind})
        items.append({"code": unit_code, "name": unit_name, "kind": "training_unit", "parent_code": code})
    for code, name, region_code, dob in PROVINCES:
        items.append(
            {
                "code": code,
                "name": name,
                "kind": "province",
                "region_code": region_code,
                "is_new_autonomous_region": dob,
            }
        )
    return items


async def seed_in(session: AsyncSession, settings: Settings) -> int:
    """Register the missing reference institutions in this transaction; returns how many were new."""
    # The same lock as the startup bootstrap, so concurrent seeds and startups never race on a code.
    await session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": BOOTSTRAP_LOCK})
    ids: dict[str, Any] = {}
    created = 0
    for item in reference_institutions():
        fields = dict(item)
        parent_code = fields.pop("parent_code", None)
        if parent_code is not None:
            fields["parent_id"] = ids[parent_code]
        inst, new = await ensure_institution(session, topic_prefix=settings.topic_prefix, **fields)
        created += new
        ids[inst.code] = inst.id
    return created


async def seed(sessions: async_sessionmaker[AsyncSession], settings: Settings) -> int:
    """Load the reference data in one transaction; running it again changes and announces nothing."""
    async with transaction(sessions) as session:
        return await seed_in(session, settings)


async def _main() -> None:
    settings = get_settings()
    engine = make_engine(settings.database_url, pool_size=1, max_overflow=0)
    try:
        created = await seed(make_sessionmaker(engine), settings)
    finally:
        await engine.dispose()
    print(f"registry seed: {created} institutions added, {len(reference_institutions()) - created} already present")


if __name__ == "__main__":
    asyncio.run(_main())
