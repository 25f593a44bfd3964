"""Consent to share, and referrals to other organisations.

Each feature: ``services/`` (no Qt) and ``ui/`` (Qt); see docs/ARCHITECTURE.md."""
