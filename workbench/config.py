"""The campaign configuration (专项行动配置), read once and passed explicitly.

One TOML file (``campaign.toml`` at the project root by default) holds the
campaign name, the data window, the pre-2017 review window, the deadlines, the
output folder and where the tokenization key lives, so that a new campaign
year is a configuration change rather than a code change.  Functions deeper in
the package receive a :class:`Campaign`; none reads the environment itself.
"""

from __future__ import annotations

import datetime as dt
import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from .errors import ConfigError

#: Environment variable naming another configuration file.
CONFIG_ENV = "WORKBENCH_CONFIG"
DEFAULT_CONFIG_NAME = "campaign.toml"


@dataclass(frozen=True)
class Deadline:
    """A campaign deadline (时间节点) and the attachments due by it."""

    id: str
    date: dt.date
    zh: str
    en: str
    attachments: tuple[int, ...] = ()
    kinds: tuple[str, ...] = ()  # submission kinds that count as delivering this deadline


@dataclass(frozen=True)
class Campaign:
    """Everything a command or notebook needs to know about the campaign."""

    name: str
    name_en: str
    year: int
    province: str
    province_code: str
    association: str
    operator: str
    window_start: dt.date
    window_end: dt.date
    review_start: dt.date
    review_end: dt.date
    deadlines: tuple[Deadline, ...]
    feedback_days: int
    output_dir: Path
    warehouse: Path
    synth_dir: Path
    key_file: Path
    key_env: str
    max_amount: float
    source: Path = field(default=Path(DEFAULT_CONFIG_NAME))

    def deadline(self, deadline_id: str) -> Deadline:
        for d in self.deadlines:
            if d.id == deadline_id:
                return d
        raise ConfigError(f"配置中没有时间节点 '{deadline_id}' / no deadline '{deadline_id}' in {self.source}")


def _date(section: dict, key: str, where: str) -> dt.date:
    value = section.get(key)
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
    raise ConfigError(
        f"配置项 [{where}] {key} 应为日期 YYYY-MM-DD，实际为 {value!r} / "
        f"[{where}] {key} must be a date YYYY-MM-DD, got {value!r}"
    )


def find_config(explicit: str | os.PathLike | None = None, environ=None) -> Path:
    """Locate the configuration: explicit path, then ``$WORKBENCH_CONFIG``, then
    ``campaign.toml`` in the current folder or any parent."""
    environ = os.environ if environ is None else environ
    if explicit:
        return Path(explicit)
    if environ.get(CONFIG_ENV):
        return Path(environ[CONFIG_ENV])
    here = Path.cwd().resolve()
    for folder in (here, *here.parents):
        candidate = folder / DEFAULT_CONFIG_NAME
        if candidate.is_file():
            return candidate
    raise ConfigError(
        f"找不到专项行动配置文件 {DEFAULT_CONFIG_NAME}：请在项目根目录运行，或用 --config 指定 / "
        f"no {DEFAULT_CONFIG_NAME} found here or above; run from the project root or pass --config"
    )


def load_campaign(path: str | os.PathLike | None = None, environ=None) -> Campaign:
    """Read and check the campaign configuration."""
    source = find_config(path, environ)
    try:
        raw = tomllib.loads(source.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ConfigError(f"配置文件不存在 / config file not found: {source}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"配置文件格式错误 / config file is not valid TOML: {source}: {exc}") from exc
    base = source.resolve().parent
    try:
        c, w, r, p = raw["campaign"], raw["window"], raw["review"], raw["paths"]
    except KeyError as exc:
        raise ConfigError(f"配置文件缺少 [{exc.args[0]}] 段 / config lacks section [{exc.args[0]}]: {source}") from exc

    def path_of(key: str) -> Path:
        if key not in p:
            raise ConfigError(f"配置缺少 [paths] {key} / config lacks [paths] {key}: {source}")
        value = Path(p[key])
        return value if value.is_absolute() else base / value

    deadlines = tuple(
        Deadline(
            id=d["id"],
            date=_date(d, "date", "deadlines"),
            zh=d.get("zh", d["id"]),
            en=d.get("en", d["id"]),
            attachments=tuple(d.get("attachments", ())),
            kinds=tuple(d.get("kinds", ())),
        )
        for d in raw.get("deadlines", [])
    )
    campaign = Campaign(
        name=c["name"],
        name_en=c.get("name_en", c["name"]),
        year=int(c["year"]),
        province=c.get("province", ""),
        province_code=str(c.get("province_code", "")),
        association=c.get("association", ""),
        # $WORKBENCH_OPERATOR names who runs this session and wins over the file (see workbench.audit)
        operator=str((os.environ if environ is None else environ).get("WORKBENCH_OPERATOR", "").strip()
                     or c.get("operator", "") or ""),
        window_start=_date(w, "start", "window"),
        window_end=_date(w, "end", "window"),
        review_start=_date(r, "start", "review"),
        review_end=_date(r, "end", "review"),
        deadlines=deadlines,
        feedback_days=int(raw.get("feedback", {}).get("days_to_return", 30)),
        output_dir=path_of("output_dir"),
        warehouse=path_of("warehouse"),
        synth_dir=path_of("synth_dir"),
        key_file=path_of("key_file"),
        key_env=str(p.get("key_env", "WORKBENCH_TOKEN_KEY")),
        max_amount=float(raw.get("ingest", {}).get("max_amount", 1e8)),
        source=source,
    )
    if campaign.window_end < campaign.window_start:
        raise ConfigError(f"[window] end 早于 start / window end before start: {source}")
    if campaign.review_end < campaign.review_start:
        raise ConfigError(f"[review] end 早于 start / review end before start: {source}")
    return campaign
