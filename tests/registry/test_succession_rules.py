"""Succession as pure rules (no I/O): who carries on from whom, and which successions the registry refuses."""

from __future__ import annotations

import uuid
from datetime import date
from uuid import UUID

from hypothesis import given
from hypothesis import strategies as st

from registry.domain.succession import Party, succession_problems, tier
from sinergi_shared.succession import predecessors_of

TODAY = date(2026, 12, 3)


def ids(n: int) -> list[UUID]:
    return [uuid.uuid4() for _ in range(n)]


def test_a_split_ministrys_history_belongs_to_each_successor_and_a_merger_to_the_one() -> None:
    pupr, pu, pkp, a, b, merged = ids(6)
    links = {pupr: [pu, pkp], a: [merged], b: [merged]}
    assert predecessors_of(pu, links) == predecessors_of(pkp, links) == {pupr}
    assert predecessors_of(merged, links) == {a, b}
    assert predecessors_of(pupr, links) == set()


def test_predecessors_are_followed_through_a_chain_of_successions() -> None:
    first, second, third, other = ids(4)
    links = {first: [second], second: [third, other]}
    assert predecessors_of(third, links) == {first, second}
    assert predecessors_of(other, links) == {first, second}


def test_a_loop_in_the_links_ends_and_never_names_the_institution_itself() -> None:
    a, b, c = ids(3)
    assert predecessors_of(a, {a: [b], b: [c], c: [a]}) == {b, c}


@given(st.lists(st.tuples(st.integers(0, 9), st.integers(0, 9)), max_size=30), st.integers(0, 9))
def test_predecessors_are_exactly_the_institutions_that_reach_it_by_successor_links(
    edges: list[tuple[int, int]], start: int
) -> None:
    nodes = [UUID(int=n + 1) for n in range(10)]
    links: dict[UUID, list[UUID]] = {}
    for predecessor, successor in edges:
        links.setdefault(nodes[predecessor], []).append(nodes[successor])

    def reaches(source: UUID, target: UUID) -> bool:
        seen, todo = set(), [source]
        while todo:
            for nxt in links.get(todo.pop(), []):
                if nxt == target:
                    return True
                if nxt not in seen:
                    seen.add(nxt)
                    todo.append(nxt)
        return False

    expected = {n for n in nodes if n != nodes[start] and reaches(n, nodes[start])}
    assert predecessors_of(nodes[start], links) == expected


def party(kind: str = "ministry", *, sector: str = "central", status: str = "active", code: str = "KEMEN-X") -> Party:
    return Party(id=uuid.uuid4(), code=code, kind=kind, sector=sector, status=status)


def problems(institution: Party, *successors: Party | UUID, **kwargs: object) -> list[tuple[str, str]]:
    found = {s.id: s for s in successors if isinstance(s, Party)}
    arguments: dict[str, object] = {
        "institution": institution,
        "successor_ids": [s.id if isinstance(s, Party) else s for s in successors],
        "successors": found,
        "predecessor_ids": set(),
        "effective_on": date(2024, 10, 21),
        "today": TODAY,
        **kwargs,
    }
    return succession_problems(**arguments)  # type: ignore[arg-type]


def test_a_ministry_split_into_two_active_ministries_breaks_no_rule() -> None:
    assert problems(party(), party(code="A"), party("agency", code="B")) == []


def test_a_successor_must_exist_be_active_and_not_be_the_institution_itself() -> None:
    pupr = party()
    unknown = uuid.uuid4()
    found = problems(pupr, unknown, party(status="inactive", code="OLD"))
    assert [field for field, _ in found] == ["successor_ids", "successor_ids"]
    assert str(unknown) in found[0][1] and "OLD" in found[1][1]
    assert problems(pupr, pupr) == [("successor_ids", "instansi tidak dapat menggantikan dirinya sendiri")]


def test_a_kl_is_succeeded_by_a_kl_a_pemda_by_a_pemda_and_a_unit_by_a_unit_of_its_sector() -> None:
    assert problems(party(), party("province", sector="regional", code="PROV"))[0][0] == "successor_ids"
    assert problems(party("regency", sector="regional"), party("city", sector="regional")) == []
    assert problems(party("training_unit"), party("training_unit")) == []
    assert problems(party("training_unit"), party("training_unit", sector="regional"))
    assert problems(party("training_unit"), party())
    assert tier("agency", "central") == tier("ministry", "central")


def test_a_successor_that_this_institution_itself_succeeded_would_make_a_loop() -> None:
    earlier = party(code="EARLIER")
    found = problems(party(), earlier, predecessor_ids={earlier.id})
    assert len(found) == 1 and "tidak boleh berputar" in found[0][1] and "EARLIER" in found[0][1]


def test_a_succession_cannot_take_effect_in_the_future() -> None:
    assert problems(party(), party(), effective_on=date(2026, 12, 4)) == [
        ("effective_on", "penggantian berlaku seketika, sehingga tanggalnya tidak boleh di masa depan")
    ]
    assert problems(party(), party(), effective_on=TODAY) == []
