"""Loading and checking the definitions in ``params/``: councils, holidays, run settings, and where
commentary is kept.

Every loader checks the file's structure and raises :class:`ParamsError` naming the file and the
key that is wrong, so an analyst editing a YAML file can put it right without reading Python.

The params folder is, in order: the ``params_dir`` argument, the ``JSW_PARAMS`` environment
variable, or ``params/`` in the checkout the package was installed from.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from jswlib.core import io
from jswlib.core.errors import ParamsError
from jswlib.definitions.councils import Council, Councils
from jswlib.definitions.periods import Period, quarter_slug

#: Environment variable that points at another params folder.
PARAMS_ENV = "JSW_PARAMS"
_GSS = re.compile(r"^S12\d{6}$")
#: What a council's slug may be: lower-case letters and digits in words joined by single hyphens.
#: Slugs name files and folders (reports, commentary), so nothing else (no ``/``, ``..``, spaces)
#: is allowed.
SLUG_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def params_dir(path: str | os.PathLike | None = None) -> Path:
    """The params folder to use.

    Parameters
    ----------
    path : path-like, optional
        An explicit folder; wins over everything else.

    Returns
    -------
    pathlib.Path

    Raises
    ------
    ParamsError
        When the folder does not exist.
    """
    if path is None:
        path = os.environ.get(PARAMS_ENV) or Path(__file__).resolve().parents[2] / "params"
    path = Path(path)
    if not io.is_dir(path):
        raise ParamsError(f"{path}: params folder not found (set {PARAMS_ENV} or pass --params)")
    return path


def _load(path: Path) -> Any:
    try:
        return io.read_yaml(path)
    except io.ParamsFileError as exc:
        raise ParamsError(str(exc)) from None


def _need(cond: bool, path: Path, key: str, message: str) -> None:
    if not cond:
        raise ParamsError(f"{path}: {key}: {message}")


def load_councils(path: str | os.PathLike | None = None) -> Councils:
    """Load and check ``councils.yaml``.

    Parameters
    ----------
    path : path-like, optional
        The params folder (see :func:`params_dir`).

    Returns
    -------
    jswlib.definitions.councils.Councils

    Raises
    ------
    ParamsError
        Naming the file and key: a missing field, a malformed GSS code, an unknown family group,
        a duplicate name or code.
    """
    file = params_dir(path) / "councils.yaml"
    doc = _load(file)
    _need(
        isinstance(doc, dict), file, "(top level)", "expected keys 'family_groups' and 'councils'"
    )
    groups = doc.get("family_groups")
    _need(
        isinstance(groups, dict) and bool(groups),
        file,
        "family_groups",
        "expected a mapping of code to text",
    )
    items = doc.get("councils")
    _need(isinstance(items, list) and bool(items), file, "councils", "expected a list of councils")
    councils = []
    for i, item in enumerate(items):
        key = f"councils[{i}]"
        _need(isinstance(item, dict), file, key, "expected a mapping")
        for name in ("name", "code", "slug", "family_group"):
            _need(
                isinstance(item.get(name), str) and item[name].strip() != "",
                file,
                f"{key}.{name}",
                "missing",
            )
        key = f"councils[{i}] ({item['name']})"
        _need(
            bool(SLUG_PATTERN.match(item["slug"])),
            file,
            f"{key}.slug",
            f"{item['slug']!r} is not a safe slug: lower-case letters and digits joined by "
            "single hyphens, such as glasgow-city",
        )
        _need(
            bool(_GSS.match(item["code"])),
            file,
            f"{key}.code",
            f"{item['code']!r} is not a GSS code S12nnnnnn",
        )
        _need(
            item["family_group"] in groups,
            file,
            f"{key}.family_group",
            f"{item['family_group']!r} is not one of {sorted(groups)}",
        )
        for listed in ("old_codes", "aliases"):
            value = item.get(listed) or []
            _need(isinstance(value, list), file, f"{key}.{listed}", "expected a list")
        councils.append(
            Council(
                name=item["name"],
                code=item["code"],
                slug=item["slug"],
                family_group=item["family_group"],
                old_codes=tuple(str(v) for v in item.get("old_codes") or []),
                aliases=tuple(str(v) for v in item.get("aliases") or []),
            )
        )
    try:
        return Councils(councils, groups)
    except ValueError as exc:
        raise ParamsError(f"{file}: councils: {exc}") from None


@dataclass(frozen=True)
class HolidayRules:
    """Adjustments to the Scottish bank holidays, nationally and per council (by GSS code)."""

    national_add: tuple[date, ...] = ()
    national_remove: tuple[date, ...] = ()
    council_add: dict[str, tuple[date, ...]] = field(default_factory=dict)
    council_remove: dict[str, tuple[date, ...]] = field(default_factory=dict)

    def for_council(self, code: str | None) -> tuple[tuple[date, ...], tuple[date, ...]]:
        """The days to add to and remove from the national list for council ``code`` (None:
        national only)."""
        add = self.national_add + (self.council_add.get(code, ()) if code else ())
        remove = self.national_remove + (self.council_remove.get(code, ()) if code else ())
        return add, remove


def _dates(value: Any, file: Path, key: str) -> tuple[date, ...]:
    if value is None:
        return ()
    _need(isinstance(value, list), file, key, "expected a list of dates YYYY-MM-DD")
    out = []
    for j, v in enumerate(value):
        if isinstance(v, date):
            out.append(v)
            continue
        try:
            out.append(date.fromisoformat(str(v)))
        except ValueError:
            raise ParamsError(f"{file}: {key}[{j}]: {v!r} is not a date YYYY-MM-DD") from None
    return tuple(sorted(out))


def load_holiday_rules(
    path: str | os.PathLike | None = None, councils: Councils | None = None
) -> HolidayRules:
    """Load and check ``holidays.yaml``: national and per-council additions and removals.

    Parameters
    ----------
    path : path-like, optional
        The params folder (see :func:`params_dir`).
    councils : Councils, optional
        Used to resolve the council keys (name, slug or code); loaded from the same folder when
        omitted.

    Returns
    -------
    HolidayRules

    Raises
    ------
    ParamsError
        Naming the file and key: an unknown council, a value that is not a date.
    """
    folder = params_dir(path)
    file = folder / "holidays.yaml"
    councils = councils or load_councils(folder)
    doc = _load(file) or {}
    _need(isinstance(doc, dict), file, "(top level)", "expected keys 'national' and 'councils'")
    national = doc.get("national") or {}
    _need(isinstance(national, dict), file, "national", "expected keys 'add' and 'remove'")
    add: dict[str, tuple[date, ...]] = {}
    remove: dict[str, tuple[date, ...]] = {}
    written: dict[str, str] = {}  # GSS code -> the key it was first written under
    for name, entry in (doc.get("councils") or {}).items():
        try:
            code = councils.get(str(name)).code
        except KeyError:
            raise ParamsError(
                f"{file}: councils.{name}: not a council name, slug or GSS code"
            ) from None
        _need(
            code not in written,
            file,
            f"councils.{name}",
            f"the same council as councils.{written.get(code)} (given more than once: keep one)",
        )
        written[code] = str(name)
        entry = entry or {}
        _need(
            isinstance(entry, dict), file, f"councils.{name}", "expected keys 'add' and 'remove'"
        )
        add[code] = _dates(entry.get("add"), file, f"councils.{name}.add")
        remove[code] = _dates(entry.get("remove"), file, f"councils.{name}.remove")
    return HolidayRules(
        national_add=_dates(national.get("add"), file, "national.add"),
        national_remove=_dates(national.get("remove"), file, "national.remove"),
        council_add=add,
        council_remove=remove,
    )


@dataclass(frozen=True)
class Settings:
    """Run settings from ``settings.yaml``, with paths resolved against the repository root."""

    root: Path
    data_dir: Path
    outputs_dir: Path

    def resolve_data_dir(self, data_dir: str | os.PathLike | None = None) -> Path:
        """The data folder to use: ``data_dir`` when given (relative to the root), else the
        default."""
        if data_dir is None or str(data_dir).strip() == "":
            return self.data_dir
        path = Path(data_dir)
        return path if path.is_absolute() else self.root / path


def load_settings(path: str | os.PathLike | None = None) -> Settings:
    """Load and check ``settings.yaml``.

    Parameters
    ----------
    path : path-like, optional
        The params folder (see :func:`params_dir`); relative paths in the file are resolved against
        its parent.

    Returns
    -------
    Settings

    Raises
    ------
    ParamsError
        Naming the file and key when a setting is missing or not text.
    """
    folder = params_dir(path)
    file = folder / "settings.yaml"
    doc = _load(file)
    _need(isinstance(doc, dict), file, "(top level)", "expected keys 'data_dir' and 'outputs_dir'")
    for key in ("data_dir", "outputs_dir"):
        _need(
            isinstance(doc.get(key), str) and doc[key].strip() != "",
            file,
            key,
            "expected a folder path",
        )
    root = folder.resolve().parent
    return Settings(
        root=root, data_dir=root / doc["data_dir"], outputs_dir=root / doc["outputs_dir"]
    )


def parse_date_setting(text: str | date | None, name: str) -> date | None:
    """Read a date parameter written ``YYYY-MM-DD``; blank gives None.

    Raises
    ------
    ValueError
        Naming the parameter when the text is not such a date.

    Examples
    --------
    >>> parse_date_setting("2026-04-15", "extract_date")
    datetime.date(2026, 4, 15)
    >>> parse_date_setting("", "extract_date") is None
    True
    """
    if text is None or isinstance(text, date):
        return text
    if str(text).strip() == "":
        return None
    try:
        return date.fromisoformat(str(text).strip())
    except ValueError:
        raise ValueError(f"parameter {name}: {text!r} is not a date YYYY-MM-DD") from None


#: Folder of the commentary files in the params folder: ``commentary/<council
#: slug>/<yyyy-yy>-Q<n>.md``.
COMMENTARY_FOLDER: str = "commentary"


def commentary_path(
    params: str | os.PathLike | None, council: Council, quarter: str | Period
) -> Path:
    """Where a council's commentary for a quarter is kept:
    ``<params>/commentary/<slug>/<yyyy-yy>-Q<n>.md``.

    Parameters
    ----------
    params : path-like, optional
        The params folder (see :func:`jswlib.definitions.params.params_dir`).
    council : Council
        The council.
    quarter : str or Period
        The quarter.

    Returns
    -------
    pathlib.Path
        The path (the file need not exist).
    """
    return params_dir(params) / COMMENTARY_FOLDER / council.slug / f"{quarter_slug(quarter)}.md"
