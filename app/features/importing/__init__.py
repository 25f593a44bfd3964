"""Importing people and cases from a spreadsheet: reading, checking, committing in batches.

Each feature: ``services/`` (no Qt) and ``ui/`` (Qt); see docs/ARCHITECTURE.md."""
