"""The foundation every layer stands on: the library's exceptions and all file access."""
