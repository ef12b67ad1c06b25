"""Seizure logging views, one module per concern."""
