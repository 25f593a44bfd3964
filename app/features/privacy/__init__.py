"""Privacy rights: subject access packs, erasure, retention review and anonymisation.

Each feature: ``services/`` (no Qt) and ``ui/`` (Qt); see docs/ARCHITECTURE.md."""
