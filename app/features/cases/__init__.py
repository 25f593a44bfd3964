"""Cases and their casework: the case list, a case's people and custody, meetings, needs, tasks,
recent cases; the Cases and Tasks pages and the case view.

Each feature: ``services/`` (no Qt) and ``ui/`` (Qt); see docs/ARCHITECTURE.md."""
