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


def find_province(name: str, con=None, *, with_plans: bool = True) -> str:
    """Slug of a province of the database (see `match_province`); raises UnknownProvinceError.

    By default only provinces that have a plan in the database count (and are listed as valid).
    """
    from sxtd_analysis.api import connect

    con = con or connect()
    where = "WHERE province_slug IN (SELECT province_slug FROM plans)" if with_plans else ""
    rows = con.execute(f"SELECT province_slug, name_vi, name_ascii FROM provinces {where} "
                       "ORDER BY name_vi COLLATE vi").fetchall()
    return match_province(name, [dict(zip(("province_slug", "name_vi", "name_ascii"), r, strict=True))
                                 for r in rows])
