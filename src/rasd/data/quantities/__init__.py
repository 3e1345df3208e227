"""Quantity knowledge: number words, counted nouns and qualifiers (data, not code)."""
