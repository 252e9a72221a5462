"""Delivery packages verify on receipt and name what was altered, missing or added."""

import hashlib
import subprocess
import zipfile

import pytest

from workbench.errors import PackageError
from workbench.package import build_package, verify_package


@pytest.fixture
def package(tmp_path):
    a = tmp_path / "src" / "C01_线索工作簿.xlsx"
    b = tmp_path / "src" / "说明.txt"
    a.parent.mkdir()
    a.write_bytes(b"workbook bytes")
    b.write_text("请在30日内反馈", encoding="utf-8")
    return build_package([a, b], tmp_path / "out", "C01_线索下发", campaign_name="2019专项行动", company="C01",
                         operator="张审核", purpose="clue dispatch")


def test_fresh_package_verifies_folder_and_zip(package):
    v = verify_package(package)
    assert v.ok and v.checked == 2
    assert verify_package(package.parent / "C01_线索下发.zip").ok
    assert v.manifest["operator"] == "张审核" and v.manifest["company"] == "C01"


def test_sha256sums_work_without_our_tool(package):
    out = subprocess.run(["sha256sum", "-c", "SHA256SUMS"], cwd=package, capture_output=True, text=True)
    assert out.returncode == 0, out.stdout + out.stderr


def test_tampered_missing_and_extra_files_are_named(package):
    (package / "files" / "C01_线索工作簿.xlsx").write_bytes(b"workbook bytes, edited")
    (package / "files" / "说明.txt").unlink()
    (package / "files" / "extra.xlsx").write_bytes(b"x")
    v = verify_package(package)
    assert not v.ok
    assert v.altered == ["files/C01_线索工作簿.xlsx"]
    assert v.missing == ["files/说明.txt"]
    assert v.unexpected == ["files/extra.xlsx"]
    assert "被修改 altered: files/C01_线索工作簿.xlsx" in v.to_text()


def test_tampered_zip_and_manifest(package, tmp_path):
    src = package.parent / "C01_线索下发.zip"
    bad = tmp_path / "bad.zip"
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(bad, "w") as zout:
        for n in zin.namelist():
            data = zin.read(n)
            if n.endswith("manifest.json"):
                data = data.replace("张审核".encode(), "李某某".encode())
            zout.writestr(n, data)
    v = verify_package(bad)
    assert not v.ok and v.altered == ["manifest.json"]
    junk = tmp_path / "junk.zip"
    junk.write_bytes(b"not a zip")
    with pytest.raises(PackageError, match="无法打开"):
        verify_package(junk)


def test_manifest_checksums_are_real(package):
    import json

    m = json.loads((package / "manifest.json").read_text(encoding="utf-8"))
    e = next(x for x in m["files"] if x["path"].endswith(".txt"))
    assert e["sha256"] == hashlib.sha256("请在30日内反馈".encode()).hexdigest()


class _UnflaggedName(zipfile.ZipInfo):
    """A member whose name is written as the given bytes without the UTF-8 flag (as Info-ZIP
    ``zip`` and Windows' built-in zip write them)."""

    def __init__(self, raw: bytes, **kw):
        super().__init__(raw.decode("cp437"), **kw)  # what Python's reader will see at first
        self.raw_name = raw

    def _encodeFilenameFlags(self):
        return self.raw_name, self.flag_bits & ~0x800


def _rezip(folder, dest, encoding, edit=None):
    with zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED) as z:
        for p in sorted(folder.rglob("*")):
            if p.is_file():
                rel = f"{folder.name}/{p.relative_to(folder).as_posix()}"
                data = p.read_bytes()
                if edit and rel.endswith(edit):
                    data += b" edited"
                z.writestr(_UnflaggedName(rel.encode(encoding), date_time=(2019, 8, 1, 0, 0, 0)), data)
    return dest


@pytest.mark.parametrize("encoding", ["utf-8", "gbk"])
def test_rezipped_without_utf8_flag_verifies(package, tmp_path, encoding):
    z = _rezip(package, tmp_path / f"rezipped_{encoding}.zip", encoding)
    with zipfile.ZipFile(z) as check:  # the names really are unflagged, and garbled for Python's reader
        assert all(not i.flag_bits & 0x800 for i in check.infolist())
        assert "C01_线索下发/files/说明.txt" not in check.namelist()
    v = verify_package(z)
    assert v.ok, v.to_text()
    assert (v.checked, v.missing, v.unexpected) == (2, [], [])


@pytest.mark.parametrize("encoding", ["utf-8", "gbk"])
def test_rezipped_without_utf8_flag_still_finds_tampering(package, tmp_path, encoding):
    z = _rezip(package, tmp_path / f"tampered_{encoding}.zip", encoding, edit="说明.txt")
    v = verify_package(z)
    assert not v.ok
    assert (v.altered, v.missing, v.unexpected) == (["files/说明.txt"], [], [])
    assert "被修改 altered: files/说明.txt" in v.to_text()


def test_rezipped_with_info_zip_verifies(package, tmp_path):
    import shutil

    if shutil.which("zip") is None:
        pytest.skip("Info-ZIP zip not installed")
    z = tmp_path / "infozip.zip"
    subprocess.run(["zip", "-qr", str(z), package.name], cwd=package.parent, check=True)
    assert verify_package(z).ok
