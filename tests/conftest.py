"""Shared fixtures: a campaign whose outputs live in a temp folder, and a fixed test key."""

from __future__ import annotations

import shutil

import pytest

from workbench.config import load_campaign
from workbench.protect import Tokenizer
from workbench.warehouse import PROJECT_ROOT

TEST_KEY = bytes(range(32))
OTHER_KEY = bytes(range(1, 33))


@pytest.fixture
def campaign(tmp_path):
    """The project's campaign.toml, with every output path moved under tmp_path."""
    cfg = tmp_path / "campaign.toml"
    shutil.copy(PROJECT_ROOT / "campaign.toml", cfg)
    return load_campaign(cfg)


@pytest.fixture
def tokenizer():
    return Tokenizer(TEST_KEY)
