"""Multilingual structured-event extractor: news articles in, grounded JSON events out."""

__version__ = "0.1.0"
