"""Tokens and masks for desensitization at the door (脱敏: 令牌化与掩码).

Every identifier is replaced on ingest by two things: a keyed token (令牌) so
the same person/vehicle/account matches across insurers, and a masked display
value (掩码) so a reviewer can still read the record. A plain SHA-256 of an ID
or a phone number is NOT de-identification (the keyspace is small enough to
brute-force), so tokens are HMAC-SHA256 under a campaign key (专项密钥) that
never enters the warehouse; only its :meth:`Tokenizer.fingerprint` does.

Values must already be normalised by :mod:`workbench.identifiers`; tokenizing
two spellings of one number gives two tokens.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
import re
import secrets
from collections.abc import Iterable, Mapping
from pathlib import Path

from workbench.errors import ConfigError, KeyMissingError

__all__ = [
    "KEY_MIN_BYTES", "TOKEN_HEX_CHARS", "TOKEN_PREFIX", "Tokenizer", "generate_key_file",
    "load_key", "mask", "mask_sql", "token_key", "token_key_sql",
]

TOKEN_PREFIX: dict[str, str] = {
    "id_number": "ID", "name": "NM", "phone": "PH", "bank_card": "AC",
    "plate": "PL", "vin": "VN", "uscc": "OR", "email": "EM",
}
TOKEN_HEX_CHARS = 24  # 96 bits: no accidental collisions at provincial scale
KEY_MIN_BYTES = 32
KEY_HEX_CHARS = 15  # an entity key is 60 bits of the token: a positive BIGINT on every engine
_HOW_TO_CREATE = (
    "请运行 `workbench keygen` 生成密钥文件（演示环境可运行 `make demo` 生成演示密钥），"
    "或设置环境变量。 / Run `workbench keygen` to create a key file (`make demo` creates a "
    "demo key), or set the environment variable."
)


_KEYED_TOKEN = re.compile(rf"[A-Z]{{2}}_[0-9a-f]{{{KEY_HEX_CHARS},}}")


def token_key(token: str | None) -> int | None:
    """The entity key (实体键) of a token: a 60-bit integer, the same for equal tokens.

    Why: rules group and join millions of rows on tokens, and a 27-character string is slow to
    hash and compare; a fixed-width integer stored beside each token (``<field>_key``) groups
    about twice as fast. A token's hex part is already a keyed hash, so its first 15 hex digits
    are the key; anything else that sits in a token column (hand-made test tokens) is hashed
    first. Two different tokens share a key with probability about n²/2⁶¹ (≈ 10⁻⁴ for 20 million
    persons), so a rule may find *candidates* by key but decides on the token itself.
    """
    if token is None:
        return None
    if _KEYED_TOKEN.fullmatch(token):
        return int(token[3 : 3 + KEY_HEX_CHARS], 16)
    return int(hashlib.sha256(token.encode()).hexdigest()[:KEY_HEX_CHARS], 16)


def token_key_sql(token_sql: str) -> str:
    """A DuckDB expression giving :func:`token_key` of ``token_sql``, the same value."""
    head = f"substr({token_sql}, 4, {KEY_HEX_CHARS})"
    return (
        f"CASE WHEN regexp_full_match({token_sql}, '[A-Z]{{2}}_[0-9a-f]{{{KEY_HEX_CHARS},}}') "
        f"THEN CAST(('0x' || {head}) AS BIGINT) "
        f"ELSE CAST(('0x' || substr(sha256({token_sql}), 1, {KEY_HEX_CHARS})) AS BIGINT) END"
    )


def _prefix(id_type: str) -> str:
    try:
        return TOKEN_PREFIX[id_type]
    except KeyError:
        raise ValueError(
            f"unknown identifier type {id_type!r}; expected one of {sorted(TOKEN_PREFIX)}"
        ) from None


class Tokenizer:
    """Keyed tokenizer (令牌生成器): ``PREFIX_`` + 24 hex of HMAC-SHA256(key, "PREFIX|value").

    The type prefix goes into the MAC input so equal digits in different fields (a
    phone number that is also an account number) never share a token.
    """

    __slots__ = ("_key",)

    def __init__(self, key: bytes) -> None:
        if not isinstance(key, bytes | bytearray) or len(key) < KEY_MIN_BYTES:
            raise ConfigError(
                f"令牌密钥至少需要{KEY_MIN_BYTES}字节 / the token key must be at least "
                f"{KEY_MIN_BYTES} bytes"
            )
        self._key = bytes(key)

    def __repr__(self) -> str:  # never show the key, even in a traceback
        return f"Tokenizer(fingerprint={self.fingerprint()!r})"

    def token(self, id_type: str, normalised_value: str | None) -> str | None:
        """Token for one normalised value; None stays None."""
        if normalised_value is None:
            return None
        prefix = _prefix(id_type)
        mac = hmac.digest(self._key, f"{prefix}|{normalised_value}".encode(), "sha256")
        return f"{prefix}_{mac.hex()[:TOKEN_HEX_CHARS]}"

    def token_many(self, id_type: str, values: Iterable[str | None]) -> list[str | None]:
        """Tokens for many values of one type (one-shot ``hmac.digest`` per value)."""
        prefix = _prefix(id_type)
        key, digest, n = self._key, hmac.digest, TOKEN_HEX_CHARS
        head = f"{prefix}|"
        return [
            None if v is None
            else f"{prefix}_{digest(key, (head + v).encode(), 'sha256').hex()[:n]}"
            for v in values
        ]

    def token_sql(self, id_type: str, value_sql: str) -> str:
        """A DuckDB expression giving :meth:`token` of ``value_sql``, byte for byte.

        Millions of distinct identifiers are tokenized per province, so the ingest computes
        tokens inside DuckDB, over whole columns and on all its threads, instead of one
        ``hmac.digest`` call per value in Python.  DuckDB has SHA-256 but no HMAC, so HMAC is
        composed from its definition (RFC 2104): ``H(K⊕opad ‖ H(K⊕ipad ‖ m))``.  The padded
        keys are key material: the expression refers to them as the parameters
        ``$hmac_ipad``/``$hmac_opad`` — bind :meth:`sql_parameters` when running it; they are
        never written into SQL text, logs or tables.  NULL stays NULL.
        """
        prefix = _prefix(id_type)  # from a fixed table: safe as a literal
        inner = f"unhex(sha256($hmac_ipad || encode('{prefix}|' || ({value_sql}))))"
        return f"('{prefix}_' || substr(sha256($hmac_opad || {inner}), 1, {TOKEN_HEX_CHARS}))"

    def sql_parameters(self) -> dict[str, bytes]:
        """The HMAC pads :meth:`token_sql` needs, to bind as query parameters (never to log)."""
        key = self._key if len(self._key) <= 64 else hashlib.sha256(self._key).digest()
        key = key.ljust(64, b"\0")  # SHA-256 block size
        return {"hmac_ipad": bytes(b ^ 0x36 for b in key), "hmac_opad": bytes(b ^ 0x5C for b in key)}

    def fingerprint(self) -> str:
        """Short non-reversible key fingerprint (密钥指纹) recording WHICH key made the tokens."""
        return hashlib.sha256(b"fingerprint|" + self._key).hexdigest()[:12]


def _decode_env(text: str, env_var: str) -> bytes:
    """Env var holds hex like the file; prefix ``base64:`` for base64 instead."""
    text = text.strip()
    try:
        if text.lower().startswith("base64:"):
            return base64.b64decode(text[7:].strip(), validate=True)
        return bytes.fromhex(text)
    except (ValueError, binascii.Error):
        raise ConfigError(
            f"环境变量 {env_var} 不是有效的十六进制（或 base64: 前缀的base64）密钥 / "
            f"{env_var} is not a valid hex key (or base64 with a 'base64:' prefix)"
        ) from None


def load_key(key_file: Path | str | None, env_var: str | None,
             environ: Mapping[str, str] = os.environ) -> bytes:
    """Load the campaign token key (令牌密钥). A non-empty ``env_var`` wins over the file.

    Env var: hex, or ``base64:<base64>``. File: hex (whitespace ignored).
    Raises KeyMissingError when neither is there, ConfigError when malformed/short.
    """
    key: bytes | None = None
    if env_var and environ.get(env_var, "").strip():
        key = _decode_env(environ[env_var], env_var)
        source = f"env {env_var}"
    elif key_file is not None and Path(key_file).is_file():
        text = "".join(Path(key_file).read_text(encoding="ascii", errors="replace").split())
        try:
            key = bytes.fromhex(text)
        except ValueError:
            raise ConfigError(
                f"密钥文件 {key_file} 不是十六进制格式 / key file {key_file} is not hex"
            ) from None
        source = f"file {key_file}"
    if key is None:
        where = [f"密钥文件/key file: {key_file}" if key_file else "", f"环境变量/env: {env_var}"
                 if env_var else ""]
        raise KeyMissingError(
            "找不到令牌密钥（" + "；".join(w for w in where if w) + "）。" + _HOW_TO_CREATE
            + " / Token key not found."
        )
    if len(key) < KEY_MIN_BYTES:
        raise ConfigError(
            f"令牌密钥太短（{len(key)}字节，至少{KEY_MIN_BYTES}字节，来源 {source}）。"
            + _HOW_TO_CREATE + f" / Token key too short ({len(key)} bytes)."
        )
    return key


def generate_key_file(path: Path | str, overwrite: bool = False) -> Path:
    """Write a new random 32-byte hex key (生成密钥文件), mode 0o600, parents created.

    Refuses to replace an existing key unless ``overwrite=True``: losing the key
    makes every token of the campaign unmatchable with new submissions.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    flags = os.O_WRONLY | os.O_CREAT | (os.O_TRUNC if overwrite else os.O_EXCL)
    try:
        fd = os.open(path, flags, 0o600)
    except FileExistsError:
        raise ConfigError(
            f"密钥文件已存在，拒绝覆盖：{path}（覆盖会使本次专项已有令牌无法匹配）/ "
            f"key file exists, refusing to overwrite: {path}"
        ) from None
    with os.fdopen(fd, "w", encoding="ascii") as fh:
        os.fchmod(fh.fileno(), 0o600)
        fh.write(secrets.token_bytes(KEY_MIN_BYTES).hex() + "\n")
    return path


