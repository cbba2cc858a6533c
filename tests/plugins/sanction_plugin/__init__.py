"""A plugin package of the kind a third party would publish: a `sanction` event type and a backend.

It lives apart from the extractor and reaches it only through entry points
(tests/test_plugins.py writes its `*.dist-info`), so it proves a new type and a
new backend need no change to this repository. Nothing is imported here: the
event type module is loaded while `extractor.schemas` is still being imported.
"""
