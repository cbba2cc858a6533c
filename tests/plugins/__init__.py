"""Plugin packages the tests install into a test session (see tests/test_plugins.py)."""
