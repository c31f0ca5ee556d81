"""Model answers are untrusted: user text goes into a prompt as data, a tool input is used only after its schema
accepted it, and a billed answer is classified before that (the spend ledger's outcome). Shared by the judge,
the rewriter and the evaluator."""

from __future__ import annotations

from typing import Any

from imagegate_service import constants as c
from imagegate_service import prompts
from imagegate_service.domain.ports import ToolAnswer


def as_data(text: str) -> str:
    """User text goes between tags as data; it must not be able to close the tag it sits in."""
    return text.replace("<", "‹").replace(">", "›")


def validated(answer: ToolAnswer, schema_name: str, what: str, error: type[Exception]) -> dict[str, Any]:
    """The tool input of a model answer, or the named error saying why it cannot be used."""
    # A reply cut at maxTokens has no tool call, or a partial one: say so, since a bigger maxTokens is the fix.
    cut = (
        f"the {what}'s reply was cut at maxTokens ({answer.max_tokens or 'the limit'}, stopReason max_tokens)"
        if answer.stop_reason == "max_tokens"
        else ""
    )
    if answer.tool_input is None:
        said = f": {answer.text[:200]!r}" if answer.text else ""
        if cut:
            raise error(f"{cut} before it called its tool{said}")
        raise error(f"the {what} did not call its tool (stopReason {answer.stop_reason}){said}")
    import jsonschema  # heavy import, paid only by the functions that validate model output

    problems = sorted(
        jsonschema.Draft202012Validator(prompts.schema(schema_name)).iter_errors(answer.tool_input),
        key=lambda e: list(e.path),
    )
    if problems:
        where = "/".join(str(p) for p in problems[0].path) or "(top level)"
        if cut:
            raise error(f"{cut}: its tool input is incomplete at {where}: {problems[0].message[:300]}")
        raise error(f"the {what}'s answer breaks its schema at {where}: {problems[0].message[:300]}")
    return answer.tool_input


def answer_outcome(answer: ToolAnswer) -> str:
    """What a billed answer was, before its schema is checked: cut at maxTokens, no tool call, or an answer."""
    if answer.stop_reason == "max_tokens":
        return c.CALL_TRUNCATED
    return c.CALL_REFUSED if answer.tool_input is None else c.CALL_OK
