"""Who an institution carries on from, read from the contract's `successor_ids` links. No I/O.

The registry checks a new succession against it (no cycles); enrollment and funding roll a predecessor's
history up into its successors' reports with it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from uuid import UUID


def predecessors_of(institution_id: UUID, successors: Mapping[UUID, Iterable[UUID]]) -> set[UUID]:
    """Every institution succeeded by this one, directly or through a chain of successions.

    `successors` maps each succeeded institution to its `successor_ids`; a split's predecessor belongs to each
    of its successors, a merger's predecessors all belong to the one successor. A loop never repeats.
    """
    succeeded_by: dict[UUID, set[UUID]] = defaultdict(set)
    for predecessor, successor_ids in successors.items():
        for successor in successor_ids:
            succeeded_by[successor].add(predecessor)
    found: set[UUID] = set()
    reached = [institution_id]
    while reached:
        for predecessor in succeeded_by.get(reached.pop(), ()):
            if predecessor != institution_id and predecessor not in found:
                found.add(predecessor)
                reached.append(predecessor)
    return found
