"""The independent evaluator's reading of a prompt (text -> DSG-style yes/no checks), as a package: the reading
moved whole to parser.py, to be split by concern next; this names what the rest of the project uses of it."""

from .parser import ATTRIBUTE_KINDS, MAX_CHECKS, _is_past, checks_from_prompt, read_prompt, singular_noun

__all__ = ["ATTRIBUTE_KINDS", "MAX_CHECKS", "_is_past", "checks_from_prompt", "read_prompt", "singular_noun"]
