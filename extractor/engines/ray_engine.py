"""Placeholder replaced by the Ray engine module."""
