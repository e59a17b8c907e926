"""Reference data of SPEC section 1, loaded idempotently: `python -m registry.seed`.

Every institution goes through the same use case as the API, so each new one is announced on
`registry.institutions`; one that already exists (by code) is left as it is and announced nothing.
"""

from __future__ import annotations

import asyncio
from datetime import date
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from registry import institutions
from registry.clients import BOOTSTRAP_INSTITUTION, BOOTSTRAP_PARENT, hold_bootstrap_lock
from registry.config import get_settings
from registry.schemas import InstitutionCreate, Succession
from sinergi_shared.db import make_engine, make_sessionmaker, transaction
from sinergi_shared.http import etag
from sinergi_shared.payloads import InstitutionKind

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
        # With the comma before "dan", as Perpres 12/2015 on the ministry and its Permendesa PDTT write it.
        "Kementerian Desa, Pembangunan Daerah Tertinggal, dan Transmigrasi",
        "ministry",
        "BPSDM-KEMENDES-PDTT",
        "BPSDM Kemendes PDTT",
    ),
    ("KEMENSETNEG", "Kementerian Sekretariat Negara", "ministry", "PUSDIKLAT-KEMENSETNEG", "Pusdiklat Kemensetneg"),
    # Perpres 18/2021 dissolved BPPSDM Kesehatan; training of health workers is now a function of the new
    # Direktorat Jenderal Tenaga Kesehatan (art. 23-24).
    (
        "KEMENKES",
        "Kementerian Kesehatan",
        "ministry",
        "DITJEN-NAKES-KEMENKES",
        "Direktorat Jenderal Tenaga Kesehatan Kemenkes",
    ),
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

# (code, name, Kemendagri region code, BPS code, DOB) of the Papua provinces.
# Kemendagri codes: 91-95 Kepmendagri 100.1.1-6117/2022, 96 Kepmendagri 300.2.2-2138/2025 (Papua Barat Daya came
# after the 2022 decree); as tabulated in github.com/cahyadsn/wilayah, db/archive/wilayah_2023.sql (2022 decree)
# and db/wilayah_luas.sql (2025 decree).
# BPS codes: Papua 94, Papua Barat 91 (sig.bps.go.id/bridging-kode, as in github.com/taufiqart/wilayah-indonesia
# data/province.json; id.wikipedia.org "Papua Barat"). The four DOB's BPS codes are not confirmed: left empty.
# The DOB: UU 14/2022 (Papua Selatan), 15/2022 (Papua Tengah), 16/2022 (Papua Pegunungan), 29/2022 (Papua Barat Daya).
PROVINCES: tuple[tuple[str, str, str, str | None, bool], ...] = (
    ("PROV-PAPUA", "Provinsi Papua", "91", "94", False),
    ("PROV-PAPUA-BARAT", "Provinsi Papua Barat", "92", "91", False),
    ("PROV-PAPUA-SELATAN", "Provinsi Papua Selatan", "93", None, True),
    ("PROV-PAPUA-TENGAH", "Provinsi Papua Tengah", "94", None, True),
    ("PROV-PAPUA-PEGUNUNGAN", "Provinsi Papua Pegunungan", "95", None, True),
    ("PROV-PAPUA-BARAT-DAYA", "Provinsi Papua Barat Daya", "96", None, True),
)

