"""jswlib: Justice Social Work performance indicators for Scottish councils.

Layers, lowest first (a lower layer never imports a higher one):

- read and validate: ``io`` (the only module that touches disk), ``params``, ``councils``,
  ``schema``, ``extract``
- compute: ``periods``, ``calendar``
- generate: ``demo`` (synthetic national data for demonstrations and tests)
- run: ``cli`` (the ``jsw`` command)
"""

__version__ = "0.1.0"
