"""Regenerate ``encrypted.xlsx``: a real password-to-open workbook (OOXML Agile encryption).

The committed file is what the tests use; regenerating needs ``msoffcrypto-tool`` (which is
not a dependency of nianbao): ``pip install --target /tmp/mso msoffcrypto-tool olefile`` and
``PYTHONPATH=/tmp/mso python3 tests/files/make_encrypted.py``.
"""

import io
import sys
from pathlib import Path

import openpyxl
from msoffcrypto.format.ooxml import OOXMLFile

HERE = Path(__file__).resolve().parent


def main(out=HERE / "encrypted.xlsx", password="nianbao"):
    wb = openpyxl.Workbook()
    wb.active["A1"] = "设置了打开密码的工作簿"
    plain = io.BytesIO()
    wb.save(plain)
    plain.seek(0)
    enc = io.BytesIO()
    OOXMLFile(plain).encrypt(password, enc)
    Path(out).write_bytes(enc.getvalue())
    print(out, len(enc.getvalue()))


if __name__ == "__main__":
    main(*sys.argv[1:2])
