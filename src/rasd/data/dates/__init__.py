"""Date knowledge: calendar words and named operations (data, not code)."""
