"""No import cycle anywhere in app/ — counting imports under ``TYPE_CHECKING`` and inside
functions, as grimp (which import-linter uses) does.

A ``layers`` contract does not look inside a layer, so a cycle between two services or two
screens goes unseen there; this test sees it. A cycle usually means a lower module reaches
back up (a page keeping the main window, a tab importing its workspace): pass the lower one
what it needs instead — a navigator, a host, plain values.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import grimp
import pytest

Graph = Mapping[str, Iterable[str]]


def cycles(graph: Graph) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan's algorithm, without
    recursion: the graph is deeper than Python's stack would like), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    found: list[list[str]] = []
    #: The depth-first walk: a node, its successors, how many of them are done.
    work: list[tuple[str, list[str], int]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        work.append((node, sorted(w for w in graph[node] if w in graph), 0))

    for root in sorted(graph):
        if root in index:
            continue
        visit(root)
        while work:
            node, successors, i = work.pop()
            if i < len(successors):
                work.append((node, successors, i + 1))
                nxt = successors[i]
                if nxt not in index:
                    visit(nxt)
                elif nxt in on_stack:
                    low[node] = min(low[node], index[nxt])
                continue
            if work:  # back in the caller: it reaches whatever this node reaches
                caller = work[-1][0]
                low[caller] = min(low[caller], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return sorted(found)


@pytest.fixture(scope="module")
def app_graph() -> dict[str, set[str]]:
    graph = grimp.build_graph("app")
    return {
        module: {m for m in graph.find_modules_directly_imported_by(module) if m in graph.modules}
        for module in graph.modules
    }


def describe(found: list[list[str]]) -> str:
    return "\n".join(f"{len(c)} modules: {', '.join(c)}" for c in found)


def test_the_search_finds_cycles_and_only_cycles() -> None:
    graph = {
        "a": ["b"],
        "b": ["c"],
        "c": ["a", "d"],  # a → b → c → a
        "d": ["e"],
        "e": ["d"],  # d ↔ e, reached from the first cycle
        "f": ["a", "g"],  # no cycle through f or g
        "g": [],
    }
    assert cycles(graph) == [["a", "b", "c"], ["d", "e"]]
    assert cycles({"x": ["y"], "y": []}) == []


def test_no_import_cycle_anywhere_in_app(app_graph: dict[str, set[str]]) -> None:
    found = cycles(app_graph)
    assert not found, "import cycles in app/:\n" + describe(found)