def _keep(value: str, head: int, tail: int, stars: int | None = None) -> str:
    """head chars + stars + tail chars; stars default to the hidden length."""
    hidden = len(value) - head - tail
    return value[:head] + "*" * (hidden if stars is None else stars) + value[len(value) - tail:]


def _mask_name(v: str) -> str:
    if len(v) <= 1:
        return "*"
    if len(v) == 2:
        return v[0] + "*"
    if len(v) == 3:
        return v[0] + "*" + v[2]
    return _keep(v, 2, 0)


def _mask_phone(v: str) -> str:
    if len(v) == 11 and v.startswith("1"):
        return _keep(v, 3, 4)
    if v.startswith("0") and len(v) >= 10:
        area = 3 if v[1] in "12" else 4  # 010, 02x are 3-digit area codes
        return _keep(v, area, 2, 4)
    return _keep(v, 2, 2) if len(v) > 6 else "*" * len(v)


def _mask_card(v: str) -> str:
    # first 6 + last 4 only when at least 6 digits stay hidden (UnionPay 16–19 digits);
    # shorter accounts show 2 + 2 so the mask never nearly spells the number.
    if len(v) >= 16:
        return _keep(v, 6, 4)
    return _keep(v, 2, 2) if len(v) > 6 else "*" * len(v)


