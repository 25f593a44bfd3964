"""Foreign-inmate needs: interpreters, consular contacts, discrimination reports.

Each feature: ``services/`` (no Qt) and ``ui/`` (Qt); see docs/ARCHITECTURE.md."""
