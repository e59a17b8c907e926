"""Realization of a development plan (SPEC §5a): which completion counts toward which item. No I/O.

A completion is a credited one, as the competency ledger counts it: passed, in the year its cohort ended. It counts
toward at most one item, tried in this order, the first listed item winning among several of one step:
(a) a person item of the same NIP and the same planned program;
(b) a person item of the same NIP and pattern whose target year is the completion's year;
(c) a target-group item of the person's position kind (staff of the plan's institution only), of the same planned
    program if it names one, else of the same pattern, whose target year is the completion's year, while it counts
    fewer people than its head count (a person it already counts adds their further completions).
Realized JP are the JP credited; realized cost is the program's cost per participant for each matched completion.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Literal
from uuid import UUID

from enrollment.domain.development import CATEGORY_OF_PATTERN, Category
from enrollment.domain.plans import CATEGORIES

Status = Literal["not_started", "partial", "done"]


@dataclass(frozen=True)
class Item:
    """What matching needs of a plan item: for one person (nip) or for head_count people of a position kind."""

    id: UUID
    nip: str | None
    position_kind: str | None
    head_count: int
    pattern: str
    target_jp: int  # per person
    target_year: int
    program_id: UUID | None
    estimated_cost_idr: int  # for the whole item

    @property
    def category(self) -> Category:
        return CATEGORY_OF_PATTERN[self.pattern]

    @property
    def planned_jp(self) -> int:
        return self.target_jp * self.head_count


@dataclass(frozen=True)
class Completion:
    """A credited completion of someone the plan names or may count in a target group."""

    nip: str
    position_kind: str | None  # the replica's, when the person is staff of the plan's institution; else None
    program_id: UUID
    pattern: str
    year: int  # the year its cohort ended
    jp: int  # credited
    cost_idr: int  # the program's cost per participant


@dataclass
class Realized:
    """What an item has realized: credited JP per person counted, completions matched, their cost."""

    jp_by_person: dict[str, int] = field(default_factory=dict)
    completions: int = 0
    cost_idr: int = 0

    @property
    def jp(self) -> int:
        return sum(self.jp_by_person.values())

    @property
    def people(self) -> int:
        return len(self.jp_by_person)

    def add(self, completion: Completion) -> None:
        self.jp_by_person[completion.nip] = self.jp_by_person.get(completion.nip, 0) + completion.jp
        self.completions += 1
        self.cost_idr += completion.cost_idr


def realize(items: Sequence[Item], completions: Iterable[Completion]) -> list[Realized]:
    """What each item realized, in the order of items; completions are taken in the order given (the order their
    cohorts ended), which decides who fills a target group first."""
    realized = [Realized() for _ in items]
    by_nip: dict[str, list[int]] = defaultdict(list)
    by_kind: dict[str, list[int]] = defaultdict(list)
    for index, item in enumerate(items):
        if item.nip is not None:
            by_nip[item.nip].append(index)
        elif item.position_kind is not None:
            by_kind[item.position_kind].append(index)
    for completion in completions:
        matched = _match(items, realized, completion, by_nip.get(completion.nip, []), by_kind)
        if matched is not None:
            realized[matched].add(completion)
    return realized


def _match(
    items: Sequence[Item],
    realized: list[Realized],
    c: Completion,
    own: list[int],
    by_kind: dict[str, list[int]],
) -> int | None:
    """The index of the item the completion counts toward, or None."""
    for i in own:
        if items[i].program_id == c.program_id:
            return i
    for i in own:
        if items[i].pattern == c.pattern and items[i].target_year == c.year:
            return i
    for i in by_kind.get(c.position_kind or "", []):
        item, counted = items[i], realized[i].jp_by_person
        same = item.program_id == c.program_id if item.program_id is not None else item.pattern == c.pattern
        if same and item.target_year == c.year and (c.nip in counted or len(counted) < item.head_count):
            return i
    return None


def status_of(item: Item, realized: Realized) -> Status:
    """Done when as many people as planned each reached the item's JP; partial when something was matched."""
    if realized.completions == 0:
        return "not_started"
    reached = sum(1 for jp in realized.jp_by_person.values() if jp >= item.target_jp)
    return "done" if reached >= item.head_count else "partial"


@dataclass(frozen=True)
class Figures:
    """Planned against realized, in JP and rupiah."""

    planned_jp: int = 0
    realized_jp: int = 0
    planned_cost_idr: int = 0
    realized_cost_idr: int = 0

    def plus(self, item: Item, realized: Realized) -> Figures:
        return Figures(
            self.planned_jp + item.planned_jp,
            self.realized_jp + realized.jp,
            self.planned_cost_idr + item.estimated_cost_idr,
            self.realized_cost_idr + realized.cost_idr,
        )


@dataclass(frozen=True)
class Summary:
    """A plan's realization in all: per 10:20:70 category, the people, the items not started."""

    total: Figures
    by_category: dict[Category, Figures]
    people_planned: int  # distinct people named, plus the head count of target groups
    people_trained: int  # distinct people with a completion counted toward an item
    completions: int
    not_started: list[UUID]


def summarize(items: Sequence[Item], realized: Sequence[Realized]) -> Summary:
    """Add up what each item planned and realized (realized given in the order of items)."""
    total = Figures()
    by_category: dict[Category, Figures] = dict.fromkeys(CATEGORIES, Figures())
    named: set[str] = set()
    trained: set[str] = set()
    group_heads = completions = 0
    not_started = []
    for item, done in zip(items, realized, strict=True):
        total = total.plus(item, done)
        by_category[item.category] = by_category[item.category].plus(item, done)
        if item.nip is not None:
            named.add(item.nip)
        else:
            group_heads += item.head_count
        trained.update(done.jp_by_person)
        completions += done.completions
        if done.completions == 0:
            not_started.append(item.id)
    return Summary(total, by_category, len(named) + group_heads, len(trained), completions, not_started)
