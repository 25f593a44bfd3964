"""Each part of the work in one folder: its services and its screens (docs/ARCHITECTURE.md)."""
