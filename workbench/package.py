"""Self-checking delivery packages for disc (光盘报送包).

The campaign plan sends everything on optical disc; a package is one folder
(and a zip of it) holding the files, ``manifest.json`` (who, what, when, each
file's size and sha256) and ``SHA256SUMS`` (the same checksums in coreutils
format, so a recipient without this tool can run ``sha256sum -c SHA256SUMS``).
:func:`verify_package` checks one on receipt and names every file that is
missing, altered or unexpected.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import shutil
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from .errors import PackageError

MANIFEST = "manifest.json"
SUMS = "SHA256SUMS"
FORMAT_VERSION = 1


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def build_package(files: list[Path], out_dir: Path, name: str, *, campaign_name: str, company: str | None,
                  operator: str | None, purpose: str, extra: dict | None = None, make_zip: bool = True) -> Path:
    """Copy ``files`` into ``out_dir/name/`` with a manifest and checksums; zip it too."""
    if not files:
        raise PackageError(f"没有可打包的文件 / nothing to package for {name}")
    folder = out_dir / name
    if folder.exists():
        shutil.rmtree(folder)
    (folder / "files").mkdir(parents=True)
    entries = []
    for src in files:
        src = Path(src)
        if not src.is_file():
            raise PackageError(f"待打包文件不存在 / file to package not found: {src}")
        rel = f"files/{src.name}"
        if any(e["path"] == rel for e in entries):
            raise PackageError(f"包内文件重名 / two files named {src.name} in one package")
        data = src.read_bytes()
        (folder / rel).write_bytes(data)
        entries.append({"path": rel, "bytes": len(data), "sha256": _sha256(data)})
    manifest = {
        "format": FORMAT_VERSION,
        "package": name,
        "campaign": campaign_name,
        "company": company,
        "purpose": purpose,
        "operator": operator or "未配置 (not configured)",
        "created": dt.datetime.now().isoformat(timespec="seconds"),
        "files": entries,
        **(extra or {}),
    }
    (folder / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")
    sums = "".join(f"{e['sha256']}  {e['path']}\n" for e in entries)
    sums += f"{_sha256((folder / MANIFEST).read_bytes())}  {MANIFEST}\n"
    (folder / SUMS).write_text(sums, encoding="utf-8")
    if make_zip:
        zpath = out_dir / f"{name}.zip"
        with zipfile.ZipFile(zpath, "w", zipfile.ZIP_DEFLATED) as z:
            for p in sorted(folder.rglob("*")):
                if p.is_file():
                    z.write(p, f"{name}/{p.relative_to(folder).as_posix()}")
    return folder


@dataclass
class Verification:
    package: str
    ok: bool
    checked: int = 0
    missing: list[str] = field(default_factory=list)
    altered: list[str] = field(default_factory=list)
    unexpected: list[str] = field(default_factory=list)
    manifest: dict = field(default_factory=dict)

    def to_text(self) -> str:
        if self.ok:
            return f"校验通过 / verified: {self.package} ({self.checked} 个文件 files, 均与清单一致 all match)"
        lines = [f"校验失败 / verification FAILED: {self.package}"]
        lines += [f"  缺失 missing: {p}" for p in self.missing]
        lines += [f"  被修改 altered: {p}" for p in self.altered]
        lines += [f"  清单外文件 not in manifest: {p}" for p in self.unexpected]
        return "\n".join(lines)


def member_name(info: zipfile.ZipInfo) -> str:
    """A zip member's name as its creator meant it.

    Without the UTF-8 flag (bit 11), Python decodes a name as cp437; but Info-ZIP ``zip`` on Linux
    writes the UTF-8 bytes unflagged, and Windows' built-in zip writes the system code page (GBK on
    Chinese Windows).  So an unflagged name is re-read from its bytes as UTF-8 when that is valid,
    else as GB18030 (a superset of GBK), else left as cp437; backslashes become ``/``.
    """
    name = info.filename
    if not info.flag_bits & 0x800:
        try:
            raw = name.encode("cp437")
        except UnicodeEncodeError:  # not a cp437 decoding (set by hand): keep it
            raw = None
        if raw is not None and not raw.isascii():
            for encoding in ("utf-8", "gb18030"):
                try:
                    name = raw.decode(encoding)
                    break
                except UnicodeDecodeError:
                    continue
    return name.replace("\\", "/")


def _read_members(path: Path) -> dict[str, bytes]:
    """Package content as {relative path: bytes}, from a folder or a zip."""
    if path.is_dir():
        return {p.relative_to(path).as_posix(): p.read_bytes() for p in path.rglob("*") if p.is_file()}
    try:
        with zipfile.ZipFile(path) as z:
            infos = [(member_name(i), i) for i in z.infolist()]
            infos = [(n, i) for n, i in infos if not n.endswith("/")]
            names = [n for n, _ in infos]
            roots = {n.split("/", 1)[0] for n in names}
            strip = len(roots) == 1 and all("/" in n for n in names)
            return {(n.split("/", 1)[1] if strip else n): z.read(i) for n, i in infos}
    except (zipfile.BadZipFile, OSError) as exc:
        raise PackageError(f"报送包无法打开(不是有效的zip或文件夹) / cannot open package {path}: {exc}") from exc


def verify_package(path: str | Path) -> Verification:
    """Check every file against the manifest; name what is missing, altered or extra."""
    path = Path(path)
    if not path.exists():
        raise PackageError(f"报送包不存在 / package not found: {path}")
    members = _read_members(path)
    if MANIFEST not in members:
        return Verification(str(path), False, missing=[MANIFEST])
    try:
        manifest = json.loads(members[MANIFEST].decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        return Verification(str(path), False, altered=[MANIFEST])
    v = Verification(str(path), True, manifest=manifest)
    sums = members.get(SUMS, b"").decode("utf-8", "replace")
    listed = {line.split("  ", 1)[1]: line.split("  ", 1)[0] for line in sums.splitlines() if "  " in line}
    if SUMS not in members:
        v.missing.append(SUMS)
    elif listed.get(MANIFEST) != _sha256(members[MANIFEST]):
        v.altered.append(MANIFEST)
    expected = {e["path"]: e for e in manifest.get("files", [])}
    for rel, e in expected.items():
        data = members.get(rel)
        if data is None:
            v.missing.append(rel)
            continue
        v.checked += 1
        if _sha256(data) != e["sha256"] or len(data) != e["bytes"] or listed.get(rel, e["sha256"]) != e["sha256"]:
            v.altered.append(rel)
    v.unexpected = sorted(set(members) - set(expected) - {MANIFEST, SUMS})
    v.ok = not (v.missing or v.altered or v.unexpected)
    return v