def _mask_email(v: str) -> str:
    local, at, domain = v.partition("@")
    return (local[:1] + "***@" + domain) if at else (v[:1] + "***")


def mask(id_type: str, normalised_value: str | None) -> str | None:
    """Masked display value (掩码) per JR/T 0171-2020 conventions; None stays None.

    id_number 220102************ (15/18 digits; other document numbers 6 + 4) · name 张* / 张*三 / 欧阳** · phone 138****1234,
    0431****66 · bank_card 622202*********1234 · plate 吉A***45 · vin LVS**********1234 ·
    uscc unchanged (organisations are not personal data) · email z***@example.com

    A resident ID number (18 or 15 digits) shows its region code only, not JR/T 0171's display form
    220102********1239: the warehouse keeps the birth date, sex and region the rules need
    (``<field>_birth`` / ``_gender`` / ``_region``; the high-risk person form asks for them too), and
    the number is exactly region + birth date + sequence + check character — the last four beside
    the birth date would spell the whole number. Hidden, the sequence leaves some 500 candidates.
    """
    if normalised_value is None:
        return None
    v = normalised_value
    if v == "":
        return ""
    if id_type == "id_number":
        if len(v) in (15, 18):
            return _keep(v, 6, 0)  # region only, see the docstring
        return _keep(v, 6, 4) if len(v) >= 14 else _keep(v, 1, 0)
    if id_type == "name":
        return _mask_name(v)
    if id_type == "phone":
        return _mask_phone(v)
    if id_type == "bank_card":
        return _mask_card(v)
    if id_type == "plate":
        return (v[:2] + "***" + v[-2:]) if len(v) >= 6 else _keep(v, 1, 0)
    if id_type == "vin":
        return _keep(v, 3, 4, 10) if len(v) == 17 else _keep(v, 0, 2)
    if id_type == "uscc":
        return v
    if id_type == "email":
        return _mask_email(v)
    raise ValueError(f"unknown identifier type {id_type!r}; expected one of {sorted(TOKEN_PREFIX)}")


