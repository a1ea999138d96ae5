"""Performance frameworks as data: ``params/frameworks/<name>.yaml``, and which council reports
against which (``frameworks:`` in ``params/report.yaml``).

A framework lists a council's performance indicators (PIs) in the order its own document publishes
them, each under its headings (Aberdeen City: outcome, objective, theme and OPIF indicator;
Glasgow City: one section) and with the frequency the framework reports it at. Adding a framework
is adding a YAML file and naming it for a council; no code changes. Every loader here checks what
it reads and raises :class:`jswlib.core.errors.ParamsError` naming the file and the key, for
example ``params/frameworks/aberdeen.yaml: pis[3] (upw_hours): 'upw_hours' is not an indicator id
of the catalogue``.

Conventions (docs/method.md, "Performance frameworks"): the title of a PI is the one the
framework's document publishes (the catalogue's ``published_as`` for the framework's ``source``,
unless the entry gives its own); a framework may report an indicator less often than the catalogue
computes it (a quarterly count reported annually is summed over the year), never more often.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jswlib.core import io
from jswlib.core.errors import ParamsError
from jswlib.definitions.catalogue import FREQUENCIES, SOURCES, Catalogue, load_catalogue
from jswlib.definitions.councils import Councils
from jswlib.definitions.params import load_councils, params_dir

#: Folder of the framework files in the params folder.
FRAMEWORKS_FOLDER: str = "frameworks"
#: The file that names each council's framework (key ``frameworks``), in the params folder.
COUNCIL_FRAMEWORKS_FILE: str = "report.yaml"
#: Reporting frequencies from finest to coarsest: a framework may report an indicator at the
#: catalogue's frequency or a coarser one.
FREQUENCY_ORDER: tuple[str, ...] = ("quarterly", "6-monthly", "annual")
#: Keys of a PI entry besides its heading levels.
PI_KEYS: tuple[str, ...] = ("indicator", "frequency", "title")
#: Top-level keys of a framework file.
TOP_KEYS: tuple[str, ...] = ("title", "source", "levels", "headings", "pis")

_LEVEL = re.compile(r"^[a-z][a-z0-9_]*$")


@dataclass(frozen=True)
class FrameworkPI:
    """One PI of a framework.

    Attributes
    ----------
    indicator : str
        The catalogue indicator id.
    title : str
        The PI as the framework publishes it.
    frequency : str
        How often the framework reports it: quarterly, 6-monthly or annual.
    headings : tuple of str
        Its heading at each level of the framework, outermost first.
    manual : bool
        Whether the figure is supplied as an aggregate (catalogue type ``manual``), not computed.
    """

    indicator: str
    title: str
    frequency: str
    headings: tuple[str, ...]
    manual: bool = False


@dataclass(frozen=True)
class Framework:
    """A performance framework: its title, heading levels and PIs in the published order.

    Attributes
    ----------
    name : str
        The file name without ``.yaml`` (``aberdeen``).
    title : str
        The framework's own name.
    source : str
        The catalogue's document key for published titles.
    levels : tuple of str
        Heading levels, outermost first (``outcome``, ``objective``, ``theme``, ``opif``).
    pis : tuple of FrameworkPI
        In the published order.
    file : str
        The file it was read from.
    """

    name: str
    title: str
    source: str
    levels: tuple[str, ...]
    pis: tuple[FrameworkPI, ...]
    file: str = ""

    def indicators(self) -> list[str]:
        """The indicator ids of the PIs, in order."""
        return [p.indicator for p in self.pis]

    def headings_at(self, level: str) -> list[str]:
        """The headings of one level in the order they first appear.

        Examples
        --------
        >>> fw = load_framework("glasgow")
        >>> fw.headings_at("section")
        ['Key Performance Indicator Summary']
        """
        depth = self.levels.index(level)
        seen: list[str] = []
        for pi in self.pis:
            if pi.headings[depth] not in seen:
                seen.append(pi.headings[depth])
        return seen

    def shared_titles(self) -> set[str]:
        """Published titles that several PIs share (one published PI reported as several
        figures)."""
        titles = [p.title for p in self.pis]
        return {t for t in titles if titles.count(t) > 1}


def _fail(file: Path, key: str, message: str) -> None:
    raise ParamsError(f"{file}: {key}: {message}")


def _need(cond: bool, file: Path, key: str, message: str) -> None:
    if not cond:
        _fail(file, key, message)


def _text(value: Any) -> bool:
    return isinstance(value, str) and value.strip() != ""


def framework_names(params: str | os.PathLike | None = None) -> list[str]:
    """The frameworks in ``params/frameworks/``: the names of its ``.yaml`` files, sorted.

    Examples
    --------
    >>> framework_names()
    ['aberdeen', 'glasgow']
    """
    folder = params_dir(params) / FRAMEWORKS_FOLDER
    if not io.is_dir(folder):
        return []
    return sorted(p.stem for p in io.list_files(folder) if p.suffix == ".yaml")


def _pi(
    raw: Any, n: int, levels: tuple[str, ...], source: str, catalogue: Catalogue, file: Path
) -> FrameworkPI:
    key = f"pis[{n}]"
    _need(
        isinstance(raw, dict),
        file,
        key,
        "expected a mapping with indicator, frequency and the headings",
    )
    ind_id = raw.get("indicator")
    _need(_text(ind_id), file, f"{key}.indicator", "missing: expected an indicator id")
    key = f"pis[{n}] ({ind_id})"
    _need(
        ind_id in catalogue,
        file,
        f"{key}.indicator",
        f"{ind_id!r} is not an indicator id of the catalogue (params/indicators.yaml)",
    )
    ind = catalogue.get(ind_id)
    unknown = sorted(set(raw) - set(PI_KEYS) - set(levels))
    _need(
        not unknown,
        file,
        f"{key}.{unknown[0] if unknown else ''}",
        f"not a field of a PI: expected {', '.join(PI_KEYS)} and the levels {', '.join(levels)}",
    )
    frequency = raw.get("frequency", ind.frequency)
    _need(
        frequency in FREQUENCIES,
        file,
        f"{key}.frequency",
        f"{frequency!r} is not one of {', '.join(FREQUENCIES)}",
    )
    _need(
        FREQUENCY_ORDER.index(frequency) >= FREQUENCY_ORDER.index(ind.frequency),
        file,
        f"{key}.frequency",
        f"{frequency} is more often than the catalogue computes {ind_id} ({ind.frequency})",
    )
    headings = []
    for level in levels:
        _need(_text(raw.get(level)), file, f"{key}.{level}", "missing: expected the heading text")
        headings.append(" ".join(str(raw[level]).split()))
    title = raw.get("title")
    if title is None:
        title = ind.published_as.get(source)
        _need(
            _text(title),
            file,
            f"{key}.title",
            f"missing, and the catalogue has no {source} title (published_as.{source}) for "
            f"{ind_id}",
        )
    _need(_text(title), file, f"{key}.title", "expected the PI's title as published")
    return FrameworkPI(
        indicator=ind_id,
        title=" ".join(str(title).split()),
        frequency=frequency,
        headings=tuple(headings),
        manual=ind.type == "manual",
    )


def _check_grouped(pis: list[FrameworkPI], levels: tuple[str, ...], file: Path) -> None:
    """Each heading's PIs must be listed together: a heading may not come back after another."""
    for depth, level in enumerate(levels):
        closed: set[tuple[str, ...]] = set()
        current: tuple[str, ...] | None = None
        for n, pi in enumerate(pis):
            path = pi.headings[: depth + 1]
            if path == current:
                continue
            _need(
                path not in closed,
                file,
                f"pis[{n}] ({pi.indicator}).{level}",
                f"{path[-1]!r} comes back after another {level}: list the PIs of a heading "
                "together",
            )
            if current is not None:
                closed.add(current)
            current = path


