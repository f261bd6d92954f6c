"""Shared test helpers: named personas and the browser harness."""
