"""Readers: bytes on disk or stdin to `Item`s (raw record + Document or Quarantined)."""