def load_framework(
    name: str, params: str | os.PathLike | None = None, catalogue: Catalogue | None = None
) -> Framework:
    """Load and check ``params/frameworks/<name>.yaml``.

    Parameters
    ----------
    name : str
        The framework's name (its file name without ``.yaml``).
    params : path-like, optional
        The params folder (see :func:`jswlib.definitions.params.params_dir`).
    catalogue : Catalogue, optional
        To check indicator ids and find published titles (loaded from ``params`` otherwise).

    Returns
    -------
    Framework

    Raises
    ------
    ParamsError
        Naming the file and the key: an unknown framework, a missing title, source or level, an
        unknown indicator id, a PI listed twice, an unknown frequency or one more often than the
        catalogue computes, a missing heading, a heading whose PIs are not listed together.

    Examples
    --------
    >>> fw = load_framework("aberdeen")
    >>> fw.levels, len(fw.pis), fw.pis[0].title
    (('outcome', 'objective', 'theme', 'opif'), 40, 'Number of CPOs')
    """
    folder = params_dir(params) / FRAMEWORKS_FOLDER
    file = folder / f"{name}.yaml"
    known = framework_names(params)
    if name not in known:
        raise ParamsError(
            f"{file}: no such framework: expected one of {', '.join(known) or '(none)'} "
            f"(the .yaml files in {folder})"
        )
    try:
        doc = io.read_yaml(file)
    except io.ParamsFileError as exc:
        raise ParamsError(str(exc)) from None
    catalogue = catalogue or load_catalogue(params)
    _need(isinstance(doc, dict), file, "(top level)", f"expected {', '.join(TOP_KEYS)}")
    unknown = sorted(set(doc) - set(TOP_KEYS))
    _need(
        not unknown,
        file,
        unknown[0] if unknown else "",
        f"not a key of a framework: expected {', '.join(TOP_KEYS)}",
    )
    _need(_text(doc.get("title")), file, "title", "missing: expected the framework's name")
    source = doc.get("source")
    _need(source in SOURCES, file, "source", f"{source!r} is not one of {', '.join(SOURCES)}")
    levels = doc.get("levels")
    _need(
        isinstance(levels, list) and all(isinstance(v, str) and _LEVEL.match(v) for v in levels),
        file,
        "levels",
        "expected a list of heading levels in lower case, e.g. [outcome, objective]",
    )
    clash = sorted({v for v in levels if levels.count(v) > 1 or v in PI_KEYS})
    _need(
        not clash,
        file,
        "levels",
        f"{', '.join(clash)}: a level may appear once and not be {', '.join(PI_KEYS)}",
    )
    raw_pis = doc.get("pis")
    _need(isinstance(raw_pis, list) and bool(raw_pis), file, "pis", "expected a list of PIs")
    levels = tuple(levels)
    pis = [_pi(raw, n, levels, source, catalogue, file) for n, raw in enumerate(raw_pis)]
    seen: dict[str, int] = {}
    for n, pi in enumerate(pis):
        _need(
            pi.indicator not in seen,
            file,
            f"pis[{n}] ({pi.indicator}).indicator",
            f"{pi.indicator!r} is listed twice (also pis[{seen.get(pi.indicator)}])",
        )
        seen[pi.indicator] = n
    _check_grouped(pis, levels, file)
    return Framework(
        name=name,
        title=" ".join(str(doc["title"]).split()),
        source=source,
        levels=levels,
        pis=tuple(pis),
        file=str(file),
    )


