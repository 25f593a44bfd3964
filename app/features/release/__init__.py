"""Release support: release plans from templates, and releases.

Each feature: ``services/`` (no Qt) and ``ui/`` (Qt); see docs/ARCHITECTURE.md."""
