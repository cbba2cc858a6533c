"""Versioned prompt templates, shipped as package data (see extractor.prompting)."""
