"""Stores: the one place documents, raw inputs, quarantine and runs are kept."""
