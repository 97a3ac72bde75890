"""Realistic people: names with the real family-name shares, sex, birth dates, ID numbers, addresses.

``so_dinh_danh`` follows Circular 07/2016/TT-BCA: the birth-registration province
(``schemas.codes.PROVINCE_CODES``), a century/sex digit, the last two digits of
the birth year, then six random digits. The old CMND has 9 digits.
"""

from __future__ import annotations

import functools
import json
import random
from dataclasses import dataclass
from datetime import date, timedelta
from importlib import resources
from typing import Any

from corpus._vn import nfc
from schemas.codes import PROVINCE_CODES


@functools.cache
def data(name: str) -> dict[str, Any]:
    """A JSON data file of ``corpus/data`` (names, places, texts)."""
    raw = resources.files("corpus").joinpath("data", f"{name}.json").read_text(encoding="utf-8")
    loaded: dict[str, Any] = json.loads(raw)
    return loaded


def weighted(rng: random.Random, table: dict[str, int]) -> str:
    """One key of ``table`` drawn with the weights as values."""
    keys = list(table)
    return rng.choices(keys, weights=[table[k] for k in keys])[0]


def id_number(rng: random.Random, *, province_code: str, birth: date, male: bool) -> str:
    """A 12-digit ``so_dinh_danh``: PPP + century/sex digit + YY + 6 random digits."""
    century_digit = 2 * ((birth.year // 100) - 19) + (0 if male else 1)
    return f"{province_code}{century_digit}{birth.year % 100:02d}{rng.randrange(10**6):06d}"


def cmnd_number(rng: random.Random) -> str:
    """An old 9-digit CMND number (the first two digits name the issuing police)."""
    head = rng.choice(["01", "02", "03", "04", "05", "06", "07", "08", "09", "10", "11", "12", "13",
                       "14", "15", "16", "17", "18", "19", "20", "21", "22", "23", "24", "25", "26",
                       "27", "28", "29", "30", "31", "33", "34", "35", "36", "37", "38"])
    return f"{head}{rng.randrange(10**7):07d}"


def person_name(rng: random.Random, *, male: bool) -> str:
    """A full name in title case: family, one or two middle names, given name."""
    names = data("names")
    family = weighted(rng, names["family"])
    middles = names["middle_male" if male else "middle_female"]
    middle = [rng.choice(middles)]
    if rng.random() < 0.25:
        second = rng.choice(middles)
        if second != middle[0]:
            middle.append(second)
    given = rng.choice(names["given_male" if male else "given_female"])
    return nfc(" ".join([family, *middle, given]))


def random_date(rng: random.Random, start: date, end: date) -> date:
    """A day between ``start`` and ``end`` inclusive."""
    return start + timedelta(days=rng.randrange((end - start).days + 1))


@dataclass(frozen=True)
class Address:
    """An address in parts, printed in one of several shapes (see :meth:`text`).

    Attributes:
        street_part: house, lane and street ("Số 12, ngõ 45, phố Chùa Bộc"), or ``None``.
        hamlet: village, hamlet or residential group ("Thôn Đông", "Tổ 5"), or ``None``.
        ward: "phường Quang Trung", "xã Tân Phú", "Phường 3".
        district: "quận Đống Đa" (``None`` in a post-2025 address, which has no district).
        province: "thành phố Hà Nội", "tỉnh Thái Nguyên".
    """

    street_part: str | None
    hamlet: str | None
    ward: str
    district: str | None
    province: str

    def _parts(self) -> list[str]:
        return [p for p in (self.street_part, self.hamlet, self.ward, self.district, self.province) if p]

    def text(self, shape: str = "full") -> str:
        """The address as printed.

        ``full``: unit types in lower case ("…, xã Tân Phú, huyện Phú Bình, tỉnh Thái Nguyên");
        ``capitalized``: unit types capitalized ("Xã Tân Phú, Huyện Phú Bình, Tỉnh Thái Nguyên");
        ``compact``: the ID-card shape, unit types dropped ("Thôn Đông, Tân Phú, Phú Bình, Thái Nguyên").
        """
        parts = self._parts()
        if shape == "capitalized":
            parts = [_cap_units(p) for p in parts]
        elif shape == "compact":
            parts = [p.replace(", ", " ") if p is self.street_part else short_name(p) for p in parts]
        out = ", ".join(parts)
        return nfc(out[:1].upper() + out[1:])

    @property
    def province_name(self) -> str:
        """The province without its unit type ("Thái Nguyên")."""
        return short_name(self.province)


def _cap_units(part: str) -> str:
    # capitalize the unit word that opens each comma-separated piece ("ngõ 45" → "Ngõ 45")
    return ", ".join(p[:1].upper() + p[1:] for p in part.split(", "))


def short_name(part: str) -> str:
    """A unit's name without its type ("thành phố Hòa Bình" → "Hòa Bình"; "Phường 3" stays)."""
    for u in ("thành phố ", "thị xã ", "thị trấn ", "tỉnh ", "huyện ", "quận ", "phường ", "xã "):
        if part.startswith(u) and not part[len(u):].isdigit():
            return part[len(u):]
    return part


def _province(name: str, cities: list[str]) -> str:
    return f"thành phố {name}" if name in cities else f"tỉnh {name}"


def _street_part(rng: random.Random) -> str:
    places = data("places")
    street = rng.choice(places["streets"])
    kind = rng.choice(["đường", "phố"])
    house = rng.choice([f"Số {rng.randint(1, 350)}", f"{rng.randint(1, 250)}/{rng.randint(1, 60)}",
                        f"Số nhà {rng.randint(1, 120)}", f"{rng.randint(2, 180)}"])
    lane = rng.random()
    if lane < 0.25:
        return f"{house}, ngõ {rng.randint(2, 300)}, {kind} {street}"
    if lane < 0.35:
        return f"{house}, ngách {rng.randint(2, 90)}/{rng.randint(2, 60)}, {kind} {street}"
    if lane < 0.5:
        return f"{house}, hẻm {rng.randint(2, 400)}, đường {street}"
    return f"{house} {kind} {street}" if house[0].isdigit() else f"{house}, {kind} {street}"


def _ward(rng: random.Random, *, urban: bool) -> str:
    places = data("places")
    if urban:
        if rng.random() < 0.3:
            return f"Phường {rng.randint(1, 15)}"
        return f"phường {rng.choice(places['wards'])}"
    if rng.random() < 0.12:
        return f"thị trấn {rng.choice(places['towns'])}"
    return f"xã {rng.choice(places['communes'])}"


def _hamlet(rng: random.Random, *, urban: bool) -> str | None:
    places = data("places")
    if urban:
        options: list[str | None] = [None, None, f"Tổ {rng.randint(1, 40)}", f"Khu phố {rng.randint(1, 12)}",
                                     f"Tổ dân phố {rng.randint(1, 25)}"]
        return rng.choice(options)
    return rng.choice([str(rng.choice(places["villages"])), f"Thôn {rng.randint(1, 15)}",
                       f"Xóm {rng.randint(1, 12)}", f"Ấp {rng.randint(1, 9)}"])


def address(rng: random.Random, *, post_2025: bool = False, province: str | None = None) -> Address:
    """A residence address; ``post_2025`` drops the district and uses the 34 provinces."""
    places = data("places")
    if post_2025:
        known = places["provinces_2025"]
        name = province if province and province in known else str(rng.choice(known))
        prov = _province(name, places["city_provinces_2025"])
        urban = rng.random() < 0.55
        street = _street_part(rng) if urban and rng.random() < 0.7 else None
        hamlet = None if street else _hamlet(rng, urban=urban)
        return Address(street, hamlet, _ward(rng, urban=urban), None, prov)
    name = province if province and province in places["districts"] else str(rng.choice(sorted(places["districts"])))
    prov = _province(name, places["city_provinces"])
    district = rng.choice(places["districts"][name])
    urban = not district.startswith("huyện")
    street = _street_part(rng) if urban and rng.random() < 0.75 else None
    hamlet = None if street else _hamlet(rng, urban=urban)
    return Address(street, hamlet, _ward(rng, urban=urban), district, prov)


def hometown(rng: random.Random, province: str | None = None) -> Address:
    """A quê quán: commune, district and province, no street."""
    places = data("places")
    name = province if province and province in places["districts"] else str(rng.choice(sorted(places["districts"])))
    district = rng.choice(places["districts"][name])
    ward = _ward(rng, urban=not district.startswith("huyện"))
    return Address(None, None, ward, district, _province(name, places["city_provinces"]))


def phone(rng: random.Random) -> tuple[str, str]:
    """A mobile number: (printed with a random grouping, normalized digits)."""
    digits = rng.choice(["09", "08", "03", "07", "05"]) + f"{rng.randrange(10**8):08d}"
    style = rng.randrange(4)
    if style == 0:
        printed = digits
    elif style == 1:
        printed = f"{digits[:4]} {digits[4:7]} {digits[7:]}"
    elif style == 2:
        printed = f"{digits[:4]}.{digits[4:7]}.{digits[7:]}"
    else:
        printed = f"{digits[:3]} {digits[3:6]} {digits[6:]}"
    return printed, digits


@dataclass(frozen=True)
class Person:
    """One citizen, consistent across every paper that shows them.

    Attributes:
        name: full name, title case NFC.
        male: sex (``gioi_tinh`` "Nam" when true, "Nữ" otherwise).
        birth: date of birth.
        id_number: 12-digit ``so_dinh_danh`` agreeing with province, sex and birth year.
        cmnd: an old 9-digit CMND number.
        ethnic: dân tộc.
        birth_province: name of the province of birth registration (the ID's first 3 digits).
        hometown: quê quán.
        residence: nơi thường trú / nơi cư trú.
    """

    name: str
    male: bool
    birth: date
    id_number: str
    cmnd: str
    ethnic: str
    birth_province: str
    hometown: Address
    residence: Address

    @property
    def sex(self) -> str:
        """``Nam`` or ``Nữ``."""
        return "Nam" if self.male else "Nữ"


def person(rng: random.Random, *, born_from: date = date(1950, 1, 1), born_to: date = date(2006, 12, 31),
           male: bool | None = None, post_2025: bool = False) -> Person:
    """A citizen born between the two dates, with an ID number that obeys the structure."""
    is_male = rng.random() < 0.5 if male is None else male
    birth = random_date(rng, born_from, born_to)
    code = rng.choice(sorted(PROVINCE_CODES))
    prov_name = PROVINCE_CODES[code]
    home = hometown(rng, prov_name if rng.random() < 0.7 else None)
    residence = address(rng, post_2025=post_2025, province=prov_name if rng.random() < 0.5 else None)
    return Person(
        name=person_name(rng, male=is_male),
        male=is_male,
        birth=birth,
        id_number=id_number(rng, province_code=code, birth=birth, male=is_male),
        cmnd=cmnd_number(rng),
        ethnic=weighted(rng, data("names")["ethnic"]),
        birth_province=prov_name,
        hometown=home,
        residence=residence,
    )
