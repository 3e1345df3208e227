"""rasd: Arabic news to a clean, deduplicated, source-attributed record of events."""
__version__ = "0.1.0"
