"""Jamie Zawinski's message threading (jwz.org/doc/threading.html), without subject grouping.

Input: (message id, ancestor ids oldest first) per message, in file order. Output: root
containers. A container holds a message, or is an empty placeholder for an ancestor that was
referenced but is not in the file. Pruning drops empty leaves and promotes the children of empty
containers; an empty root with several children stays (the thread's lost first message).
Each container remembers the placeholder ids it was promoted over (`skipped`), so a reader can
say "answers X through a missing message".
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterable


@dataclass(eq=False)
class Container:
    id: str
    message: Any = None
    parent: "Container | None" = None
    children: list["Container"] = field(default_factory=list)
    #: Missing ancestors between this container and its parent, nearest first.
    skipped: list[str] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return self.message is None

    def walk(self) -> Iterable["Container"]:
        stack = [self]
        while stack:
            c = stack.pop()
            yield c
            stack.extend(reversed(c.children))

    def size(self) -> int:
        return sum(1 for c in self.walk() if not c.empty)

    def has_ancestor(self, other: "Container") -> bool:
        node = self.parent
        seen = 0
        while node is not None and seen < 100_000:
            if node is other:
                return True
            node = node.parent
            seen += 1
        return False


def _link(parent: Container, child: Container) -> None:
    if child.parent is not None:
        child.parent.children.remove(child)
    child.parent = parent
    parent.children.append(child)


def _unlink(child: Container) -> None:
    if child.parent is not None:
        child.parent.children.remove(child)
        child.parent = None


def thread(messages: Iterable[tuple[str, list[str], Any]]) -> list[Container]:
    """Thread (id, references, message) triples; returns the pruned root set in first-seen order.

    A duplicate id gets a fresh container (the id is suffixed "#2", "#3"...), as the algorithm says.
    """
    table: dict[str, Container] = {}
    order: list[Container] = []

    def get(mid: str) -> Container:
        c = table.get(mid)
        if c is None:
            c = table[mid] = Container(mid)
            order.append(c)
        return c

    for mid, refs, message in messages:
        c = table.get(mid)
        if c is not None and not c.empty:
            n = 2
            while f"{mid}#{n}" in table:
                n += 1
            mid = f"{mid}#{n}"
            c = None
        c = get(mid)
        c.id = mid
        c.message = message
        # Link the References chain pairwise without making loops or overriding earlier links.
        prev: Container | None = None
        for ref in refs:
            if ref == mid:
                continue
            rc = get(ref)
            if prev is not None and rc.parent is None and rc is not prev and not prev.has_ancestor(rc):
                _link(prev, rc)
            prev = rc
        # The message's own parent is the last reference: it overrides a presumed one.
        if prev is not None and prev is not c and not prev.has_ancestor(c) and prev is not c.parent:
            _link(prev, c)
        elif prev is None and c.parent is not None:
            _unlink(c)

    roots = [c for c in order if c.parent is None]
    return _prune_roots(roots)


def _prune_children(c: Container) -> None:
    new: list[Container] = []
    for child in list(c.children):
        _prune_children(child)
        if child.empty and not child.children:
            continue
        if child.empty:
            for g in child.children:
                g.parent = c
                g.skipped = g.skipped + [child.id] + child.skipped
                new.append(g)
            child.children = []
            continue
        new.append(child)
    c.children = new


def _prune_roots(roots: list[Container]) -> list[Container]:
    out: list[Container] = []
    for r in roots:
        _prune_children(r)
        if r.empty and not r.children:
            continue
        if r.empty and len(r.children) == 1:
            only = r.children[0]
            only.parent = None
            only.skipped = only.skipped + [r.id] + r.skipped
            out.append(only)
            continue
        out.append(r)
    return out
