"""Homeward: encrypted, offline case management for NGOs supporting prisoners and their families."""

from __future__ import annotations

__version__ = "0.1.0"
