"""The indicator catalogue (``params/indicators.yaml``) and the per-council targets
(``params/targets.yaml``).

Both files are checked when loaded; every error names the file and the key, for example
``params/indicators.yaml: indicators[3] (cpo_first_contact).standard.unit: 'workdays' is not one of
...``. The catalogue says what each indicator counts; :mod:`jswlib.compute.indicators` computes
them all in one pass.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from jswlib.core import io
from jswlib.core.errors import InputError
from jswlib.definitions.councils import Councils
from jswlib.definitions.params import ParamsError, params_dir
from jswlib.definitions.schema import TABLES

TYPES = ("count", "people", "sum", "average", "proportion", "timescale", "before_after", "manual")
BASES = ("events", "active", "snapshot")
#: Where a timescale indicator places a record: the period its deadline falls in, or the period of
#: its start event (docs/method.md, "Period placement").
PERIOD_BASES = ("deadline", "start")
#: Flags that take a record out of a timescale's denominator, as the national statistics do.
EXCLUSION_FLAGS = ("non_compliance", "transfer_in")
POLARITIES = ("higher", "lower", "neutral")
UNITS = ("%", "number", "hours", "days")
FREQUENCIES = ("quarterly", "6-monthly", "annual")
#: Period frequency code (jswlib.definitions.periods) of each reporting frequency.
FREQUENCY_CODES = {"quarterly": "Q", "6-monthly": "H", "annual": "Y", "monthly": "M"}
STANDARD_UNITS = ("working_days", "calendar_days", "calendar_months")
SOURCES = ("glasgow", "south_lanarkshire", "aberdeen", "national")
OPERATORS = ("is", "in", "not_in", "between", "present", "by_period_end")
FRAMEWORK_KEYS = ("outcome", "objective", "theme", "opif")

#: Where a council's target comes from: set by the council itself, or inherited from the national
#: defaults of ``params/targets.yaml`` (docs/method.md, "Targets").
COUNCIL_TARGET, NATIONAL_DEFAULT = "council", "national default"
#: Columns the engine derives before filtering, by table, with their kind (see
#: jswlib.compute.indicators.DERIVED).
DERIVED_COLUMNS = {"cpos": {"upw_timescale_effective": "int", "upw_due_date": "date"}}

_ID = re.compile(r"^[a-z][a-z0-9_]*$")
_UNIT_WORDS = {
    "working_days": "working day",
    "calendar_days": "calendar day",
    "calendar_months": "calendar month",
}


@dataclass(frozen=True)
class Condition:
    """One condition on a record: ``column`` ``operator`` ``value`` (see the catalogue's
    header)."""

    column: str
    operator: str
    value: Any = None

    def describe(self) -> str:
        """The condition in words."""
        if self.operator == "is":
            return f"{self.column} is {self.value}"
        if self.operator == "in":
            return f"{self.column} is one of {', '.join(map(str, self.value))}"
        if self.operator == "not_in":
            return f"{self.column} is not {', '.join(map(str, self.value))}"
        if self.operator == "between":
            return f"{self.column} from {self.value[0]} to {self.value[1]}"
        if self.operator == "present":
            return f"{self.column} is {'filled in' if self.value else 'blank'}"
        return f"{self.column} on or before the end of the period"


@dataclass(frozen=True)
class Standard:
    """A timescale standard: ``n`` units, or a per-record number of units held in ``column``."""

    unit: str
    n: int | None = None
    column: str | None = None

    def describe(self) -> str:
        """The standard in words: '1 working day', '7 working days', 'the court's timescale
        (calendar months)'.

        Examples
        --------
        >>> Standard("working_days", 1).describe(), Standard("calendar_months", 3).describe()
        ('1 working day', '3 calendar months')
        """
        word = _UNIT_WORDS[self.unit]
        if self.column is not None:
            return f"the timescale set for each order ({word}s)"
        if self.n == 0 and self.unit == "calendar_days":
            return "on or before the due date"
        return f"{self.n} {word}{'' if self.n == 1 else 's'}"


@dataclass(frozen=True)
class Indicator:
    """One indicator of the catalogue. Field meanings are documented in
    ``params/indicators.yaml``."""

    id: str
    title: str
    type: str
    polarity: str
    unit: str
    frequency: str
    description: str = ""
    table: str | None = None
    published_as: dict = field(default_factory=dict)
    where: tuple[Condition, ...] = ()
    period_date: str | None = None
    basis: str = "events"
    active_from: str | None = None
    active_to: str | None = None
    start: str | None = None
    end: str | None = None
    standard: Standard | None = None
    exclude: tuple[str, ...] = ()
    period_basis: str | None = None
    ended: str | None = None
    numerator: tuple[Condition, ...] = ()
    column: str | None = None
    before: str | None = None
    after: str | None = None
    framework: dict = field(default_factory=dict)
    sources: tuple[str, ...] = ()

    @property
    def is_proportion(self) -> bool:
        """True for indicators whose value is a percentage of a denominator."""
        return self.type in ("proportion", "timescale", "before_after")

    def title_for(self, standard: Standard | None = None) -> str:
        """The title with ``{standard}`` filled in (the council's standard when given, else the
        national one)."""
        chosen = standard or self.standard
        return self.title.replace("{standard}", chosen.describe() if chosen else "")


class Catalogue:
    """The indicators, in catalogue order, with look-up by id."""

    def __init__(self, indicators: list[Indicator], source: str = ""):
        self.indicators = tuple(indicators)
        self.source = source
        self._by_id = {i.id: i for i in self.indicators}

    def __iter__(self):
        return iter(self.indicators)

    def __len__(self) -> int:
        return len(self.indicators)

    def __contains__(self, key: str) -> bool:
        return key in self._by_id

    def get(self, indicator_id: str) -> Indicator:
        """The indicator with this id; KeyError naming the id otherwise."""
        try:
            return self._by_id[indicator_id]
        except KeyError:
            raise KeyError(
                f"no indicator {indicator_id!r} in the catalogue {self.source}"
            ) from None

    def computable(self) -> list[Indicator]:
        """Indicators computed from case-level data (all but the ``manual`` ones)."""
        return [i for i in self.indicators if i.type != "manual"]

    def to_frame(self) -> pd.DataFrame:
        """The catalogue as a table, one row per indicator.

        Returns
        -------
        pandas.DataFrame
            Columns id, title, type, frequency, polarity, unit, table, period_date, standard,
            outcome, objective, theme, opif, sources, description.
        """
        rows = []
        for i in self.indicators:
            rows.append(
                {
                    "id": i.id,
                    "title": i.title_for(),
                    "type": i.type,
                    "frequency": i.frequency,
                    "polarity": i.polarity,
                    "unit": i.unit,
                    "table": i.table or "",
                    "period_date": _period_text(i),
                    "standard": i.standard.describe() if i.standard else "",
                    **{k: i.framework.get(k, "") for k in FRAMEWORK_KEYS},
                    "sources": ", ".join(i.sources),
                    "description": " ".join(i.description.split()),
                }
            )
        return pd.DataFrame(rows)


def _period_text(ind: Indicator) -> str:
    """How the indicator places a record in a period, in words."""
    if ind.period_basis == "deadline":
        return f"deadline ({ind.start} + standard)"
    if ind.period_date:
        return ind.period_date
    return "(open during the period)" if ind.basis != "events" else ""


# --- Loading the catalogue -----------------------------------------------------------------------


class _Checker:
    """Collects the file name and a key path so every error names both."""

    def __init__(self, file: Path):
        self.file = file

    def fail(self, key: str, message: str) -> None:
        raise ParamsError(f"{self.file}: {key}: {message}")

    def need(self, cond: bool, key: str, message: str) -> None:
        if not cond:
            self.fail(key, message)

    def one_of(self, value: Any, allowed: tuple, key: str) -> None:
        self.need(value in allowed, key, f"{value!r} is not one of {', '.join(map(str, allowed))}")


def _columns_of(table: str) -> dict[str, str]:
    """Column name -> kind for a table, derived columns included."""
    kinds = {c.name: c.kind for c in TABLES[table].columns}
    kinds.update(DERIVED_COLUMNS.get(table, {}))
    return kinds


def _conditions(
    raw: Any, columns: dict[str, str], check: _Checker, key: str
) -> tuple[Condition, ...]:
    if raw is None:
        return ()
    check.need(isinstance(raw, list), key, "expected a list of conditions")
    out = []
    for j, item in enumerate(raw):
        k = f"{key}[{j}]"
        check.need(
            isinstance(item, dict) and "column" in item,
            k,
            "expected {column: ..., <operator>: ...}",
        )
        ops = [o for o in item if o != "column"]
        check.need(len(ops) == 1, k, f"expected exactly one operator of {', '.join(OPERATORS)}")
        op = ops[0]
        check.one_of(op, OPERATORS, f"{k}.{op}")
        check.need(
            item["column"] in columns,
            f"{k}.column",
            f"{item['column']!r} is not a column of the table",
        )
        value = item[op]
        if op in ("in", "not_in"):
            check.need(
                isinstance(value, list) and bool(value), f"{k}.{op}", "expected a non-empty list"
            )
            value = tuple(value)
        if op == "between":
            check.need(
                isinstance(value, list) and len(value) == 2, f"{k}.between", "expected [low, high]"
            )
            value = tuple(value)
        if op in ("present", "by_period_end"):
            check.need(isinstance(value, bool), f"{k}.{op}", "expected true or false")
        if op == "by_period_end":
            check.need(
                columns[item["column"]] == "date",
                f"{k}.column",
                "by_period_end needs a date column",
            )
        out.append(Condition(item["column"], op, value))
    return tuple(out)


def _standard(raw: Any, columns: dict[str, str] | None, check: _Checker, key: str) -> Standard:
    check.need(isinstance(raw, dict), key, "expected {n: N, unit: ...} or {column: C, unit: ...}")
    check.one_of(raw.get("unit"), STANDARD_UNITS, f"{key}.unit")
    has_n, has_col = "n" in raw, "column" in raw
    check.need(has_n != has_col, key, "give exactly one of n and column")
    if has_n:
        n = raw["n"]
        check.need(
            isinstance(n, int) and not isinstance(n, bool) and n >= 0,
            f"{key}.n",
            "expected a whole number >= 0",
        )
        return Standard(raw["unit"], n=n)
    if columns is not None:
        check.need(
            raw["column"] in columns,
            f"{key}.column",
            f"{raw['column']!r} is not a column of the table",
        )
    return Standard(raw["unit"], column=raw["column"])


def _indicator(raw: dict, check: _Checker, key: str) -> Indicator:
    check.need(isinstance(raw, dict), key, "expected a mapping")
    check.need(
        isinstance(raw.get("id"), str) and bool(_ID.match(raw["id"])),
        f"{key}.id",
        "expected an id of lower-case letters, digits and underscores",
    )
    key = f"{key} ({raw['id']})"
    for name in ("title", "type", "polarity", "unit", "frequency"):
        check.need(
            isinstance(raw.get(name), str) and raw[name].strip() != "", f"{key}.{name}", "missing"
        )
    kind = raw["type"]
    check.one_of(kind, TYPES, f"{key}.type")
    check.one_of(raw["polarity"], POLARITIES, f"{key}.polarity")
    check.one_of(raw["unit"], UNITS, f"{key}.unit")
    check.one_of(raw["frequency"], FREQUENCIES, f"{key}.frequency")
    sources = raw.get("sources") or []
    for j, s in enumerate(sources):
        check.one_of(s, SOURCES, f"{key}.sources[{j}]")
    published = raw.get("published_as") or {}
    check.need(isinstance(published, dict), f"{key}.published_as", "expected source: title")
    for s in published:
        check.one_of(s, SOURCES, f"{key}.published_as.{s}")
    framework = dict(raw.get("framework") or {})
    for k in framework:
        check.one_of(k, FRAMEWORK_KEYS, f"{key}.framework.{k}")
    common = dict(
        id=raw["id"],
        title=" ".join(str(raw["title"]).split()),
        type=kind,
        polarity=raw["polarity"],
        unit=raw["unit"],
        frequency=raw["frequency"],
        description=" ".join(str(raw.get("description", "")).split()),
        published_as=published,
        framework=framework,
        sources=tuple(sources),
    )
    if kind == "manual":
        return Indicator(**common)

    check.need(
        raw.get("table") in TABLES,
        f"{key}.table",
        f"{raw.get('table')!r} is not a table of the data contract",
    )
    columns = _columns_of(raw["table"])

    def column(
        name: str, kinds: tuple[str, ...] | None = None, required: bool = True
    ) -> str | None:
        value = raw.get(name)
        if value is None and not required:
            return None
        check.need(
            value in columns, f"{key}.{name}", f"{value!r} is not a column of {raw['table']}"
        )
        if kinds:
            check.need(
                columns[value] in kinds,
                f"{key}.{name}",
                f"{value!r} is not a {' or '.join(kinds)} column",
            )
        return value

    basis = raw.get("basis", "events")
    check.one_of(basis, BASES, f"{key}.basis")
    fields = dict(
        common,
        table=raw["table"],
        basis=basis,
        where=_conditions(raw.get("where"), columns, check, f"{key}.where"),
    )
    if kind == "timescale":
        check.one_of(raw.get("period_basis"), PERIOD_BASES, f"{key}.period_basis")
        check.need(basis == "events", f"{key}.basis", "a timescale places records by period_basis")
        check.need(
            "period_date" not in raw,
            f"{key}.period_date",
            "a timescale is placed by period_basis (deadline or start), not period_date",
        )
        fields["period_basis"] = raw["period_basis"]
        fields["period_date"] = raw.get("start") if raw["period_basis"] == "start" else None
    elif basis == "events":
        fields["period_date"] = column("period_date", ("date",))
    else:
        check.need(
            kind in ("count", "people", "proportion"),
            f"{key}.basis",
            f"{basis} suits counts and proportions only",
        )
        fields["active_from"] = column("active_from", ("date",))
        fields["active_to"] = column("active_to", ("date",))
    if kind == "timescale":
        fields["start"] = column("start", ("date",))
        fields["end"] = column("end", ("date",))
        fields["standard"] = _standard(raw.get("standard"), columns, check, f"{key}.standard")
        exclude = raw.get("exclude") or []
        for j, flag in enumerate(exclude):
            check.need(
                columns.get(flag) == "flag",
                f"{key}.exclude[{j}]",
                f"{flag!r} is not a flag column",
            )
            check.one_of(flag, EXCLUSION_FLAGS, f"{key}.exclude[{j}]")
        fields["exclude"] = tuple(exclude)
        fields["ended"] = column("ended", ("date",), required=False)
    elif kind == "proportion":
        fields["numerator"] = _conditions(raw.get("numerator"), columns, check, f"{key}.numerator")
        check.need(
            bool(fields["numerator"]),
            f"{key}.numerator",
            "a proportion needs numerator conditions",
        )
    elif kind == "sum":
        fields["column"] = column("column", ("int", "number"))
    elif kind == "average":
        if raw.get("column") is not None:
            fields["column"] = column("column", ("int", "number"))
        else:
            fields["start"] = column("start", ("date",))
            fields["end"] = column("end", ("date",))
    elif kind == "before_after":
        fields["before"] = column("before", ("int", "number"))
        fields["after"] = column("after", ("int", "number"))
    if kind in ("proportion", "timescale", "before_after"):
        check.need(
            raw["unit"] == "%",
            f"{key}.unit",
            f"a {kind} indicator is a percentage: unit must be '%'",
        )
    return Indicator(**fields)


def load_catalogue(path: str | os.PathLike | None = None) -> Catalogue:
    """Load and check ``indicators.yaml`` from the params folder.

    Parameters
    ----------
    path : path-like, optional
        The params folder (see :func:`jswlib.definitions.params.params_dir`).

    Returns
    -------
    Catalogue

    Raises
    ------
    ParamsError
        Naming the file and the key of the first problem found.
    """
    file = params_dir(path) / "indicators.yaml"
    try:
        doc = io.read_yaml(file)
    except io.ParamsFileError as exc:
        raise ParamsError(str(exc)) from None
    check = _Checker(file)
    check.need(
        isinstance(doc, dict) and isinstance(doc.get("indicators"), list),
        "indicators",
        "expected a list",
    )
    indicators = [
        _indicator(raw, check, f"indicators[{n}]") for n, raw in enumerate(doc["indicators"])
    ]
    seen: set[str] = set()
    for n, ind in enumerate(indicators):
        check.need(ind.id not in seen, f"indicators[{n}].id", f"{ind.id!r} is used twice")
        seen.add(ind.id)
    return Catalogue(indicators, str(file))


# --- Targets, standards and RAG schemes ----------------------------------------------------------


@dataclass(frozen=True)
class Targets:
    """Targets, timescale standards and RAG schemes per council (GSS code), with national
    defaults."""

    schemes: dict[str, dict]
    national_scheme: str
    national_targets: dict[str, float]
    national_standards: dict[str, Standard]
    council_scheme: dict[str, str]
    council_targets: dict[str, dict[str, float]]
    council_standards: dict[str, dict[str, Standard]]

    def target(self, indicator_id: str, council_code: str | None) -> float | None:
        """The council's target for the indicator, else the national default, else None."""
        own = self.council_targets.get(council_code or "", {})
        return own.get(indicator_id, self.national_targets.get(indicator_id))

    def target_source(self, indicator_id: str, council_code: str | None) -> str | None:
        """Where the council's target comes from: :data:`COUNCIL_TARGET`,
        :data:`NATIONAL_DEFAULT`, or None.

        Examples
        --------
        >>> t = Targets({}, "s", {"a": 80.0}, {}, {}, {"C1": {"a": 90.0}}, {})
        >>> t.target_source("a", "C1"), t.target_source("a", "C2"), t.target_source("b", "C1")
        ('council', 'national default', None)
        """
        if indicator_id in self.council_targets.get(council_code or "", {}):
            return COUNCIL_TARGET
        if indicator_id in self.national_targets:
            return NATIONAL_DEFAULT
        return None

    def own_targets(self, council_code: str) -> list[str]:
        """Indicator ids the council sets its own target for (not inherited)."""
        return list(self.council_targets.get(council_code, {}))

    def standard(self, indicator: Indicator, council_code: str | None = None) -> Standard | None:
        """The timescale standard: the council's, else the national override, else the
        catalogue's."""
        own = self.council_standards.get(council_code or "", {})
        return (
            own.get(indicator.id)
            or self.national_standards.get(indicator.id)
            or indicator.standard
        )

    def rag_scheme_name(self, council_code: str | None) -> str:
        """Name of the RAG scheme the council uses."""
        return self.council_scheme.get(council_code or "", self.national_scheme)

    def rag_scheme(self, council_code: str | None) -> dict:
        """The RAG scheme (as a dict for jswlib.judge.status) the council uses."""
        return self.schemes[self.rag_scheme_name(council_code)]

    def targets_frame(self, catalogue: Catalogue, councils: Councils) -> pd.DataFrame:
        """Every council's target for every indicator that has one: council, indicator, target,
        source.

        ``source`` is :data:`COUNCIL_TARGET` ("council") or :data:`NATIONAL_DEFAULT` ("national
        default").
        """
        rows = [
            (c.code, i.id, self.target(i.id, c.code), self.target_source(i.id, c.code))
            for c in councils
            for i in catalogue
            if self.target(i.id, c.code) is not None
        ]
        return pd.DataFrame(rows, columns=["council", "indicator", "target", "source"])


