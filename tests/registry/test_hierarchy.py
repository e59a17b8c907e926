"""The institution hierarchy rules (pure, no I/O): who stands under whom, and the sector that follows."""

from __future__ import annotations

import pytest

from registry.domain.hierarchy import PARENT_KINDS, ParentView, hierarchy_problems, sector_of

KINDS = sorted(PARENT_KINDS)


def parent(kind: str, status: str = "active") -> ParentView:
    return ParentView(kind=kind, status=status, region_code="95" if kind == "province" else None)


def problems_under(kind: str, parent_kind: str, sector: str | None = None) -> list[tuple[str, str]]:
    return hierarchy_problems(
        kind=kind,
        parent=parent(parent_kind),
        parent_given=True,
        is_new_autonomous_region=False,
        region_code=None,
        sector=sector,
    )


@pytest.mark.parametrize("parent_kind", KINDS)
def test_a_training_unit_stands_under_a_kl_or_a_pemda_only(parent_kind: str) -> None:
    allowed = parent_kind in {"ministry", "agency", "province", "regency", "city"}
    assert (problems_under("training_unit", parent_kind) == []) is allowed
    if not allowed:
        [(field, message)] = problems_under("training_unit", parent_kind)
        assert field == "parent_id" and "provinsi, kabupaten, atau kota" in message


@pytest.mark.parametrize(
    ("kind", "parent_kind", "sector"),
    [
        ("training_unit", "ministry", "central"),
        ("training_unit", "agency", "central"),
        ("training_unit", "province", "regional"),
        ("training_unit", "regency", "regional"),
        ("training_unit", "city", "regional"),
        ("training_unit", None, "central"),
        ("ministry", None, "central"),
        ("agency", None, "central"),
        ("province", None, "regional"),
        ("regency", "province", "regional"),
        ("city", "province", "regional"),
    ],
)
def test_the_sector_follows_the_kind_and_for_a_training_unit_its_parent(
    kind: str, parent_kind: str | None, sector: str
) -> None:
    assert sector_of(kind, parent_kind) == sector


def test_a_training_unit_needs_a_parent_and_the_message_names_both_kinds_of_owner() -> None:
    [(field, message)] = hierarchy_problems(
        kind="training_unit", parent=None, parent_given=False, is_new_autonomous_region=False, region_code=None
    )
    assert field == "parent_id" and "kementerian" in message and "kabupaten" in message


@pytest.mark.parametrize(
    ("sector", "parent_kind", "moves"),
    [
        ("regional", "ministry", False),
        ("regional", "province", True),
        ("central", "regency", False),
        ("central", "agency", True),
    ],
)
def test_an_existing_training_unit_may_not_change_sector_by_a_new_parent(
    sector: str, parent_kind: str, moves: bool
) -> None:
    assert (problems_under("training_unit", parent_kind, sector=sector) == []) is moves


def test_a_regional_training_unit_is_neither_a_dob_nor_has_a_region_code() -> None:
    found = hierarchy_problems(
        kind="training_unit",
        parent=parent("province"),
        parent_given=True,
        is_new_autonomous_region=True,
        region_code="9501",
    )
    assert [field for field, _ in found] == ["is_new_autonomous_region", "region_code"]
