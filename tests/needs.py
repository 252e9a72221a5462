"""Tests that need something outside Python (a browser, Java): skip without it, fail under CI.

Outside CI a missing Chromium or Java skips those tests and says why (``pytest -ra``); with
``CI=true`` it is a failure, never a skip, so CI cannot go green without running them.
"""

from __future__ import annotations

import os

import pytest


def unavailable(what: str, reason: str, env=os.environ):
    """Fail (under ``CI=true``) or skip the ``what`` tests because of ``reason``."""
    if env.get("CI", "").strip().lower() in ("true", "1", "yes"):
        pytest.fail(f"CI=true: the {what} tests must run, but {reason}", pytrace=False)
    pytest.skip(f"{what} tests skipped: {reason}")
