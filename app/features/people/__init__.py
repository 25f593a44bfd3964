"""People (clients, relatives, children, contacts) and finding the same person twice.

Each feature: ``services/`` (no Qt) and ``ui/`` (Qt); see docs/ARCHITECTURE.md."""
