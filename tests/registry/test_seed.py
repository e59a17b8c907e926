"""The reference seed of SPEC section 1: complete, announced once, idempotent."""

from __future__ import annotations

import asyncio
import json
import os
from collections import Counter

from registry.seed import seed
from tests.registry.support import published, query, registry_service, scalar
from tests.support.stack import REPO, header, sqlalchemy_url
from tests.support.tokens import TestIssuer

DOB = {
    "PROV-PAPUA-SELATAN": "93",
    "PROV-PAPUA-TENGAH": "94",
    "PROV-PAPUA-PEGUNUNGAN": "95",
    "PROV-PAPUA-BARAT-DAYA": "96",
}
# The regencies and the city of each DOB province (UU 14, 15, 16 and 29 of 2022).
DOB_MEMBERS = {
    "PROV-PAPUA-SELATAN": {"Merauke", "Boven Digoel", "Mappi", "Asmat"},
    "PROV-PAPUA-TENGAH": {"Nabire", "Puncak Jaya", "Paniai", "Mimika", "Puncak", "Dogiyai", "Intan Jaya", "Deiyai"},
    "PROV-PAPUA-PEGUNUNGAN": {
        "Jayawijaya",
        "Pegunungan Bintang",
        "Yahukimo",
        "Tolikara",
        "Mamberamo Tengah",
        "Yalimo",
        "Lanny Jaya",
        "Nduga",
    },
    "PROV-PAPUA-BARAT-DAYA": {"Sorong", "Sorong Selatan", "Raja Ampat", "Tambrauw", "Maybrat", "Kota Sorong"},
}


async def test_seed_loads_the_reference_data_once_and_a_second_run_changes_and_announces_nothing(
    topic_prefix: str, issuer: TestIssuer
) -> None:
    async with registry_service(topic_prefix, issuer) as svc:
        sessions = svc.app.state.sessions
        added = await seed(sessions)

        rows = {r["code"]: r for r in await query(svc, "SELECT * FROM institutions")}
        assert added == len(rows) - 2  # the bootstrap already registered Kemendagri and BPSDM Kemendagri
        kinds = Counter(r["kind"] for r in rows.values())
        assert kinds["ministry"] >= 10  # Kemendagri + 9 of the meeting, and the ministries that succeeded some
        assert (kinds["agency"], kinds["training_unit"]) == (5, 15)
        assert (kinds["province"], kinds["regency"], kinds["city"]) == (6, 25, 1)
        for unit in (r for r in rows.values() if r["kind"] == "training_unit"):
            parent = next(p for p in rows.values() if p["id"] == unit["parent_id"])
            assert parent["kind"] in ("ministry", "agency")
        assert rows["BPSDM-KEMENDAGRI"]["parent_id"] == rows["KEMENDAGRI"]["id"]
        dob = {code: r["region_code"] for code, r in rows.items() if r["is_new_autonomous_region"]}
        assert dob == DOB
        assert rows["PROV-PAPUA"]["region_code"] == "91" and rows["PROV-PAPUA-BARAT"]["region_code"] == "92"
        assert (rows["PROV-PAPUA"]["bps_code"], rows["PROV-PAPUA-BARAT"]["bps_code"]) == ("94", "91")
        assert all(r["sector"] == "regional" for r in rows.values() if r["kind"] in ("province", "regency", "city"))
        for province, members in DOB_MEMBERS.items():
            under = [r for r in rows.values() if r["parent_id"] == rows[province]["id"]]
            assert {r["name"].removeprefix("Kabupaten ") for r in under} == members, province
            for r in under:
                # Kemendagri writes NN.NN under the province's NN; a regency is 01-69, a city 71-99.
                number = r["region_code"].removeprefix(DOB[province] + ".")
                assert len(number) == 2 and (int(number) >= 71) is (r["kind"] == "city"), r["code"]
                assert r["is_new_autonomous_region"] is False  # DOB through its province, not itself
        assert rows["KOTA-SORONG"]["kind"] == "city" and rows["KOTA-SORONG"]["region_code"] == "96.71"
        assert rows["KEMENDES-PDTT"]["name"] == "Kementerian Desa, Pembangunan Daerah Tertinggal, dan Transmigrasi"
        assert rows["DITJEN-NAKES-KEMENKES"]["parent_id"] == rows["KEMENKES"]["id"]
        assert "BPPSDM-KEMENKES" not in rows  # BPPSDM Kesehatan was dissolved by Perpres 18/2021

        records = await published(svc, "registry.institutions")
        assert sorted(
            json.loads(r.value)["code"] for r in records if header(r, "ce_type") == "institution.registered"
        ) == sorted(rows)
        snapshot = {json.loads(r.value)["code"]: json.loads(r.value) for r in records}
        assert snapshot["PROV-PAPUA-TENGAH"]["is_new_autonomous_region"] is True

        events_before = await scalar(svc, "SELECT count(*) FROM event_log")
        versions_before = await query(svc, "SELECT code, version, updated_at FROM institutions ORDER BY code")
        assert await seed(sessions) == 0

        # The operator command does the same through the CLI entry point.
        env = {
            **os.environ,
            "REGISTRY_DATABASE_URL": sqlalchemy_url(svc.dsn),
            "SINERGI_TOPIC_PREFIX": svc.settings.topic_prefix,
        }
        proc = await asyncio.create_subprocess_exec(
            str(REPO / ".venv" / "bin" / "python"),
            "-m",
            "registry.seed",
            env=env,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT,
        )
        out, _ = await proc.communicate()
        assert proc.returncode == 0, out.decode()
        assert "0 institutions added" in out.decode()

        assert await scalar(svc, "SELECT count(*) FROM event_log") == events_before
        assert await query(svc, "SELECT code, version, updated_at FROM institutions ORDER BY code") == versions_before
