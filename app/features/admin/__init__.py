"""Administration: staff accounts, backups and restore, the integrity check, the keychain,
attachments and the export log.

Each feature: ``services/`` (no Qt) and ``ui/`` (Qt); see docs/ARCHITECTURE.md."""
