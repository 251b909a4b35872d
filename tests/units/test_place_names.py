"""The place a document is dated at, read from its unit's name (units.letterhead.place_of):
the words after the first place word that a capital or a number follows."""

import pytest

from units.letterhead import place_of


@pytest.mark.parametrize(
    ("name", "place"),
    [
        ("Liên đoàn Lao động huyện Châu Thành", "Châu Thành"),
        ("Liên đoàn Lao động tỉnh Bến Tre", "Bến Tre"),
        ("Liên đoàn Lao động thành phố Hồ Chí Minh", "Hồ Chí Minh"),
        ("Công đoàn xã An Hiệp", "An Hiệp"),
        ("Liên đoàn Lao động quận 1", "1"),
        # "Tỉnh ủy" and "xã hội" are no place: the date line read "ủy Bến Tre, ngày …" and
        # "hội tỉnh Bến Tre, ngày …".
        ("Công đoàn cơ sở Văn phòng Tỉnh ủy Bến Tre", ""),  # none: the parent's is used
        ("Công đoàn cơ sở Bảo hiểm xã hội tỉnh Bến Tre", "Bến Tre"),
        ("Công đoàn cơ sở Trường Tiểu học xã Phú Túc huyện Châu Thành", "Phú Túc"),
        ("công đoàn xã an hiệp", "an hiệp"),  # all in lower case: the first place word
        ("Công đoàn ngành Giáo dục", ""),
    ],
)
def test_the_place_is_read_from_the_name(name, place):
    assert place_of(name) == place
