"""Versioned prompt templates, loaded from the installed `prompts` package.

A version is a folder `prompts/<version>/` holding `system.txt`, `user.txt` and
one `events/<type>.txt` per event type (a plugin's type may bring its text
instead, see `extractor.schemas.plugins`). Its hash covers every file and every
plugin text used, so a result line says exactly which words the model was given.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from importlib import resources
from importlib.resources.abc import Traversable
from string import Template

from extractor.article import Article
from extractor.errors import UserError
from extractor.schemas import EVENT_TYPES
from extractor.schemas.events import PLUGIN_PROMPTS

DEFAULT_PROMPT_VERSION = "v1"


@dataclass(frozen=True)
class Prompt:
    version: str
    sha256: str
    system: str
    user: Template
    # Set for the chunks of a long article: its headline, given as context with every chunk.
    excerpt_of: str | None = None

    def messages(self, article: Article) -> list[dict[str, str]]:
        about = [f"published {article.published.isoformat()}"] if article.published else []
        if self.excerpt_of is not None:
            about.append(f"an excerpt of a longer article headlined: {self.excerpt_of}")
        published = f" ({'; '.join(about)})" if about else ""
        user = self.user.substitute(published_line=published, article=article.body.strip())
        return [{"role": "system", "content": self.system}, {"role": "user", "content": user}]


def available_versions() -> list[str]:
    root = resources.files("extractor.prompts")
    return sorted(p.name for p in root.iterdir() if p.is_dir() and (p / "system.txt").is_file())


def load_prompt(version: str = DEFAULT_PROMPT_VERSION) -> Prompt:
    folder = resources.files("extractor.prompts") / version
    if not (folder / "system.txt").is_file():
        known = ", ".join(available_versions())
        raise UserError(f"--prompt-version {version!r} does not exist; use one of: {known}")
    event_texts = []
    digest = hashlib.sha256(_hash_folder(folder).encode())
    from_plugins = False
    for event_type in EVENT_TYPES:
        path = folder / "events" / f"{event_type}.txt"
        if path.is_file():
            event_texts.append(path.read_text(encoding="utf-8").rstrip())
        elif version in PLUGIN_PROMPTS.get(event_type, {}):
            # A plugin type's own text; it is part of what the model is given, so of the hash too.
            text = PLUGIN_PROMPTS[event_type][version].rstrip()
            digest.update(b"\0plugin:" + event_type.encode() + b"\0" + text.encode())
            from_plugins = True
            event_texts.append(text)
        else:
            raise UserError(f"prompt {version} has no text for event type {event_type!r}: add {path}")
    system = Template(_read(folder / "system.txt")).substitute(event_types="\n".join(event_texts))
    return Prompt(
        version=version,
        # Without plugins the hash is the folder's alone, as it always was.
        sha256=digest.hexdigest() if from_plugins else _hash_folder(folder),
        system=system,
        user=Template(_read(folder / "user.txt")),
    )


def _read(path: Traversable) -> str:
    return path.read_text(encoding="utf-8")


def _hash_folder(folder: Traversable) -> str:
    digest = hashlib.sha256()
    for name, data in sorted(_walk(folder, "")):
        digest.update(name.encode() + b"\0" + data + b"\0")
    return digest.hexdigest()


def _walk(folder: Traversable, prefix: str) -> list[tuple[str, bytes]]:
    files: list[tuple[str, bytes]] = []
    for entry in folder.iterdir():
        name = f"{prefix}{entry.name}"
        if entry.is_dir():
            files.extend(_walk(entry, name + "/"))
        elif entry.name.endswith(".txt"):
            files.append((name, entry.read_bytes()))
    return files