def _keep_sql(v: str, head: int, tail: int, stars: int | None = None) -> str:
    """SQL twin of :func:`_keep` (DuckDB's left/right/length count code points, like Python)."""
    hidden = f"repeat('*', greatest(length({v}) - {head + tail}, 0))" if stars is None else f"'{'*' * stars}'"
    return f"(left({v}, {head}) || {hidden} || right({v}, {tail}))"


def mask_sql(id_type: str, value_sql: str) -> str:
    """A DuckDB expression giving :func:`mask` of ``value_sql`` (same rules; a test keeps them equal).

    The ingest masks whole columns of distinct normalised values in DuckDB rather than calling
    :func:`mask` once per value in Python.
    """
    v, n = value_sql, f"length({value_sql})"
    stars = f"repeat('*', {n})"
    if id_type == "id_number":
        body = (f"CASE WHEN {n} IN (15, 18) THEN {_keep_sql(v, 6, 0)} WHEN {n} >= 14 THEN {_keep_sql(v, 6, 4)} "
                f"ELSE {_keep_sql(v, 1, 0)} END")
    elif id_type == "name":
        body = (f"CASE WHEN {n} <= 1 THEN '*' WHEN {n} = 2 THEN left({v}, 1) || '*' "
                f"WHEN {n} = 3 THEN left({v}, 1) || '*' || right({v}, 1) ELSE {_keep_sql(v, 2, 0)} END")
    elif id_type == "phone":
        area = f"CASE WHEN substr({v}, 2, 1) IN ('1', '2') THEN 3 ELSE 4 END"
        body = (f"CASE WHEN {n} = 11 AND left({v}, 1) = '1' THEN {_keep_sql(v, 3, 4)} "
                f"WHEN left({v}, 1) = '0' AND {n} >= 10 THEN left({v}, {area}) || '****' || right({v}, 2) "
                f"WHEN {n} > 6 THEN {_keep_sql(v, 2, 2)} ELSE {stars} END")
    elif id_type == "bank_card":
        body = (f"CASE WHEN {n} >= 16 THEN {_keep_sql(v, 6, 4)} WHEN {n} > 6 THEN {_keep_sql(v, 2, 2)} "
                f"ELSE {stars} END")
    elif id_type == "plate":
        body = f"CASE WHEN {n} >= 6 THEN left({v}, 2) || '***' || right({v}, 2) ELSE {_keep_sql(v, 1, 0)} END"
    elif id_type == "vin":
        body = f"CASE WHEN {n} = 17 THEN {_keep_sql(v, 3, 4, 10)} ELSE {_keep_sql(v, 0, 2)} END"
    elif id_type == "uscc":
        body = v
    elif id_type == "email":
        body = (f"CASE WHEN strpos({v}, '@') > 0 THEN left(left({v}, strpos({v}, '@') - 1), 1) || '***@' || substr({v}, strpos({v}, '@') + 1) "
                f"ELSE left({v}, 1) || '***' END")
    else:
        raise ValueError(f"unknown identifier type {id_type!r}; expected one of {sorted(TOKEN_PREFIX)}")
    return f"(CASE WHEN {v} = '' THEN '' ELSE {body} END)"
