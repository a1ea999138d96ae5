"""The 32 Scottish councils: names, GSS codes, aliases and family groups.

Built from ``params/councils.yaml`` (loaded by :func:`jswlib.definitions.params.load_councils`).
Extracts name a council in many ways: the current GSS code, a retired code (Fife S12000015), the
name in another case, with ``&`` for ``and``, or an older spelling ("Edinburgh, City of", "Eilean
Siar"). :meth:`Councils.resolve` maps all of them to the current GSS code, for a whole column at
once.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

#: Code used for the national total in results tables.
SCOTLAND_CODE = "S92000003"


def normalise_council_name(text: str) -> str:
    """Reduce a council name to a key that ignores case, punctuation, ``&`` versus ``and`` and
    spacing.

    Parameters
    ----------
    text : str
        A council name, alias or code as found in an extract.

    Returns
    -------
    str
        The matching key.

    Examples
    --------
    >>> normalise_council_name("Argyll & Bute")
    'argyll and bute'
    >>> normalise_council_name("  PERTH and  kinross ")
    'perth and kinross'
    >>> normalise_council_name("Na h-Eileanan Siar")
    'na h eileanan siar'
    """
    key = str(text).strip().lower().replace("&", " and ")
    key = re.sub(r"[^a-z0-9]+", " ", key)
    return " ".join(key.split())


@dataclass(frozen=True)
class Council:
    """One council as configured in ``params/councils.yaml``."""

    name: str
    code: str
    slug: str
    family_group: str
    old_codes: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()


class Councils:
    """The set of councils, with look-up by any name, alias or code.

    Parameters
    ----------
    councils : iterable of Council
        The councils. Names, codes and aliases must not collide.
    family_groups : mapping of str to str
        Family group code to its description.

    Raises
    ------
    ValueError
        When two councils share a name, code or alias.
    """

    def __init__(self, councils: Iterable[Council], family_groups: Mapping[str, str]):
        self._councils = tuple(councils)
        self.family_groups = dict(family_groups)
        for attribute in ("code", "name", "slug"):
            values = [getattr(c, attribute) for c in self._councils]
            repeated = sorted({v for v in values if values.count(v) > 1})
            if repeated:
                raise ValueError(
                    f"{attribute} used by more than one council: {', '.join(repeated)}"
                )
        lookup: dict[str, str] = {}
        for c in self._councils:
            for key in (c.name, c.code, c.slug, *c.old_codes, *c.aliases):
                k = normalise_council_name(key)
                if lookup.get(k, c.code) != c.code:
                    raise ValueError(
                        f"council key {key!r} is used by both {lookup[k]} and {c.code}"
                    )
                lookup[k] = c.code
        self._lookup = lookup
        self._by_code = {c.code: c for c in self._councils}

    def __iter__(self):
        return iter(self._councils)

    def __len__(self) -> int:
        return len(self._councils)

    def get(self, key: str) -> Council:
        """The council called ``key`` (name, alias, slug or GSS code).

        Raises
        ------
        KeyError
            With the list of valid names when nothing matches.
        """
        code = self._lookup.get(normalise_council_name(key))
        if code is None:
            names = ", ".join(c.name for c in self._councils)
            raise KeyError(f"unknown council {key!r}; expected one of: {names}")
        return self._by_code[code]

    def resolve(self, values: pd.Series) -> pd.Series:
        """Map a column of council names, aliases or codes to current GSS codes.

        Parameters
        ----------
        values : pandas.Series
            Council as written in an extract.

        Returns
        -------
        pandas.Series
            The current GSS code, or missing where the value matches no council. Same index as
            ``values``.

        Notes
        -----
        Each distinct value is normalised once, so the cost is in the number of distinct spellings,
        not the number of rows.
        """
        text = values.astype("string")
        uniques = pd.Index(text.dropna().unique())
        codes = [self._lookup.get(normalise_council_name(u)) for u in uniques]
        # A hash lookup of every row against the distinct spellings (missing: -1, no council)
        found = np.array(codes + [None], dtype=object)[uniques.get_indexer(text)]
        return pd.Series(found, index=text.index, dtype="string")

    def in_family_group(self, group: str) -> list[Council]:
        """The councils of family group ``group`` (``FG1`` to ``FG4``)."""
        if group not in self.family_groups:
            raise KeyError(
                f"unknown family group {group!r}; expected one of {sorted(self.family_groups)}"
            )
        return [c for c in self._councils if c.family_group == group]

    def to_frame(self) -> pd.DataFrame:
        """The councils as a table: name, code, slug, family_group, old_codes, aliases."""
        return pd.DataFrame(
            {
                "name": [c.name for c in self._councils],
                "code": [c.code for c in self._councils],
                "slug": [c.slug for c in self._councils],
                "family_group": [c.family_group for c in self._councils],
                "old_codes": [list(c.old_codes) for c in self._councils],
                "aliases": [list(c.aliases) for c in self._councils],
            }
        )
