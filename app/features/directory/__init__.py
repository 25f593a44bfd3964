"""The directory of institutions and organisations.

Each feature: ``services/`` (no Qt) and ``ui/`` (Qt); see docs/ARCHITECTURE.md."""