# (code, name, kind, Kemendagri region code) of the regencies and the city of each DOB province. Each existed
# before 2022 and is not itself a new autonomous region: it is DOB through its province, as the enrollment
# replica derives it. Their BPS codes are not confirmed since the split: left empty.
DOB_LOCAL_GOVERNMENTS: dict[str, tuple[tuple[str, str, InstitutionKind, str], ...]] = {
    # Members: UU 14/2022; codes: Kepmendagri 100.1.1-6117/2022 (cahyadsn/wilayah db/archive/wilayah_2023.sql).
    "PROV-PAPUA-SELATAN": (
        ("KAB-MERAUKE", "Kabupaten Merauke", "regency", "93.01"),
        ("KAB-BOVEN-DIGOEL", "Kabupaten Boven Digoel", "regency", "93.02"),
        ("KAB-MAPPI", "Kabupaten Mappi", "regency", "93.03"),
        ("KAB-ASMAT", "Kabupaten Asmat", "regency", "93.04"),
    ),
    # Members: UU 15/2022; codes: Kepmendagri 100.1.1-6117/2022 (as above).
    "PROV-PAPUA-TENGAH": (
        ("KAB-NABIRE", "Kabupaten Nabire", "regency", "94.01"),
        ("KAB-PUNCAK-JAYA", "Kabupaten Puncak Jaya", "regency", "94.02"),
        ("KAB-PANIAI", "Kabupaten Paniai", "regency", "94.03"),
        ("KAB-MIMIKA", "Kabupaten Mimika", "regency", "94.04"),
        ("KAB-PUNCAK", "Kabupaten Puncak", "regency", "94.05"),
        ("KAB-DOGIYAI", "Kabupaten Dogiyai", "regency", "94.06"),
        ("KAB-INTAN-JAYA", "Kabupaten Intan Jaya", "regency", "94.07"),
        ("KAB-DEIYAI", "Kabupaten Deiyai", "regency", "94.08"),
    ),
    # Members: UU 16/2022 art. 3(1); codes: Kepmendagri 100.1.1-6117/2022 (as above).
    "PROV-PAPUA-PEGUNUNGAN": (
        ("KAB-JAYAWIJAYA", "Kabupaten Jayawijaya", "regency", "95.01"),
        ("KAB-PEGUNUNGAN-BINTANG", "Kabupaten Pegunungan Bintang", "regency", "95.02"),
        ("KAB-YAHUKIMO", "Kabupaten Yahukimo", "regency", "95.03"),
        ("KAB-TOLIKARA", "Kabupaten Tolikara", "regency", "95.04"),
        ("KAB-MAMBERAMO-TENGAH", "Kabupaten Mamberamo Tengah", "regency", "95.05"),
        ("KAB-YALIMO", "Kabupaten Yalimo", "regency", "95.06"),
        ("KAB-LANNY-JAYA", "Kabupaten Lanny Jaya", "regency", "95.07"),
        ("KAB-NDUGA", "Kabupaten Nduga", "regency", "95.08"),
    ),
    # Members: UU 29/2022; codes: Kepmendagri 300.2.2-2138/2025 (cahyadsn/wilayah db/wilayah_luas.sql). Under the
    # 2022 decree they were still Papua Barat's 92.01, 92.04, 92.05, 92.09, 92.10 and 92.71.
    "PROV-PAPUA-BARAT-DAYA": (
        ("KAB-SORONG", "Kabupaten Sorong", "regency", "96.01"),
        ("KAB-SORONG-SELATAN", "Kabupaten Sorong Selatan", "regency", "96.02"),
        ("KAB-RAJA-AMPAT", "Kabupaten Raja Ampat", "regency", "96.03"),
        ("KAB-TAMBRAUW", "Kabupaten Tambrauw", "regency", "96.04"),
        ("KAB-MAYBRAT", "Kabupaten Maybrat", "regency", "96.05"),
        ("KOTA-SORONG", "Kota Sorong", "city", "96.71"),
    ),
}


# --- the October 2024 cabinet's splits --------------------------------------------------------------------------
# The Merah Putih cabinet was installed on Monday 21 October 2024 (Keppres 133/P/2024 on forming the ministries and
# appointing the ministers, read at the swearing-in: geosurvey.co.id, tajuknasional.com); Perpres 139/2024 on the
# tasks and functions of its ministries was signed that day (batamnetwork.com, 22/10/2024). Each split ministry is
# succeeded by the new ones on that day, through the same use case as POST /institutions/{id}/succeed.
CABINET_2024_INSTALLED = date(2024, 10, 21)