def load_council_frameworks(
    params: str | os.PathLike | None = None, councils: Councils | None = None
) -> dict[str, str]:
    """Which framework each council reports against: ``frameworks:`` in ``params/report.yaml``.

    Parameters
    ----------
    params : path-like, optional
        The params folder.
    councils : Councils, optional
        To resolve council keys (loaded from ``params`` otherwise).

    Returns
    -------
    dict of str to str
        GSS code -> framework name, in the file's order; empty when the key is absent.

    Raises
    ------
    ParamsError
        Naming the file and the key: not a mapping, an unknown council, a council named twice
        (under two spellings), a framework with no file.

    Examples
    --------
    >>> load_council_frameworks()
    {'S12000033': 'aberdeen', 'S12000049': 'glasgow'}
    """
    file = params_dir(params) / COUNCIL_FRAMEWORKS_FILE
    try:
        doc = io.read_yaml(file) or {}
    except io.ParamsFileError as exc:
        raise ParamsError(str(exc)) from None
    raw = doc.get("frameworks") if isinstance(doc, dict) else None
    if raw is None:
        return {}
    _need(isinstance(raw, dict), file, "frameworks", "expected council: framework name")
    councils = councils or load_councils(params)
    known = framework_names(params)
    out: dict[str, str] = {}
    named: dict[str, str] = {}
    for key, name in raw.items():
        where = f"frameworks.{key}"
        try:
            council = councils.get(str(key))
        except KeyError:
            _fail(file, where, "not a council name, alias, slug or GSS code (see `jsw councils`)")
        _need(
            council.code not in out,
            file,
            where,
            f"{council.name} is named twice (also as {named.get(council.code)!r})",
        )
        _need(
            isinstance(name, str) and name in known,
            file,
            where,
            f"{name!r} is not a framework: expected one of {', '.join(known) or '(none)'} "
            f"(files in params/{FRAMEWORKS_FOLDER}/)",
        )
        out[council.code] = name
        named[council.code] = str(key)
    return out


def framework_of(
    council_code: str,
    params: str | os.PathLike | None = None,
    councils: Councils | None = None,
    catalogue: Catalogue | None = None,
) -> Framework | None:
    """The framework a council reports against, loaded and checked; None when it names none."""
    name = load_council_frameworks(params, councils).get(council_code)
    return None if name is None else load_framework(name, params, catalogue)
