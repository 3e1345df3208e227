"""Reader knowledge: header keys, JSON field names and month names (data, not code)."""
