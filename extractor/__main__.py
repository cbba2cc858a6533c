from extractor.cli import entry_point

entry_point()
