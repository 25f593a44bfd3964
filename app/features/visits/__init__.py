"""Child visits to an imprisoned parent, and the prisons' visiting slots.

Each feature: ``services/`` (no Qt) and ``ui/`` (Qt); see docs/ARCHITECTURE.md."""
