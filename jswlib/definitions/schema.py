"""The data contract: which tables a case-level extract holds, and the rules each row must meet.

A council's extract is a folder of tables, one per kind of record (court reports, CPOs, DTTOs...).
Each table is a CSV file, a Parquet file or a sheet of an Excel workbook named after the table (see
``jswlib.core.io``). This module states the contract as data (:data:`TABLES`) and checks raw tables
against it with :func:`validate_table`, which is pure: it takes a frame of raw values and returns
the accepted rows, typed, and one line per problem found in the rejected rows. Every row read is
either accepted or rejected.

Conventions
-----------
- Column names are matched after :func:`normalise_column_name` ("Order ID" reads as ``order_id``).
- Blank cells and the tokens in :data:`MISSING_TOKENS` are missing values.
- Dates are read as ``YYYY-MM-DD`` or ``DD/MM/YYYY`` (the formats in :data:`DATE_FORMATS`);
  month-first US dates are never guessed.
- Flags (yes/no columns) accept the spellings in :data:`FLAG_TRUE` and :data:`FLAG_FALSE`.
- Allowed values are matched ignoring case and surrounding spaces, and stored in their canonical
  spelling.
- The council may be a name, an alias or a GSS code (current or retired); it is stored as the
  current code.
- ``row`` in a rejects list is the row as a spreadsheet shows it: the header is row 1, the first
  record row 2.
- The person identifier is needed to count people, but is never written to a rejects list or any
  output.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import numpy as np
import pandas as pd

from jswlib.core import io
from jswlib.core.errors import ContractError

# --- Reading conventions (named constants, documented in the README's data contract) -------------

#: Cell values read as missing, after trimming spaces (compared ignoring case).
MISSING_TOKENS: frozenset[str] = frozenset({"", "na", "n/a", "null", "none", "nan", "nat", "-"})
#: Date formats tried in order. Day-first only: 03/04/2025 is 3 April 2025.
DATE_FORMATS: tuple[str, ...] = (
    "%Y-%m-%d",
    "%d/%m/%Y",
    "%Y-%m-%d %H:%M:%S",
    "%d/%m/%Y %H:%M:%S",
    "%d/%m/%Y %H:%M",
    "%d-%m-%Y",
    "%d.%m.%Y",
    "%Y/%m/%d",
)
#: Spellings read as a true flag (compared ignoring case).
FLAG_TRUE: frozenset[str] = frozenset({"y", "yes", "true", "t", "1", "1.0"})
#: Spellings read as a false flag (compared ignoring case).
FLAG_FALSE: frozenset[str] = frozenset({"n", "no", "false", "f", "0", "0.0"})
#: Dates before this are rejected as implausible (a typing slip such as 1925 for 2025).
EARLIEST_PLAUSIBLE_DATE = date(1990, 1, 1)
#: What a rejects list shows in place of a person identifier.
WITHHELD = "[withheld]"
#: Column names that look like personal data. Such columns are never read; the validator warns
#: about them.
PERSONAL_DATA_COLUMNS: frozenset[str] = frozenset(
    {
        "name",
        "forename",
        "forenames",
        "first_name",
        "firstname",
        "surname",
        "last_name",
        "lastname",
        "full_name",
        "fullname",
        "dob",
        "date_of_birth",
        "birth_date",
        "chi",
        "chi_number",
        "nhs_number",
        "ni_number",
        "national_insurance_number",
        "address",
        "postcode",
        "post_code",
        "phone",
        "telephone",
        "email",
        "cro_number",
        "pnc_id",
        "scro_number",
    }
)


# --- The specification ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    """One column of a table in the data contract.

    Parameters
    ----------
    name : str
        Column name after normalisation (lower case, underscores).
    kind : str
        One of ``id`` (record identifier, unique in the table), ``person`` (person identifier),
        ``council``, ``ref`` (identifier of a record in another table), ``date``, ``int``,
        ``number``, ``flag``, ``category``, ``text``.
    required : bool
        A required column must be present in the file and filled in on every row.
    description : str
        What the column holds, for the README and ``jsw schema``.
    allowed : tuple of str
        For ``category`` columns: the allowed values in their canonical spelling.
    minimum, maximum : float, optional
        For ``int`` and ``number`` columns: the inclusive range allowed.
    future_ok : bool
        For ``date`` columns: a date after the extract date is allowed (due dates).
    """

    name: str
    kind: str
    required: bool = False
    description: str = ""
    allowed: tuple[str, ...] = ()
    minimum: float | None = None
    maximum: float | None = None
    future_ok: bool = False


@dataclass(frozen=True)
class Table:
    """One table of the data contract.

    Parameters
    ----------
    name : str
        Table name; also the file stem or sheet name that supplies it.
    title : str
        A short human title.
    description : str
        What one row is.
    columns : tuple of Column
        The columns, identifier first.
    order : tuple of (str, str)
        Pairs ``(earlier, later)``: when both are filled in, ``earlier <= later`` must hold (dates
        in order, or hours completed not more than hours ordered).
    """

    name: str
    title: str
    description: str
    columns: tuple[Column, ...]
    order: tuple[tuple[str, str], ...] = field(default_factory=tuple)

    @property
    def id_column(self) -> str:
        """Name of the record identifier column."""
        return next(c.name for c in self.columns if c.kind == "id")

    @property
    def required_columns(self) -> list[str]:
        """Names of the columns that must be present and filled in."""
        return [c.name for c in self.columns if c.required]

    def column(self, name: str) -> Column:
        """The column called ``name``."""
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(f"table {self.name!r} has no column {name!r}")


def _common(id_name: str, id_description: str) -> tuple[Column, ...]:
    """The three columns every table starts with: record identifier, council, person identifier."""
    return (
        Column(id_name, "id", True, id_description),
        Column(
            "council", "council", True, "Council: name, alias or GSS code (current or retired)"
        ),
        Column(
            "person_id",
            "person",
            True,
            "Person identifier from the case management system (never output)",
        ),
    )


def _flag(name: str, description: str) -> Column:
    return Column(name, "flag", False, description)


def _date(name: str, description: str, required: bool = False, future_ok: bool = False) -> Column:
    return Column(name, "date", required, description, future_ok=future_ok)


#: Outcomes of statutory orders (CPO, DTTO). Blank means the order is still running.
ORDER_OUTCOMES = (
    "Completed",
    "Revoked - breach",
    "Revoked - review",
    "Transferred out",
    "Died",
    "Other",
)
#: Outcomes of voluntary and pre-sentence interventions (diversion, bail supervision, SDS, FWO,
#: problem-solving).
INTERVENTION_OUTCOMES = ("Successful", "Unsuccessful", "Withdrawn", "Other")
SEXES = ("Male", "Female", "Not known")


def _intervention(
    name: str, title: str, description: str, extra: tuple[Column, ...] = ()
) -> Table:
    """A table for a voluntary or pre-sentence intervention: referral, start, end and outcome."""
    return Table(
        name,
        title,
        description,
        _common("case_id", "Case identifier")
        + (
            _date("referral_date", "Date the case was referred"),
            _date("start_date", "Date the intervention started (commenced)", required=True),
            _date("end_date", "Date the intervention ended; blank while it runs"),
            Column(
                "outcome",
                "category",
                False,
                "How it ended; blank while it runs",
                INTERVENTION_OUTCOMES,
            ),
        )
        + extra,
        order=(("referral_date", "start_date"), ("start_date", "end_date")),
    )


#: The tables of the data contract, by name.
TABLES: dict[str, Table] = {
    t.name: t
    for t in (
        Table(
            "court_reports",
            "Reports to court",
            "One row per report requested by a court (criminal justice social work reports and others).",
            _common("report_id", "Report identifier")
            + (
                Column(
                    "report_type",
                    "category",
                    True,
                    "Kind of report",
                    ("CJSWR", "Short notice", "Supplementary", "Other"),
                ),
                Column(
                    "court",
                    "category",
                    False,
                    "Court that asked for it",
                    ("High Court", "Sheriff solemn", "Sheriff summary", "Justice of the Peace"),
                ),
                _date("requested_date", "Date the court requested the report", required=True),
                _date(
                    "due_date", "Date the report is due at court", required=True, future_ok=True
                ),
                _date(
                    "submitted_date", "Date the report was submitted to court; blank if not yet"
                ),
                _flag(
                    "caledonian_assessment",
                    "A Caledonian (domestic abuse) assessment was done for it",
                ),
            ),
            order=(("requested_date", "due_date"), ("requested_date", "submitted_date")),
        ),
        Table(
            "cpos",
            "Community payback orders",
            "One row per community payback order (CPO) imposed.",
            _common("order_id", "Order identifier")
            + (
                _date(
                    "imposed_date",
                    "Date the court imposed the order (day 0 of every timescale)",
                    required=True,
                ),
                Column(
                    "age_at_imposition",
                    "int",
                    False,
                    "Age in whole years when imposed",
                    minimum=16,
                    maximum=100,
                ),
                Column("sex", "category", False, "Sex", SEXES),
                _flag("has_supervision", "The order has a supervision requirement"),
                Column(
                    "has_upw",
                    "flag",
                    True,
                    "The order has an unpaid work or other activity requirement",
                ),
                _flag("has_programme", "The order has a programme requirement"),
                _flag(
                    "has_treatment",
                    "The order has a drug, alcohol or mental health treatment requirement",
                ),
                _flag(
                    "has_other_requirement",
                    "The order has another requirement (conduct, residence...)",
                ),
                Column(
                    "upw_hours_ordered",
                    "int",
                    False,
                    "Unpaid work hours ordered",
                    minimum=0,
                    maximum=300,
                ),
                Column(
                    "upw_hours_completed",
                    "int",
                    False,
                    "Unpaid work hours completed",
                    minimum=0,
                    maximum=300,
                ),
                Column(
                    "upw_hours_individual_placement",
                    "int",
                    False,
                    "Of the hours completed, hours on individual placements",
                    minimum=0,
                    maximum=300,
                ),
                Column(
                    "upw_timescale_months",
                    "int",
                    False,
                    "Months the court allowed to complete the unpaid work; blank for the default by level "
                    "(3 months up to 100 hours, 6 months above)",
                    minimum=1,
                    maximum=36,
                ),
                _date(
                    "first_contact_date", "First direct contact with the person after imposition"
                ),
                _date("induction_date", "Induction / first case management meeting"),
                _date(
                    "case_management_plan_date",
                    "Case management plan (LS/CMI generated) completed",
                ),
                _date("first_review_date", "First (three-month) review held"),
                _date("upw_first_placement_date", "First unpaid work placement attended"),
                _date("upw_completed_date", "Unpaid work requirement completed (all hours done)"),
                _date("end_date", "Date the order ended; blank while it runs"),
                Column(
                    "outcome",
                    "category",
                    False,
                    "How the order ended; blank while it runs",
                    ORDER_OUTCOMES,
                ),
                _flag("transfer_in", "The order was transferred in from another council"),
                _flag(
                    "non_compliance",
                    "The person did not comply with the first contact or induction",
                ),
                _flag("domestic_abuse", "Imposed for a domestic abuse offence"),
                _flag("caledonian", "The order has a Caledonian programme requirement"),
            ),
            order=(
                ("imposed_date", "first_contact_date"),
                ("imposed_date", "induction_date"),
                ("imposed_date", "case_management_plan_date"),
                ("imposed_date", "first_review_date"),
                ("imposed_date", "upw_first_placement_date"),
                ("imposed_date", "upw_completed_date"),
                ("imposed_date", "end_date"),
                ("upw_hours_completed", "upw_hours_ordered"),
                ("upw_hours_individual_placement", "upw_hours_completed"),
            ),
        ),
        Table(
            "cpo_reviews",
            "CPO reviews",
            "One row per review meeting held on a CPO (three-month, six-month, periodic, re-engagement).",
            _common("review_id", "Review identifier")
            + (
                Column("order_id", "ref", True, "The CPO reviewed (order_id in cpos)"),
                Column(
                    "review_type",
                    "category",
                    True,
                    "Kind of review",
                    ("Three-month", "Six-month", "Periodic", "Re-engagement", "Other"),
                ),
                _date("review_date", "Date the review was held", required=True),
            ),
        ),
        Table(
            "breaches",
            "Breach applications",
            "One row per breach of an order: the decision to breach, the application to court and its outcome.",
            _common("breach_id", "Breach identifier")
            + (
                Column("order_id", "ref", True, "The order breached (order_id in cpos or dttos)"),
                Column("order_type", "category", True, "Kind of order", ("CPO", "DTTO")),
                _date(
                    "decision_date",
                    "Date the decision to apply for a breach was made (day 0)",
                    required=True,
                ),
                _date("application_date", "Date the breach application was lodged with the court"),
                Column(
                    "outcome",
                    "category",
                    False,
                    "Court's decision; blank while pending",
                    (
                        "Order continued",
                        "Order varied",
                        "Revoked - custody",
                        "Revoked - other sentence",
                        "Withdrawn",
                        "Other",
                    ),
                ),
                _date("outcome_date", "Date of the court's decision"),
            ),
            order=(("decision_date", "application_date"), ("application_date", "outcome_date")),
        ),
        Table(
            "lscmi_assessments",
            "LS/CMI assessments",
            "One row per Level of Service / Case Management Inventory risk and need assessment.",
            _common("assessment_id", "Assessment identifier")
            + (
                Column("order_id", "ref", False, "The order it was done for, if any"),
                _date("start_date", "Date the assessment was allocated (day 0)", required=True),
                _date("completed_date", "Date the assessment was completed; blank if not yet"),
            ),
            order=(("start_date", "completed_date"),),
        ),
        Table(
            "dttos",
            "Drug treatment and testing orders",
            "One row per drug treatment and testing order (DTTO) imposed.",
            _common("order_id", "Order identifier")
            + (
                _date("imposed_date", "Date the court imposed the order (day 0)", required=True),
                Column(
                    "age_at_imposition",
                    "int",
                    False,
                    "Age in whole years when imposed",
                    minimum=16,
                    maximum=100,
                ),
                Column("sex", "category", False, "Sex", SEXES),
                _date("first_contact_date", "First direct contact (seen) after imposition"),
                _date("first_meeting_date", "First case management meeting"),
                _date("end_date", "Date the order ended; blank while it runs"),
                Column(
                    "outcome",
                    "category",
                    False,
                    "How the order ended; blank while it runs",
                    ORDER_OUTCOMES,
                ),
                _flag("transfer_in", "The order was transferred in from another council"),
                _flag("non_compliance", "The person did not comply with the first contact"),
            ),
            order=(
                ("imposed_date", "first_contact_date"),
                ("imposed_date", "first_meeting_date"),
                ("imposed_date", "end_date"),
            ),
        ),
        Table(
            "licences",
            "Licences and throughcare",
            "One row per release from custody on licence or statutory throughcare order.",
            _common("licence_id", "Licence identifier")
            + (
                Column(
                    "licence_type",
                    "category",
                    True,
                    "Kind of licence",
                    (
                        "Parole",
                        "Non-parole",
                        "Extended sentence",
                        "Supervised release order",
                        "Life licence",
                        "Order for lifelong restriction",
                        "Home detention curfew",
                        "Other",
                    ),
                ),
                _date("release_date", "Date released from custody (day 0)", required=True),
                _date("first_interview_date", "Post-release interview held"),
                _date("end_date", "Date the licence ended; blank while it runs"),
                Column(
                    "outcome",
                    "category",
                    False,
                    "How the licence ended; blank while it runs",
                    ("Completed", "Recalled", "Transferred out", "Died", "Other"),
                ),
            ),
            order=(("release_date", "first_interview_date"), ("release_date", "end_date")),
        ),
        _intervention(
            "diversion",
            "Diversion from prosecution",
            "One row per diversion from prosecution case.",
            (
                Column(
                    "age_at_start",
                    "int",
                    False,
                    "Age in whole years at the start",
                    minimum=8,
                    maximum=100,
                ),
            ),
        ),
        _intervention(
            "bail_supervision", "Bail supervision", "One row per bail supervision case."
        ),
        _intervention(
            "structured_deferred_sentences",
            "Structured deferred sentences",
            "One row per structured deferred sentence (SDS).",
        ),
        _intervention(
            "fiscal_work_orders",
            "Fiscal work orders",
            "One row per fiscal work order (FWO).",
            (
                Column(
                    "hours_ordered",
                    "int",
                    False,
                    "Hours of work ordered (10 to 50)",
                    minimum=10,
                    maximum=50,
                ),
            ),
        ),
        _intervention(
            "problem_solving",
            "Problem-solving court cases",
            "One row per person on a problem-solving approach (problem-solving court or similar).",
        ),
        Table(
            "exit_questionnaires",
            "Exit questionnaires",
            "One row per exit questionnaire returned at the end of supervision or unpaid work, or by a "
            "placement provider. Scores run 0 (worst) to 10 (best).",
            _common("questionnaire_id", "Questionnaire identifier")
            + (
                Column(
                    "questionnaire_type",
                    "category",
                    True,
                    "Who returned it",
                    ("Supervision", "Unpaid work", "Placement provider"),
                ),
                _date("received_date", "Date the questionnaire was received", required=True),
                Column(
                    "score_before",
                    "int",
                    False,
                    "Self-rated score before the order",
                    minimum=0,
                    maximum=10,
                ),
                Column(
                    "score_after",
                    "int",
                    False,
                    "Self-rated score at the end of the order",
                    minimum=0,
                    maximum=10,
                ),
            ),
        ),
        Table(
            "womens_centre",
            "Women's centre support",
            "One row per period of support a woman receives from the women's centre.",
            _common("support_id", "Support identifier")
            + (
                _date("start_date", "Date support started", required=True),
                _date("end_date", "Date support ended; blank while it runs"),
            ),
            order=(("start_date", "end_date"),),
        ),
        Table(
            "support_work_referrals",
            "Support work referrals",
            "One row per referral to the support work team.",
            _common("referral_id", "Referral identifier")
            + (
                _date("referral_date", "Date of the referral", required=True),
                Column(
                    "source",
                    "category",
                    False,
                    "Where the referral came from",
                    ("Court order", "Licence", "Voluntary", "Other"),
                ),
            ),
        ),
        Table(
            "mappa",
            "MAPPA",
            "One row per period a person is managed under Multi-Agency Public Protection Arrangements.",
            _common("mappa_id", "MAPPA record identifier")
            + (
                Column("category", "category", True, "MAPPA category", ("1", "2", "3")),
                Column("level", "category", True, "MAPPA management level", ("1", "2", "3")),
                _date("start_date", "Date MAPPA management started", required=True),
                _date("end_date", "Date it ended; blank while it runs"),
            ),
            order=(("start_date", "end_date"),),
        ),
        Table(
            "significant_case_reviews",
            "Significant incident and case reviews",
            "One row per significant incident review (SIR), significant case review (SCR) or learning review.",
            _common("review_id", "Review identifier")
            + (
                Column(
                    "review_type",
                    "category",
                    True,
                    "Kind of review",
                    ("Significant incident review", "Significant case review", "Learning review"),
                ),
                _date("notification_date", "Date the incident was notified", required=True),
                _date("completed_date", "Date the review was completed"),
            ),
            order=(("notification_date", "completed_date"),),
        ),
    )
}


# --- Validation ----------------------------------------------------------------------------------

#: Columns of a rejects list: one line per problem found; a row with two problems has two lines.
REJECT_COLUMNS = ("table", "file", "row", "record_id", "column", "value", "rule", "reason")

#: Rule codes used in a rejects list, with what they mean (for the README and the terminal
#: summary).
RULES: dict[str, str] = {
    "missing": "a required value is blank",
    "bad_date": "not a date in a recognised format",
    "implausible_date": f"a date before {EARLIEST_PLAUSIBLE_DATE:%d %B %Y}",
    "future_date": "a date after the extract date",
    "date_order": "dates out of order (e.g. submitted before requested, contact before imposition)",
    "amount_order": "amounts out of order (e.g. more hours completed than ordered)",
    "unknown_council": "not a council name, alias or GSS code",
    "duplicate_id": "record identifier used more than once",
    "bad_number": "not a (whole) number",
    "negative": "a negative number where none is possible",
    "out_of_range": "a number outside the allowed range",
    "not_allowed": "a value outside the allowed list",
    "bad_flag": "not a yes/no value",
}


def normalise_column_name(name: object) -> str:
    """Column name as the contract spells it: trimmed, lower case, runs of other characters as ``_``.

    Examples
    --------
    >>> normalise_column_name(" Order ID ")
    'order_id'
    >>> normalise_column_name("UPW hours (ordered)")
    'upw_hours_ordered'
    """
    return io.normalise_name(name)


@dataclass
class TableResult:
    """The outcome of validating one table.

    Attributes
    ----------
    table, source : str
        Table name and the file (and sheet) it came from.
    rows_read : int
        Records read (wholly blank lines are not records).
    accepted : pandas.DataFrame
        The rows that passed every rule, typed: dates as datetime64, numbers as nullable integers,
        flags as nullable booleans, council as the current GSS code. ``source_row`` holds the row
        number.
    rejects : pandas.DataFrame
        One line per problem, with the columns of :data:`REJECT_COLUMNS`.
    warnings : list of str
        Things worth knowing that reject nothing (ignored columns, blank lines).
    """

    table: str
    source: str
    rows_read: int
    accepted: pd.DataFrame
    rejects: pd.DataFrame
    warnings: list[str] = field(default_factory=list)

    @property
    def rows_accepted(self) -> int:
        """Number of rows accepted."""
        return len(self.accepted)

    @property
    def rows_rejected(self) -> int:
        """Number of distinct rows rejected (a row with several problems counts once)."""
        return int(self.rejects["row"].nunique()) if len(self.rejects) else 0


def _text(values: pd.Series) -> pd.Series:
    """Cells as trimmed text, with blanks and :data:`MISSING_TOKENS` as missing."""
    if pd.api.types.is_datetime64_any_dtype(values):
        text = values.dt.strftime("%Y-%m-%d").astype("string")
    elif pd.api.types.is_integer_dtype(values) and not pd.api.types.is_bool_dtype(values):
        return values.astype(
            "string"
        )  # whole numbers read as numbers: nothing to trim, nothing blank
    else:
        text = values.astype("string").str.strip()
    return text.mask(text.str.lower().isin(MISSING_TOKENS))


def parse_dates(values: pd.Series) -> pd.Series:
    """Parse a column of dates written in any of :data:`DATE_FORMATS`; what does not parse is missing.

    Parameters
    ----------
    values : pandas.Series
        Text, or dates already typed (Parquet, Excel).

    Returns
    -------
    pandas.Series
        ``datetime64[ns]`` at midnight; missing (NaT) where blank or unparseable.

    Notes
    -----
    Day-first only: ``03/04/2025`` is 3 April 2025. Impossible dates (``31/02/2024``) do not parse.

    Examples
    --------
    >>> parse_dates(pd.Series(["2025-07-01", "03/04/2025", "31/02/2024", ""])).dt.strftime("%d %b %Y").tolist()
    ['01 Jul 2025', '03 Apr 2025', nan, nan]
    """
    if pd.api.types.is_datetime64_any_dtype(values):
        return (
            values.dt.tz_localize(None).dt.normalize().astype("datetime64[ns]")
            if values.dt.tz
            else (values.dt.normalize().astype("datetime64[ns]"))
        )
    return _parse_date_text(_text(values))


def _parse_date_text(text: pd.Series) -> pd.Series:
    """Parse trimmed text (missing where blank) with each of :data:`DATE_FORMATS` in turn.

    The first format runs over the whole column at once; later formats only over what is still
    unparsed (a few rows at most), assigned by position.
    """
    parsed = pd.to_datetime(text, format=DATE_FORMATS[0], errors="coerce")
    out = parsed.to_numpy(dtype="datetime64[ns]").copy()
    todo = np.flatnonzero(text.notna().to_numpy() & np.isnat(out))
    for fmt in DATE_FORMATS[1:]:
        if len(todo) == 0:
            break
        attempt = pd.to_datetime(text.iloc[todo], format=fmt, errors="coerce").to_numpy(
            dtype="datetime64[ns]"
        )
        ok = ~np.isnat(attempt)
        out[todo[ok]] = attempt[ok]
        todo = todo[~ok]
    result = pd.Series(out, index=text.index, dtype="datetime64[ns]")
    return result.dt.normalize() if result.dt.hour.any() else result


def _problems(mask: pd.Series, column: str, rule: str, reason, values: pd.Series) -> pd.DataFrame:
    """One problem line per True in ``mask`` (positions are the frame's 0..n-1 index).

    ``reason`` is a fixed text, or a function from the failing values (text) to their reasons, so
    that reasons are only built for the rows that fail.
    """
    hit = mask.fillna(False).to_numpy(dtype=bool)
    if not hit.any():
        return pd.DataFrame(columns=["pos", "column", "value", "rule", "reason"])
    idx = np.flatnonzero(hit)
    failing = values.iloc[idx].astype("string").fillna("")
    text = reason if isinstance(reason, str) else reason(failing).to_numpy()
    return pd.DataFrame(
        {"pos": idx, "column": column, "value": failing.to_numpy(), "rule": rule, "reason": text}
    )


def _quoted(suffix: str):
    """A reason maker: ``'<value>'`` followed by ``suffix``."""
    return lambda v: "'" + v + "'" + suffix


def _parse_column(
    col: Column, raw: pd.Series, text: pd.Series, councils, extract_date: date | None
):
    """Type one column and list its problems. Returns (typed values, list of problem frames).

    ``text`` is ``_text(raw)``, computed once by the caller.
    """
    problems = []
    if col.required:
        problems.append(
            _problems(text.isna(), col.name, "missing", f"{col.name} is required but blank", text)
        )
    present = text.notna()
    kind = col.kind
    if kind in ("id", "person", "ref", "text"):
        return text, problems
    if kind == "council":
        codes = councils.resolve(text)
        problems.append(
            _problems(
                present & codes.isna(),
                col.name,
                "unknown_council",
                _quoted(" is not a council name, alias or GSS code"),
                text,
            )
        )
        return codes, problems
    if kind == "date":
        dates = (
            parse_dates(raw)
            if pd.api.types.is_datetime64_any_dtype(raw)
            else _parse_date_text(text)
        )
        problems.append(
            _problems(
                present & dates.isna(),
                col.name,
                "bad_date",
                _quoted(" is not a date (expected YYYY-MM-DD or DD/MM/YYYY)"),
                text,
            )
        )
        early = dates < pd.Timestamp(EARLIEST_PLAUSIBLE_DATE)
        problems.append(
            _problems(
                early,
                col.name,
                "implausible_date",
                f"{col.name} is before {EARLIEST_PLAUSIBLE_DATE:%d %B %Y}: a typing slip?",
                text,
            )
        )
        if extract_date is not None and not col.future_ok:
            late = dates > pd.Timestamp(extract_date)
            problems.append(
                _problems(
                    late,
                    col.name,
                    "future_date",
                    f"{col.name} is after the extract date {extract_date:%d %B %Y}",
                    text,
                )
            )
        return dates, problems
    if kind in ("int", "number"):
        numeric = pd.api.types.is_numeric_dtype(raw) and not pd.api.types.is_bool_dtype(raw)
        numbers = (raw if numeric else pd.to_numeric(text, errors="coerce")).astype("Float64")
        bad = present & numbers.isna()
        if kind == "int":
            bad = bad | (numbers.notna() & (numbers != numbers.round()))
        word = "a whole number" if kind == "int" else "a number"
        problems.append(_problems(bad, col.name, "bad_number", _quoted(f" is not {word}"), text))
        numbers = numbers.mask(bad)
        if col.minimum is not None and col.minimum >= 0:
            problems.append(
                _problems(
                    numbers < 0, col.name, "negative", f"{col.name} cannot be negative", text
                )
            )
        low = col.minimum if col.minimum is not None else -np.inf
        high = col.maximum if col.maximum is not None else np.inf
        outside = (numbers < low) | (numbers > high)
        if col.minimum is not None and col.minimum >= 0:
            outside = outside & (numbers >= 0)
        lo = f"{col.minimum:g}" if col.minimum is not None else "-inf"
        hi = f"{col.maximum:g}" if col.maximum is not None else "inf"
        problems.append(
            _problems(
                outside,
                col.name,
                "out_of_range",
                f"{col.name} must be between {lo} and {hi}",
                text,
            )
        )
        typed = numbers.round().astype("Int64") if kind == "int" else numbers
        return typed, problems
    if kind == "flag":
        low = text.str.lower()
        flags = pd.Series(pd.NA, index=raw.index, dtype="boolean")
        flags[low.isin(FLAG_TRUE).fillna(False)] = True
        flags[low.isin(FLAG_FALSE).fillna(False)] = False
        problems.append(
            _problems(
                present & flags.isna(), col.name, "bad_flag", _quoted(" is not Y or N"), text
            )
        )
        return flags, problems
    if kind == "category":
        canonical = {v.lower(): v for v in col.allowed}
        mapped = text.str.lower().map(canonical).astype("string")
        listed = ", ".join(col.allowed)
        problems.append(
            _problems(
                present & mapped.isna(),
                col.name,
                "not_allowed",
                _quoted(f" is not one of: {listed}"),
                text,
            )
        )
        return mapped, problems
    raise ValueError(f"column {col.name!r} has an unknown kind {kind!r}")


def _order_problems(spec: Table, typed: pd.DataFrame, text: pd.DataFrame) -> list[pd.DataFrame]:
    """Problems for each ``(earlier, later)`` pair of the table where both are filled in and out of order."""
    out = []
    for earlier, later in spec.order:
        a, b = typed[earlier], typed[later]
        wrong = (a.notna() & b.notna()) & (b < a)
        if not wrong.fillna(False).any():
            continue
        first, second = text[earlier].fillna(""), text[later].fillna("")
        if spec.column(later).kind == "date":
            # The later event is the one that looks wrong: a contact dated before the order it
            # follows.
            out.append(
                _problems(
                    wrong,
                    later,
                    "date_order",
                    lambda v, first=first, wrong=wrong: (
                        f"{later} "
                        + v
                        + f" is before {earlier} "
                        + first[wrong.fillna(False)].to_numpy()
                    ),
                    text[later],
                )
            )
        else:
            # The part is the one that looks wrong: more hours completed than were ordered.
            out.append(
                _problems(
                    wrong,
                    earlier,
                    "amount_order",
                    lambda v, second=second, wrong=wrong: (
                        f"{earlier} "
                        + v
                        + f" is more than {later} "
                        + second[wrong.fillna(False)].to_numpy()
                    ),
                    text[earlier],
                )
            )
    return out


def _duplicate_problems(spec: Table, text: pd.DataFrame, rows: np.ndarray) -> pd.DataFrame:
    """Later exact copies of a row are rejected; an identifier shared by rows that differ rejects them all."""
    id_col = spec.id_column
    ids = text[id_col]
    dup = (ids.notna() & ids.duplicated(keep=False)).to_numpy()
    if not dup.any():
        return pd.DataFrame(columns=["pos", "column", "value", "rule", "reason"])
    pos = np.flatnonzero(dup)
    sub = text.iloc[pos]
    frame = pd.DataFrame(
        {
            "pos": pos,
            "id": sub[id_col].to_numpy(),
            "row": rows[pos],
            "content": pd.util.hash_pandas_object(sub.fillna("\x00"), index=False).to_numpy(),
        }
    )
    by_id = frame.groupby("id", sort=False)
    conflicting = by_id["content"].transform("nunique").to_numpy() > 1
    later_copy = ~conflicting & frame.duplicated("id", keep="first").to_numpy()
    first_row = by_id["row"].transform("first").to_numpy()
    # Only the (few) duplicated rows are formatted here, never the whole table.
    rows_of = frame[conflicting].groupby("id", sort=False)["row"].agg(list).to_dict()
    lines = [
        (p, i, f"{id_col} {i} repeats row {int(f)} exactly (a duplicate copy)")
        for p, i, f in zip(
            frame["pos"][later_copy], frame["id"][later_copy], first_row[later_copy]
        )
    ] + [
        (
            p,
            i,
            f"{id_col} {i} is used on rows {', '.join(str(int(r)) for r in rows_of[i])} with different values",
        )
        for p, i in zip(frame["pos"][conflicting], frame["id"][conflicting])
    ]
    out = pd.DataFrame(lines, columns=["pos", "value", "reason"])
    out["column"] = id_col
    out["rule"] = "duplicate_id"
    return out[["pos", "column", "value", "rule", "reason"]]


def validate_table(
    raw: pd.DataFrame,
    spec: Table,
    councils,
    *,
    source: str,
    rows: np.ndarray | None = None,
    extract_date: date | None = None,
) -> TableResult:
    """Check one raw table against its contract: type every column and reject the rows that break a rule.

    Parameters
    ----------
    raw : pandas.DataFrame
        Cells as read (text from CSV and Excel, typed from Parquet). Column names are normalised.
    spec : Table
        The table's contract, from :data:`TABLES`.
    councils : jswlib.definitions.councils.Councils
        Used to resolve the council column.
    source : str
        The file (and sheet), named in every message.
    rows : array of int, optional
        Row number of each record as a spreadsheet shows it; default 2, 3, ... (header on row 1).
    extract_date : datetime.date, optional
        When given, event dates after it are rejected (due dates excepted).

    Returns
    -------
    TableResult
        ``rows_read == rows_accepted + rows_rejected`` always holds.

    Raises
    ------
    ContractError
        When a required column is missing or two columns have the same name once normalised.

    Notes
    -----
    Every rule runs on every row, so a rejected row lists all its problems, not only the first.
    Columns outside the contract are not read: they never reach the accepted table or the rejects
    list.
    """
    rows = np.arange(2, 2 + len(raw)) if rows is None else np.asarray(rows)
    names = [normalise_column_name(c) for c in raw.columns]
    repeated = sorted({n for n in names if names.count(n) > 1})
    if repeated:
        raise ContractError(source, f"columns appear more than once: {', '.join(repeated)}")
    raw = raw.set_axis(names, axis=1).reset_index(drop=True)
    known = [c.name for c in spec.columns]
    missing = [c for c in spec.required_columns if c not in raw.columns]
    if missing:
        raise ContractError(
            source,
            f"required column{'s' if len(missing) > 1 else ''} missing: {', '.join(missing)} "
            f"(table {spec.name}; found: {', '.join(raw.columns) or 'no columns'})",
        )
    warnings = []
    extra = [c for c in raw.columns if c not in known]
    personal = [c for c in extra if c in PERSONAL_DATA_COLUMNS]
    if personal:
        warnings.append(
            f"{source}: columns that look like personal data were not read: {', '.join(personal)}. "
            "Leave them out of extracts."
        )
    other = [c for c in extra if c not in PERSONAL_DATA_COLUMNS]
    if other:
        warnings.append(
            f"{source}: columns not in the data contract were not read: {', '.join(other)}"
        )
    for c in known:
        if c not in raw.columns:
            raw[c] = pd.Series(pd.NA, index=raw.index, dtype="string")
    raw = raw[known]

    typed, text, problems = {}, {}, []
    for col in spec.columns:
        text[col.name] = _text(raw[col.name])
        typed[col.name], found = _parse_column(
            col, raw[col.name], text[col.name], councils, extract_date
        )
        problems.extend(found)
    typed_frame = pd.DataFrame(typed)
    text_frame = pd.DataFrame(text)
    problems.extend(_order_problems(spec, typed_frame, text_frame))
    problems.append(_duplicate_problems(spec, text_frame, rows))

    found = [p for p in problems if len(p)]
    if found:
        lines = pd.concat(found, ignore_index=True).sort_values(["pos", "column"], kind="stable")
    else:
        lines = pd.DataFrame(columns=["pos", "column", "value", "rule", "reason"])
    pos = lines["pos"].to_numpy(dtype=int)
    person_cols = {c.name for c in spec.columns if c.kind == "person"}
    values = lines["value"].astype("string").fillna("").str.slice(0, 60)
    values = values.mask(lines["column"].isin(person_cols), WITHHELD)
    rejects = pd.DataFrame(
        {
            "table": spec.name,
            "file": source,
            "row": rows[pos].astype(int),
            "record_id": text_frame[spec.id_column].iloc[pos].fillna("").to_numpy(),
            "column": lines["column"].to_numpy(),
            "value": values.to_numpy(),
            "rule": lines["rule"].to_numpy(),
            "reason": lines["reason"].astype(str).to_numpy(),
        },
        columns=list(REJECT_COLUMNS),
    )
    bad = np.zeros(len(raw), dtype=bool)
    bad[pos] = True
    accepted = typed_frame.loc[~bad].reset_index(drop=True)
    accepted["source_row"] = rows[~bad]
    return TableResult(
        spec.name, source, len(raw), accepted, rejects.reset_index(drop=True), warnings
    )


# --- Describing the contract (README, ``jsw schema``) --------------------------------------------


def _rule_text(col: Column) -> str:
    if col.kind == "category":
        return "one of: " + ", ".join(col.allowed)
    if col.kind in ("int", "number"):
        lo = "" if col.minimum is None else f"{col.minimum:g}"
        hi = "" if col.maximum is None else f"{col.maximum:g}"
        return f"{'whole number' if col.kind == 'int' else 'number'} {lo} to {hi}".strip()
    return {
        "id": "unique in the table",
        "person": "never output",
        "council": "name, alias or GSS code",
        "ref": "identifier of another record",
        "date": "YYYY-MM-DD or DD/MM/YYYY"
        + (" (may be after the extract date)" if col.future_ok else ""),
        "flag": "Y or N",
        "text": "",
    }[col.kind]


def contract_frame() -> pd.DataFrame:
    """The data contract as one row per column of every table.

    Returns
    -------
    pandas.DataFrame
        Columns: table, column, kind, required, rule, description.
    """
    return pd.DataFrame(
        [
            (t.name, c.name, c.kind, c.required, _rule_text(c), c.description)
            for t in TABLES.values()
            for c in t.columns
        ],
        columns=["table", "column", "kind", "required", "rule", "description"],
    )


def contract_markdown() -> str:
    """The data contract as Markdown: a section per table, a row per column, then its ordering rules."""
    parts = []
    for t in TABLES.values():
        parts.append(f"#### `{t.name}`: {t.title}\n\n{t.description}\n")
        parts.append("| column | required | rule | description |\n| --- | --- | --- | --- |")
        for c in t.columns:
            parts.append(
                f"| `{c.name}` | {'yes' if c.required else ''} | {_rule_text(c)} | {c.description} |"
            )
        if t.order:
            pairs = "; ".join(f"`{a}` <= `{b}`" for a, b in t.order)
            parts.append(f"\nIn order when both are filled in: {pairs}.")
        parts.append("")
    return "\n".join(parts)
