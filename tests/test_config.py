"""The campaign configuration drives dates and paths; a new year is a config change."""

import datetime as dt

import pytest

from workbench.config import load_campaign
from workbench.errors import ConfigError
from workbench.warehouse import PROJECT_ROOT


def test_default_campaign_matches_the_plan():
    c = load_campaign(PROJECT_ROOT / "campaign.toml")
    assert (c.window_start, c.window_end) == (dt.date(2018, 7, 1), dt.date(2019, 6, 30))
    assert c.review_end == dt.date(2017, 12, 31)
    assert [d.date for d in c.deadlines] == [dt.date(2019, 7, 17), dt.date(2019, 7, 25), dt.date(2019, 7, 31),
                                            dt.date(2019, 9, 20), dt.date(2019, 10, 25)]
    assert c.deadline("pre2017").attachments == (3, 4)
    assert c.warehouse == PROJECT_ROOT / "outputs" / "warehouse.duckdb"


def test_new_year_is_a_config_change(tmp_path):
    text = (PROJECT_ROOT / "campaign.toml").read_text(encoding="utf-8")
    text = text.replace("start = 2018-07-01", "start = 2019-07-01").replace("end = 2019-06-30", "end = 2020-06-30")
    cfg = tmp_path / "campaign.toml"
    cfg.write_text(text, encoding="utf-8")
    c = load_campaign(cfg)
    assert c.window_start == dt.date(2019, 7, 1)
    assert c.output_dir == tmp_path / "outputs"


def test_bad_config_says_what_is_wrong(tmp_path):
    cfg = tmp_path / "campaign.toml"
    cfg.write_text("[campaign]\nname='x'\nyear=2019\n[window]\nstart='nope'\nend=2019-01-01\n"
                   "[review]\nstart=2015-01-01\nend=2017-12-31\n[paths]\noutput_dir='o'\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"\[window\] start"):
        load_campaign(cfg)
    with pytest.raises(ConfigError, match="找不到|not found"):
        load_campaign(tmp_path / "missing.toml")
