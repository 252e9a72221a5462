"""Subcommands of the later steps of the flow (ingest, screening, …), registered on the CLI."""

from __future__ import annotations

from .cli import _EXTENSIONS  # noqa: F401
