"""Cleaning: raw page text to title, body, metadata, social posts and removed pieces."""
