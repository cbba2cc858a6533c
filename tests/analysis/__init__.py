"""Tests of the analysis commands: eval, diff, merge, report, export."""
