"""The system libraries the set-up installs: Pango for WeasyPrint and a Vietnamese serif."""

import shutil
import subprocess

import pytest

VIETNAMESE = "Liên đoàn Lao động tỉnh Bến Tre — Độc lập - Tự do - Hạnh phúc"


def test_weasyprint_renders_vietnamese_in_liberation_serif(tmp_path):
    from weasyprint import HTML

    pdf = tmp_path / "check.pdf"
    HTML(string=f"<p style=\"font-family: 'Liberation Serif'\">{VIETNAMESE}</p>").write_pdf(pdf)
    if not shutil.which("pdffonts"):
        pytest.fail("poppler-utils is missing: the test command installs it")
    fonts = subprocess.run(["pdffonts", pdf], capture_output=True, text=True, check=True).stdout
    listed = fonts.strip().splitlines()[2:]
    # One font only: no glyph of the Vietnamese text fell back to another face.
    assert len(listed) == 1 and "Liberation-Serif" in listed[0], fonts
    text = subprocess.run(["pdftotext", pdf, "-"], capture_output=True, text=True, check=True)
    assert VIETNAMESE in text.stdout
