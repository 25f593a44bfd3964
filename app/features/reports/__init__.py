"""Anonymous funder reports: counting, disclosure control against a full attacker, the PDF and CSV.

Each feature: ``services/`` (no Qt) and ``ui/`` (Qt); see docs/ARCHITECTURE.md."""
