from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from .models import Unit


@dataclass
class Node:
    unit: Unit
    children: list[Node] = field(default_factory=list)


def build_tree(units: Iterable[Unit], *, include_inactive: bool = True) -> list[Node]:
    """Nests an already loaded list of units (no query). Inactive units are left out
    unless asked for; their active children are then shown at the top level."""
    units = [u for u in units if include_inactive or u.is_active]
    nodes = {unit.pk: Node(unit) for unit in units}
    roots: list[Node] = []
    for unit in units:
        parent = nodes.get(unit.parent_id) if unit.parent_id else None
        (parent.children if parent else roots).append(nodes[unit.pk])
    return roots
