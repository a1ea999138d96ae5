"""The library's exceptions: every layer raises these, and only the command line turns them into
messages and exit codes.

Each message is one line a person can act on: which file (and row and column where there is one),
what was expected and what was found. The classes say whose problem it is:

- :class:`InputError`: something asked of the library cannot be done (a quarter that is not in the
  data, a council that does not exist, an output path that cannot be written). The command line
  exits with code 2.
- :class:`ParamsError`: a definitions file under ``params/`` breaks its rules (exit code 2).
- :class:`ExtractFileError`: a data file cannot be used at all (exit code 1 where the data are at
  fault, as the command documents).
- :class:`ContractError`: a table cannot be validated against the data contract.
- :class:`FolderNotFoundError`: the data folder given does not exist (an :class:`InputError` and
  an :class:`ExtractFileError`; exit code 2, since the argument is wrong, not the data).
- :class:`OutputError`: an output cannot be written (exit code 3).

Exit codes of every ``jsw`` command (see ``jswlib.cli``): 0 success; 1 the data has problems that
stop it being used; 2 bad arguments or configuration; 3 an output cannot be written.
"""

from __future__ import annotations


class JswError(Exception):
    """Base class of every exception the workbook raises on purpose."""


class InputError(JswError, ValueError):
    """Something asked of the library cannot be done; the message says why and names the input."""


class ParamsError(JswError, ValueError):
    """A params file is missing, is not valid YAML or breaks its rules; the message names the file
    and the key."""


#: Kept for the older name used by the YAML reader.
ParamsFileError = ParamsError


class _SourceError(JswError, ValueError):
    def __init__(self, source: str, message: str):
        super().__init__(f"{source}: {message}")
        self.source = source
        self.message = message

    def __reduce__(self):
        # Made again from its two arguments (it can be sent to another process, pickled)
        return (type(self), (self.source, self.message), self.__dict__)


class ExtractFileError(_SourceError):
    """A data file cannot be used at all (empty, wrong encoding, not a table, missing columns).

    Parameters
    ----------
    source : str
        The file (and sheet) concerned.
    message : str
        What is wrong and what to do about it.
    """


class ContractError(_SourceError):
    """A table cannot be validated at all (for example a required column is missing)."""


class OutputError(JswError):
    """An output cannot be written: a full disk, a read-only folder, a file where a folder should
    be. The message names the path and the cause."""


class FolderNotFoundError(ExtractFileError, InputError):
    """The data folder given does not exist: a wrong argument rather than bad data."""
