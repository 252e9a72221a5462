"""Tests for workbench.protect (脱敏: 令牌化与掩码)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import stat
from pathlib import Path

import pytest

from workbench.errors import ConfigError, KeyMissingError
from workbench.protect import (
    TOKEN_PREFIX,
    Tokenizer,
    generate_key_file,
    load_key,
    mask,
)

KEY_A = bytes(range(32))
KEY_B = bytes(range(1, 33))
ID = "220102199001011239"


def test_token_is_hmac_of_prefixed_value() -> None:
    tok = Tokenizer(KEY_A).token("id_number", ID)
    expected = hmac.new(KEY_A, b"ID|" + ID.encode(), hashlib.sha256).hexdigest()[:24]
    assert tok == "ID_" + expected
    assert len(tok) == 27


def test_token_properties() -> None:
    a, b = Tokenizer(KEY_A), Tokenizer(KEY_B)
    assert a.token("id_number", ID) == Tokenizer(KEY_A).token("id_number", ID)
    assert a.token("id_number", ID) != b.token("id_number", ID)
    assert a.token("phone", "13800138000") != a.token("bank_card", "13800138000")
    assert a.token("phone", "13800138000").startswith("PH_")
    assert a.token("name", None) is None
    widths = {len(a.token(t, v)) for t in TOKEN_PREFIX for v in ("1", "张三", ID * 3)}
    assert widths == {27}
    with pytest.raises(ValueError):
        a.token("passport", "E123")


def test_token_many_matches_token() -> None:
    tz = Tokenizer(KEY_A)
    values = [ID, None, "11010519491231002X", ID]
    assert tz.token_many("id_number", values) == [tz.token("id_number", v) for v in values]


def test_fingerprint_never_shows_key() -> None:
    tz = Tokenizer(KEY_A)
    fp = tz.fingerprint()
    assert len(fp) == 12 and fp == Tokenizer(KEY_A).fingerprint() != Tokenizer(KEY_B).fingerprint()
    assert fp not in KEY_A.hex() and KEY_A.hex()[:12] != fp
    assert KEY_A.hex() not in repr(tz)


def test_short_key_rejected_by_tokenizer() -> None:
    with pytest.raises(ConfigError):
        Tokenizer(b"short")


def test_load_key_env_wins_over_file(tmp_path: Path) -> None:
    key_file = tmp_path / "k.hex"
    key_file.write_text(KEY_A.hex() + "\n")
    env = {"WB_KEY": KEY_B.hex()}
    assert load_key(key_file, "WB_KEY", environ=env) == KEY_B
    assert load_key(key_file, "WB_KEY", environ={}) == KEY_A
    assert load_key(key_file, "WB_KEY", environ={"WB_KEY": "  "}) == KEY_A
    b64 = {"WB_KEY": "base64:" + base64.b64encode(KEY_B).decode()}
    assert load_key(None, "WB_KEY", environ=b64) == KEY_B


def test_load_key_missing(tmp_path: Path) -> None:
    with pytest.raises(KeyMissingError) as exc:
        load_key(tmp_path / "none.hex", "WB_KEY", environ={})
    assert "密钥" in str(exc.value) and "workbench keygen" in str(exc.value)
    with pytest.raises(KeyMissingError):
        load_key(None, None, environ={})


def test_load_key_short_or_malformed(tmp_path: Path) -> None:
    short = tmp_path / "short.hex"
    short.write_text(bytes(16).hex())
    with pytest.raises(ConfigError) as exc:
        load_key(short, None, environ={})
    assert not isinstance(exc.value, KeyMissingError)
    with pytest.raises(ConfigError):
        load_key(None, "WB_KEY", environ={"WB_KEY": "not hex"})


def test_generate_key_file(tmp_path: Path) -> None:
    path = generate_key_file(tmp_path / "keys" / "campaign.key")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    key = load_key(path, None, environ={})
    assert len(key) == 32
    with pytest.raises(ConfigError):
        generate_key_file(path)
    assert load_key(path, None, environ={}) == key  # untouched by the refusal
    generate_key_file(path, overwrite=True)
    assert load_key(path, None, environ={}) != key
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


@pytest.mark.parametrize(("id_type", "value", "expected"), [
    ("id_number", "220102199001011239", "220102************"),  # region only: birth is stored
    ("id_number", "110105491231002", "110105*********"),
    ("id_number", "E12345678901234X", "E12345******234X"),  # not a resident ID: 6 + 4
    ("name", "张三", "张*"),
    ("name", "张小三", "张*三"),
    ("name", "欧阳修文", "欧阳**"),
    ("name", "买买提·艾力", "买买****"),
    ("phone", "13812341234", "138****1234"),
    ("phone", "043188886666", "0431****66"),
    ("phone", "01088886666", "010****66"),
    ("bank_card", "6222021234567890128", "622202*********0128"),
    ("bank_card", "6222021234567890", "622202******7890"),
    ("bank_card", "123456789012", "12********12"),
    ("plate", "吉A12345", "吉A***45"),
    ("plate", "吉AD12345", "吉A***45"),
    ("vin", "1M8GDM9AXKP042788", "1M8**********2788"),
    ("vin", "P042788", "*****88"),
    ("uscc", "91110000600037341L", "91110000600037341L"),
    ("email", "zhangsan@example.com", "z***@example.com"),
])
def test_masks(id_type: str, value: str, expected: str) -> None:
    assert mask(id_type, value) == expected


def test_mask_hides_birth_date_and_sequence() -> None:
    masked = mask("id_number", ID)
    assert masked is not None and len(masked) == 18
    assert masked[6:] == "*" * 12  # the sequence and check character too: the birth date is stored
    assert "19900101" not in masked
    assert mask("id_number", None) is None
    with pytest.raises(ValueError):
        mask("passport", "E123")


def test_migration_rewrites_masks_of_an_older_warehouse(tmp_path: Path) -> None:
    """A warehouse built before V030 held ID masks with the last four digits beside the birth date:
    migrating it forward leaves the region only, in the data tables and the screening results."""
    import datetime as dt

    from workbench.warehouse import connect

    con = connect(tmp_path / "w.duckdb")
    con.execute("DELETE FROM schema_migrations WHERE version = 30")
    con.execute("INSERT INTO land_roster (_batch_id, _row, farmer_id_mask, farmer_id_birth) "
                "VALUES ('b', 2, '220102********1239', ?), ('b', 3, 'E12345******234X', NULL)", [dt.date(1990, 1, 1)])
    con.execute("INSERT INTO clue_entities (clue_id, entity_type, token, mask) VALUES "
                "('CL1', 'person', 'ID_x', '220102********1239'), ('CL1', 'phone', 'PH_x', '138****1234')")
    con.close()
    con = connect(tmp_path / "w.duckdb")
    assert sorted(con.execute("SELECT farmer_id_mask FROM land_roster").fetchall()) == [
        ("220102************",), ("E12345******234X",)]
    assert sorted(con.execute("SELECT mask FROM clue_entities").fetchall()) == [
        ("138****1234",), ("220102************",)]


def test_entity_key_is_a_function_of_the_token_alike_in_python_and_sql() -> None:
    """The key a rule groups on: 60 bits of a real token's hex part, a hash of anything else;
    Python and DuckDB give the same value, and different real tokens different keys."""
    import duckdb

    from workbench.protect import token_key, token_key_sql

    tok = Tokenizer(b"k" * 32)
    real = tok.token_many("id_number", [f"22010219900101{i:04d}" for i in range(2000)])
    odd = ["ID_p1", "ID_31eb82503274e08xyz", "id_31eb82503274e08ad50f0c32", "ID_31eb82503274e0", "PH_x"]
    assert token_key(real[0]) == int(real[0][3:18], 16)  # the first 15 hex digits of the HMAC
    assert token_key("ID_31eb82503274e08ad50f0c32") == 0x31EB82503274E08
    assert token_key(None) is None
    assert len({token_key(t) for t in real}) == len(real)
    assert all(0 <= token_key(t) < 2**60 for t in real + odd)
    con = duckdb.connect()
    con.execute("CREATE TABLE t (tok VARCHAR)")
    con.executemany("INSERT INTO t VALUES (?)", [(t,) for t in [*real, *odd, None]])
    got = con.execute(f"SELECT tok, {token_key_sql('tok')} FROM t").fetchall()
    assert all(token_key(t) == k for t, k in got)


def test_migration_fills_entity_keys_of_an_older_warehouse(tmp_path: Path) -> None:
    """A warehouse built before V031 had tokens and no keys: migrating it forward adds the key
    column beside every token and fills it from the token."""
    from workbench.protect import token_key
    from workbench.warehouse import connect

    con = connect(tmp_path / "w.duckdb")
    con.execute("DELETE FROM schema_migrations WHERE version = 31")
    con.execute("ALTER TABLE ah_policy DROP COLUMN insured_id_key")  # as before V031
    con.execute("INSERT INTO ah_policy (_batch_id, _row, company_code, policy_no, insured_id_token) VALUES "
                "('b', 2, 'C01', 'P1', 'ID_31eb82503274e08ad50f0c32'), ('b', 3, 'C01', 'P2', NULL)")
    con.close()
    con = connect(tmp_path / "w.duckdb")
    assert sorted(con.execute("SELECT policy_no, insured_id_key FROM ah_policy").fetchall()) == [
        ("P1", token_key("ID_31eb82503274e08ad50f0c32")), ("P2", None)]
