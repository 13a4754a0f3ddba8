"""Find a province by slug, Vietnamese name, or name typed without diacritics, in any case."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from sxtd_analysis.text import fold, slugify


class UnknownProvinceError(LookupError):
    """No province matches the name; the message lists the valid ones."""


def _key(name: str) -> str:
    return slugify(fold(name))


def match_province(name: str, provinces: Iterable[Mapping[str, str]]) -> str:
    """The slug of the province whose slug, name_vi or name_ascii matches `name`.

    "Ha Tinh", "hà tĩnh", "HA-TINH" and "ha_tinh" all find ha-tinh; "Tỉnh Hà Tĩnh" too.
    """
    rows = list(provinces)
    wanted = _key(name or "")
    wanted_bare = wanted.removeprefix("tinh-").removeprefix("thanh-pho-")
    for row in rows:
        keys = {row["province_slug"], _key(row["name_vi"]), _key(row.get("name_ascii") or row["name_vi"])}
        if wanted in keys or wanted_bare in keys:
            return row["province_slug"]
    valid = ", ".join(f"{r['name_vi']} ({r['province_slug']})" for r in rows)
    raise UnknownProvinceError(f"unknown province {name!r}; valid: {valid}")
