"""Extraction: places, actors, dates, quantities and events from cleaned text."""
