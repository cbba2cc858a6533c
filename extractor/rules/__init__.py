"""A deterministic multilingual event coder: trigger lexicons plus the mention layer.

`code_article(article)` gives the events of an article as an `ArticleEvents` answer,
the same object a model gives, so the pipeline grounds, repairs and dedups it the
same way. `has_trigger(article)` says whether any event trigger occurs at all (the
model backends' `--prefilter rules`). The lexicons are data files under `lexicons/`.
"""

from extractor.rules.coder import code_article, has_trigger
from extractor.rules.lexicon import lexicon_sha256, lexicon_version

__all__ = ["code_article", "has_trigger", "lexicon_sha256", "lexicon_version"]
