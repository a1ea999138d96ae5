"""The data contract: which tables a case-level extract holds, and the rules each row must meet.

A council's extract is a folder of tables, one per kind of record (court reports, CPOs, DTTOs...).
Each table is a CSV file, a Parquet file or a sheet of an Excel workbook named after the table (see
``jswlib.core.io``). This module states the contract as data (:data:`TABLES`) and describes it
(:func:`contract_markdown`); :mod:`jswlib.data.validation` checks raw tables against it.

Conventions
-----------
- Column names are matched after :func:`jswlib.data.validation.normalise_column_name` ("Order ID"
  reads as ``order_id``).
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

import pandas as pd

# --- Reading conventions (named constants, documented in docs/data-contract.md) ---------------

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
        What the column holds, for docs/data-contract.md and ``jsw schema``.
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
            "One row per report requested by a court (criminal justice social work reports and "
            "others).",
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
                    "Months the court allowed to complete the unpaid work; blank for the default "
                    "by level (3 months up to 100 hours, 6 months above)",
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
            "One row per review meeting held on a CPO (three-month, six-month, periodic, "
            "re-engagement).",
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
            "One row per breach of an order: the decision to breach, the application to court and "
            "its outcome.",
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
            "One row per exit questionnaire returned at the end of supervision or unpaid work, or "
            "by a placement provider. Scores run 0 (worst) to 10 (best).",
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
            "One row per period a person is managed under Multi-Agency Public Protection "
            "Arrangements.",
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
            "One row per significant incident review (SIR), significant case review (SCR) or "
            "learning review.",
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


# --- Describing the contract (docs/data-contract.md, ``jsw schema``) ----------------------------


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
    """The data contract as Markdown: a section per table, a row per column, then its ordering
    rules."""
    parts = []
    for t in TABLES.values():
        parts.append(f"#### `{t.name}`: {t.title}\n\n{t.description}\n")
        parts.append("| column | required | rule | description |\n| --- | --- | --- | --- |")
        for c in t.columns:
            parts.append(
                f"| `{c.name}` | {'yes' if c.required else ''} | {_rule_text(c)} | "
                f"{c.description} |"
            )
        if t.order:
            pairs = "; ".join(f"`{a}` <= `{b}`" for a, b in t.order)
            parts.append(f"\nIn order when both are filled in: {pairs}.")
        parts.append("")
    return "\n".join(parts)