def council_catalogue(
    catalogue: Catalogue, targets: Targets, councils: Councils, council: str
) -> pd.DataFrame:
    """The catalogue as one council applies it: its own standards and targets filled in.

    Parameters
    ----------
    catalogue : Catalogue
        The indicators.
    targets : Targets
        Targets, standards and RAG schemes (``params/targets.yaml``).
    councils : Councils
        To find the council.
    council : str
        The council's name, alias, slug or GSS code.

    Returns
    -------
    pandas.DataFrame
        The columns of :meth:`Catalogue.to_frame`, with ``title`` and ``standard`` on the
        council's standard (South Lanarkshire: "People on a DTTO seen within 2 working days"),
        and besides them ``council``, ``standard_source`` ("council" where it sets its own,
        "national" otherwise, blank without a timescale), ``national_standard``, ``target`` (a
        number, missing without one) and ``target_source`` ("council", "national default", or
        blank).

    Raises
    ------
    jswlib.core.errors.InputError
        For an unknown council, naming the valid ones.

    Examples
    --------
    >>> from jswlib.definitions.params import load_councils
    >>> councils = load_councils()
    >>> frame = council_catalogue(load_catalogue(), load_targets(councils=councils,
    ...     catalogue=load_catalogue()), councils, "South Lanarkshire")
    >>> row = frame.set_index("id").loc["dtto_first_contact"]
    >>> row["title"], float(row["target"]), row["target_source"]
    ('People on a DTTO seen within 2 working days', 95.0, 'council')
    """
    try:
        found = councils.get(str(council))
    except KeyError as exc:
        raise InputError(str(exc).strip("'\"")) from None
    frame = catalogue.to_frame()
    code = found.code
    own, national, sources = [], [], []
    for ind in catalogue:
        standard = targets.standard(ind, code)
        own.append(standard.describe() if standard else "")
        national.append(targets.standard(ind, None).describe() if ind.standard else "")
        if not standard:
            sources.append("")
        else:
            sources.append("council" if standard != targets.standard(ind, None) else "national")
    frame["title"] = [i.title_for(targets.standard(i, code)) for i in catalogue]
    frame["standard"] = own
    frame.insert(0, "council", found.name)
    frame["standard_source"] = sources
    frame["national_standard"] = national
    frame["target"] = pd.array([targets.target(i.id, code) for i in catalogue], dtype="Float64")
    frame["target_source"] = [targets.target_source(i.id, code) or "" for i in catalogue]
    return frame


