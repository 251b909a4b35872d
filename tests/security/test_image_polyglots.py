"""An image followed by something else (a page, a zip: a file that is an image to one
program and a page or an archive to another) is refused; what cameras write is accepted:
padding of NUL bytes, a preview inside one of the image's segments (as EXIF keeps its
thumbnail), previews appended as whole JPEG images that the image's multi-picture index
(MPF, written by cameras and by phones for HDR) announces."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from campaign import uploads
from tests.campaign.upload_files import image_bytes, refusal, zip_bytes

AFTER = "sau phần cuối của ảnh"
PAGE = b"<html><body><script>alert(document.cookie)</script></body></html>"
ZIP = zip_bytes([("payload.html", PAGE)])
MIME = {"PNG": "image/png", "JPEG": "image/jpeg"}


def accepted(name, content, kind):
    return uploads.validate_upload(SimpleUploadedFile(name, content)) == MIME[kind]


def with_comment(jpeg, comment):
    """`jpeg` with a comment segment holding `comment`, right after its start marker."""
    return jpeg[:2] + b"\xff\xfe" + (len(comment) + 2).to_bytes(2, "big") + comment + jpeg[2:]


def multi_picture():
    """A JPEG with a second, smaller image appended and indexed, as a camera writes one."""
    buffer = io.BytesIO()
    first = Image.new("RGB", (8, 8), "red")
    first.save(buffer, "MPO", save_all=True, append_images=[Image.new("RGB", (4, 4), "blue")])
    return buffer.getvalue()


@pytest.mark.parametrize("kind", ["PNG", "JPEG"])
@pytest.mark.parametrize("tail", [PAGE, ZIP], ids=["page", "zip"])
def test_an_image_with_something_after_its_end_is_refused(kind, tail):
    name = f"scan.{kind.lower()}"
    assert accepted(name, image_bytes(kind), kind)
    text = refusal(name, image_bytes(kind) + tail)
    assert AFTER in text


@pytest.mark.parametrize("kind", ["PNG", "JPEG"])
def test_nul_padding_after_an_image_is_accepted(kind):
    assert accepted(f"scan.{kind.lower()}", image_bytes(kind) + b"\x00" * 4096, kind)


def test_a_page_hidden_behind_nul_padding_is_refused():
    assert AFTER in refusal("scan.jpg", image_bytes("JPEG") + b"\x00" * 16 + PAGE)


def test_a_page_ending_like_a_jpeg_is_still_refused():
    # The image's end is found by reading its segments, not by the last end marker in the file.
    assert AFTER in refusal("scan.jpg", image_bytes("JPEG") + PAGE + b"\xff\xd9")


def test_a_preview_inside_a_segment_does_not_end_the_image():
    preview = image_bytes("JPEG")
    content = with_comment(image_bytes("JPEG"), preview)
    assert accepted("scan.jpg", content, "JPEG")
    assert AFTER in refusal("scan.jpg", content + PAGE)


def test_previews_appended_by_a_camera_are_accepted_and_nothing_after_them():
    content = multi_picture()
    assert content.count(b"\xff\xd8") >= 2
    assert accepted("photo.jpg", content, "JPEG")
    assert AFTER in refusal("photo.jpg", content + PAGE)


def test_an_image_appended_without_an_index_is_refused():
    assert AFTER in refusal("scan.jpg", image_bytes("JPEG") + image_bytes("JPEG"))


def test_a_png_without_its_end_is_refused_as_damaged():
    whole = image_bytes("PNG")
    cut = whole[: whole.rindex(b"IEND") - 4]
    assert "hỏng" in refusal("scan.png", cut)
