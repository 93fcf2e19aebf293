"""Errors the user sees. Each message says what went wrong and what to do next."""

from __future__ import annotations


class CorpusSearchError(Exception):
    """Base class: the CLI prints the message as one `Error: ...` line."""

    exit_code = 1


class CorpusError(CorpusSearchError):
    """The corpus folder or one of its data files cannot be used."""


class ManifestError(CorpusError):
    """corpus/sources.toml (or another registry file) is malformed."""


class DocumentError(CorpusSearchError):
    """One document cannot be indexed; the build skips it and reports the reason."""


class IndexNotFoundError(CorpusSearchError):
    """There is no index where one was expected."""

    def __init__(self, index_dir: str) -> None:
        super().__init__(
            f"no index in {index_dir}; build it with: corpus-search index --index {index_dir}"
        )


class IndexLockedError(CorpusSearchError):
    """Another build holds the index."""


class IndexWriteError(CorpusSearchError):
    """The index could not be written (disk full, read-only folder); the old index is intact."""


class DocumentNotFoundError(CorpusSearchError):
    """No document with that id in the index."""


class ParameterError(CorpusSearchError):
    """A search parameter has a value we cannot use. `parameter` names it."""

    exit_code = 2

    def __init__(self, parameter: str, message: str) -> None:
        super().__init__(message)
        self.parameter = parameter