# (succeeded K/L, its successors as (code, name), the successor its training unit serves now, or None).
# Names: Kementerian Pekerjaan Umum (Bisnis.com 29/10/2024, Menteri PU Dody Hanggodo on its new structure);
# Kementerian Perumahan dan Kawasan Permukiman, "Kementerian PKP" (detik.com 21/10/2024); Kementerian Desa dan
# Pembangunan Daerah Tertinggal (beritasaja.com, siklus.co 6/11/2024, Mendes PDT Yandri Susanto); Kementerian
# Transmigrasi (id.wikipedia.org "Kementerian Transmigrasi Republik Indonesia"; Perpres 172/2024 on it, per
# tajuknasional.com 12/11/2024); Kementerian Koperasi (mediaindonesia.com 10/11/2025); Kementerian Usaha Mikro,
# Kecil, dan Menengah (disway.id 21/10/2024, Menteri UMKM Maman Abdurrahman; commas as UU 20/2008 writes the term).
# Training units: BPSDM stayed with Kementerian PU (its head appointed by Menteri PU, insertrakyat.com 4/7/2025) and
# BPSDM PMDDT with Kemendes PDT (infokota.online 7/10/2025); no source says which successor kept Kemenkop UKM's
# Pusdiklat, so it stays under its predecessor until an operator moves it (PATCH parent_id). The new ministries get
# no training unit here: none is confirmed, and an operator registers one when it exists.
CABINET_2024_SPLITS: tuple[tuple[str, tuple[tuple[str, str], ...], str | None], ...] = (
    (
        "KEMENTERIAN-PUPR",
        (
            ("KEMENTERIAN-PU", "Kementerian Pekerjaan Umum"),
            ("KEMENTERIAN-PKP", "Kementerian Perumahan dan Kawasan Permukiman"),
        ),
        "KEMENTERIAN-PU",
    ),
    (
        "KEMENDES-PDTT",
        (
            ("KEMENDES-PDT", "Kementerian Desa dan Pembangunan Daerah Tertinggal"),
            ("KEMENTRANS", "Kementerian Transmigrasi"),
        ),
        "KEMENDES-PDT",
    ),
    (
        "KEMENKOP-UKM",
        (
            ("KEMENKOP", "Kementerian Koperasi"),
            ("KEMENTERIAN-UMKM", "Kementerian Usaha Mikro, Kecil, dan Menengah"),
        ),
        None,
    ),
)


def successor_ministries() -> list[tuple[InstitutionCreate, str | None]]:
    """The ministries that succeeded the split ones, at the top of the hierarchy."""
    return [
        (InstitutionCreate(code=code, name=name, kind="ministry"), None)
        for _, successors, _ in CABINET_2024_SPLITS
        for code, name in successors
    ]


async def succeed_split_ministries(session: AsyncSession, ids: dict[str, UUID]) -> None:
    """Link each split ministry to its successors and move its training unit to the one that kept it, once.

    A predecessor no longer active (succeeded already, or deactivated by an operator) is left as it is; a unit
    is moved only while it still stands under its predecessor.
    """
    units = {code: unit_code for code, _, _, unit_code, _ in MINISTRIES_AND_AGENCIES}
    for predecessor_code, successors, unit_successor in CABINET_2024_SPLITS:
        predecessor = await institutions.get(session, ids[predecessor_code])
        if predecessor.status == "active":
            succession = Succession(
                successor_ids=[ids[code] for code, _ in successors], effective_on=CABINET_2024_INSTALLED
            )
            await institutions.succeed(session, predecessor.id, body=succession)
        unit = await institutions.get(session, ids[units[predecessor_code]])
        if unit_successor is not None and unit.parent_id == predecessor.id and unit.status == "active":
            moved = {"parent_id": ids[unit_successor]}
            await institutions.update(session, unit.id, changes=moved, if_match=etag(unit.version))


def reference_institutions() -> list[tuple[InstitutionCreate, str | None]]:
    """Every seeded institution in creation order, each with the code of its parent (None at the top)."""
    items: list[tuple[InstitutionCreate, str | None]] = [
        (BOOTSTRAP_PARENT, None),
        (BOOTSTRAP_INSTITUTION, BOOTSTRAP_PARENT.code),
    ]
    for code, name, kind, unit_code, unit_name in MINISTRIES_AND_AGENCIES:
        items.append((InstitutionCreate(code=code, name=name, kind=kind), None))
        items.append((InstitutionCreate(code=unit_code, name=unit_name, kind="training_unit"), code))
    for code, name, region_code, bps_code, dob in PROVINCES:
        province = InstitutionCreate(
            code=code,
            name=name,
            kind="province",
            region_code=region_code,
            bps_code=bps_code,
            is_new_autonomous_region=dob,
        )
        items.append((province, None))
    for province_code, members in DOB_LOCAL_GOVERNMENTS.items():
        for code, name, kind, region_code in members:
            items.append((InstitutionCreate(code=code, name=name, kind=kind, region_code=region_code), province_code))
    items += successor_ministries()
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
        await succeed_split_ministries(session, ids)
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