def load_targets(
    path: str | os.PathLike | None = None,
    *,
    councils: Councils,
    catalogue: Catalogue,
    validate_scheme=None,
) -> Targets:
    """Load and check ``targets.yaml``.

    Parameters
    ----------
    path : path-like, optional
        The params folder.
    councils : Councils
        To resolve council keys (name, slug or code).
    catalogue : Catalogue
        To check indicator ids and that standards are only set for timescale indicators.
    validate_scheme : callable, optional
        ``validate_scheme(scheme, where)`` raising ValueError for a bad RAG scheme
        (jswlib.judge.status).

    Returns
    -------
    Targets

    Raises
    ------
    ParamsError
        Naming the file and the key: an unknown council, indicator or scheme, a target that is not
        a number, a standard for an indicator that has no timescale.
    """
    file = params_dir(path) / "targets.yaml"
    try:
        doc = io.read_yaml(file) or {}
    except io.ParamsFileError as exc:
        raise ParamsError(str(exc)) from None
    check = _Checker(file)
    check.need(isinstance(doc, dict), "(top level)", "expected rag_schemes, national and councils")
    schemes = doc.get("rag_schemes") or {}
    check.need(
        isinstance(schemes, dict) and bool(schemes),
        "rag_schemes",
        "expected at least one named scheme",
    )
    for name, scheme in schemes.items():
        check.need(isinstance(scheme, dict), f"rag_schemes.{name}", "expected a mapping")
        if validate_scheme is not None:
            try:
                validate_scheme(scheme, f"{file}: rag_schemes.{name}")
            except ValueError as exc:
                raise ParamsError(str(exc)) from None

    def targets(raw: Any, key: str) -> dict[str, float]:
        raw = raw or {}
        check.need(isinstance(raw, dict), key, "expected indicator id: target")
        out = {}
        for ind, value in raw.items():
            check.need(ind in catalogue, f"{key}.{ind}", "not an indicator id of the catalogue")
            check.need(
                isinstance(value, (int, float)) and not isinstance(value, bool),
                f"{key}.{ind}",
                f"{value!r} is not a number",
            )
            if catalogue.get(ind).unit == "%":
                check.need(
                    0 <= value <= 100, f"{key}.{ind}", f"{value} is not a percentage from 0 to 100"
                )
            out[ind] = float(value)
        return out

    def standards(raw: Any, key: str) -> dict[str, Standard]:
        raw = raw or {}
        check.need(isinstance(raw, dict), key, "expected indicator id: {n, unit}")
        out = {}
        for ind, value in raw.items():
            check.need(ind in catalogue, f"{key}.{ind}", "not an indicator id of the catalogue")
            check.need(
                catalogue.get(ind).type == "timescale",
                f"{key}.{ind}",
                "only timescale indicators have a standard",
            )
            out[ind] = _standard(value, None, check, f"{key}.{ind}")
        return out

    def scheme_name(value: Any, key: str) -> str:
        check.need(
            value in schemes, key, f"{value!r} is not one of the rag_schemes: {', '.join(schemes)}"
        )
        return value

    national = doc.get("national") or {}
    check.need(
        isinstance(national, dict), "national", "expected rag_scheme, targets and standards"
    )
    c_scheme, c_targets, c_standards = {}, {}, {}
    written: dict[str, str] = {}  # GSS code -> the key it was first written under
    for name, entry in (doc.get("councils") or {}).items():
        try:
            code = councils.get(str(name)).code
        except KeyError:
            check.fail(f"councils.{name}", "not a council name, slug or GSS code")
        check.need(
            code not in written,
            f"councils.{name}",
            f"the same council as councils.{written.get(code)} (given more than once: keep one "
            "block, or the second would silently replace the first)",
        )
        written[code] = str(name)
        entry = entry or {}
        check.need(
            isinstance(entry, dict),
            f"councils.{name}",
            "expected rag_scheme, targets and standards",
        )
        if "rag_scheme" in entry:
            c_scheme[code] = scheme_name(entry["rag_scheme"], f"councils.{name}.rag_scheme")
        c_targets[code] = targets(entry.get("targets"), f"councils.{name}.targets")
        c_standards[code] = standards(entry.get("standards"), f"councils.{name}.standards")
    return Targets(
        schemes=schemes,
        national_scheme=scheme_name(national.get("rag_scheme"), "national.rag_scheme"),
        national_targets=targets(national.get("targets"), "national.targets"),
        national_standards=standards(national.get("standards"), "national.standards"),
        council_scheme=c_scheme,
        council_targets=c_targets,
        council_standards=c_standards,
    )
