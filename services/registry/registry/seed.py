"""Reference data of SPEC section 1, loaded idempotently: `python -m registry.seed`.

Every institution goes through the same use case as the API, so each new one is announced on
`registry.institutions`; one that already exists (by code) is left as it is and announced nothing.
"""

from __future__ import annotations

import asyncio
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from registry import institutions
from registry.clients import BOOTSTRAP_INSTITUTION, BOOTSTRAP_PARENT, hold_bootstrap_lock
from registry.config import get_settings
from registry.schemas import InstitutionCreate
from sinergi_shared.contracts import InstitutionKind
from sinergi_shared.db import make_engine, make_sessionmaker, transaction

# (code, name, kind, training unit code, training unit name) of the K/L of the coordination meeting.
MINISTRIES_AND_AGENCIES: tuple[tuple[str, str, InstitutionKind, str, str], ...] = (
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


def reference_institutions() -> list[tuple[InstitutionCreate, str | None]]:
    """Every seeded institution in creation order, each with the code of its parent (None at the top)."""
    items: list[tuple[InstitutionCreate, str | None]] = [
        (BOOTSTRAP_PARENT, None),
        (BOOTSTRAP_INSTITUTION, BOOTSTRAP_PARENT.code),
    ]
    for code, name, kind, unit_code, unit_name in MINISTRIES_AND_AGENCIES:
        items.append((InstitutionCreate(code=code, name=name, kind=kind), None))
        items.append((InstitutionCreate(code=unit_code, name=unit_name, kind="training_unit"), code))
    for code, name, region_code, dob in PROVINCES:
        province = InstitutionCreate(
            code=code, name=name, kind="province", region_code=region_code, is_new_autonomous_region=dob
        )
        items.append((province, None))
    return items


async def seed(sessions: async_sessionmaker[AsyncSession]) -> int:
    """Load the reference data in one unit of work; running it again changes and announces nothing."""
    async with transaction(sessions) as session:
        # The same lock as the startup bootstrap, so concurrent seeds and startups never race on a code.
        await hold_bootstrap_lock(session)
        ids: dict[str, UUID] = {}
        created = 0
        for body, parent_code in reference_institutions():
            if parent_code is not None:
                body = body.model_copy(update={"parent_id": ids[parent_code]})
            institution, new = await institutions.ensure(session, body)
            created += new
            ids[institution.code] = institution.id
        return created


async def _main() -> None:
    engine = make_engine(get_settings().database_url, pool_size=1, max_overflow=0)
    try:
        created = await seed(make_sessionmaker(engine))
    finally:
        await engine.dispose()
    print(f"registry seed: {created} institutions added, {len(reference_institutions()) - created} already present")


if __name__ == "__main__":
    asyncio.run(_main())
