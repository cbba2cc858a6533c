"""Text utilities for matching model output against article text.

`fold` normalises text for comparison while keeping an exact map back to the
original offsets; `align` uses it to ground quotes in the article.
"""

from extractor.text.align import (
    FUZZY_THRESHOLD,
    MIN_FUZZY_CHARS,
    Alignment,
    ArticleAligner,
    align,
)
from extractor.text.fold import Folded, fold

__all__ = [
    "FUZZY_THRESHOLD",
    "MIN_FUZZY_CHARS",
    "Alignment",
    "ArticleAligner",
    "Folded",
    "align",
    "fold",
]
