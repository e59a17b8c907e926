"""The reference seed of SPEC section 1: complete, announced once, idempotent."""

from __future__ import annotations

import asyncio
import json
import os

from registry.seed import seed
from tests.registry.support import published, query, registry_service, scalar
from tests.support.stack import REPO, sqlalchemy_url
from tests.support.tokens import TestIssuer

DOB = {
    "PROV-PAPUA-SELATAN": "93",
    "PROV-PAPUA-TENGAH": "94",
    "PROV-PAPUA-PEGUNUNGAN": "95",
    "PROV-PAPUA-BARAT-DAYA": "96",
}


async def test_seed_loads_the_reference_data_once_and_a_second_run_changes_and_announces_nothing(
    topic_prefix: str, issuer: TestIssuer
) -> None:
    async with registry_service(topic_prefix, issuer) as svc:
        sessions = svc.app.state.sessions
        added = await seed(sessions)
        assert added == 34  # the bootstrap already registered Kemendagri and BPSDM Kemendagri

        rows = {r["code"]: r for r in await query(svc, "SELECT * FROM institutions")}
        assert len(rows) == 36
        kinds = [r["kind"] for r in rows.values()]
        assert kinds.count("ministry") == 10  # Kemendagri + 9
        assert kinds.count("agency") == 5
        assert kinds.count("training_unit") == 15
        assert kinds.count("province") == 6
        for unit in (r for r in rows.values() if r["kind"] == "training_unit"):
            parent = next(p for p in rows.values() if p["id"] == unit["parent_id"])
            assert parent["kind"] in ("ministry", "agency")
        assert rows["BPSDM-KEMENDAGRI"]["parent_id"] == rows["KEMENDAGRI"]["id"]
        dob = {code: r["region_code"] for code, r in rows.items() if r["is_new_autonomous_region"]}
        assert dob == DOB
        assert rows["PROV-PAPUA"]["region_code"] == "91" and rows["PROV-PAPUA-BARAT"]["region_code"] == "92"
        assert all(r["sector"] == "regional" for r in rows.values() if r["kind"] == "province")

        records = await published(svc, "registry.institutions")
        assert len(records) == 36
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
