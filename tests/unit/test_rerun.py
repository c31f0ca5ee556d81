"""Re-run with tweaks (issue 25 item 2): `imagegate run --from <id> [--round N] [overrides]` builds a request with
every setting of the source run, the prompt of round N (or the original), the flags on top and `from: {id, round}`;
the run request takes `from` (checked by the schema, kept in the run's settings) and refuses a malformed one."""

from __future__ import annotations

import json

import pytest

from imagegate import cli
from imagegate_service.errors import InvalidRequest
from imagegate_service.settings import MAX_ROUNDS_HARD_CAP, resolve_settings, run_request_schema

pytestmark = pytest.mark.unit
SOURCE = "20260101T000000Z-0000abcd"


@pytest.fixture
def out(tmp_path):
    settings = resolve_settings(
        {"prompt": "a red apple", "threshold": 9.5, "maxRounds": 3, "seed": 11, "style": "watercolor"}
    )
    document = {
        "id": SOURCE,
        "runId": SOURCE,
        "status": "EXHAUSTED",
        "prompt": "a red apple",
        "settings": {**settings, "from": {"id": "older"}},
        "rounds": [
            {"round": 1, "prompt": "a red apple", "negativePrompt": ""},
            {"round": 2, "prompt": "a clearly red apple, centred", "negativePrompt": "blurry"},
        ],
    }
    (tmp_path / SOURCE).mkdir()
    (tmp_path / SOURCE / "run.json").write_text(json.dumps(document), encoding="utf-8")
    return tmp_path


def request_for(*arguments):
    return cli._build_request(cli._parser().parse_args(["run", *arguments]))


def test_a_rerun_copies_every_setting_and_the_original_prompt_and_links_the_source(out):
    request = request_for("--from", SOURCE, "--out", str(out))
    source = json.loads((out / SOURCE / "run.json").read_text())
    assert request["from"] == {"id": SOURCE}
    assert request["prompt"] == "a red apple"
    assert {k: v for k, v in request.items() if k not in ("from", "prompt")} == {
        k: v for k, v in source["settings"].items() if k not in ("from", "prompt")
    }
    assert resolve_settings(request)["from"] == {"id": SOURCE}  # the API takes it as it is


def test_a_rerun_from_a_round_takes_its_prompt_and_negative_prompt_and_one_changed_setting(out):
    # the source's unique start is enough, as for imagegate show
    request = request_for("--from", SOURCE[:-2], "--round", "2", "--seed", "99", "--out", str(out))
    assert request["from"] == {"id": SOURCE, "round": 2}
    assert (request["prompt"], request["negativePrompt"]) == ("a clearly red apple, centred", "blurry")
    assert request["seed"] == 99 and request["threshold"] == 9.5 and request["style"] == "watercolor"
    settings = resolve_settings(request)
    assert settings["seed"] == 99 and settings["from"] == {"id": SOURCE, "round": 2}


def test_a_prompt_given_with_from_replaces_the_sources(out):
    assert request_for("a green pear", "--from", SOURCE, "--out", str(out))["prompt"] == "a green pear"


@pytest.mark.parametrize(
    ("arguments", "named"),
    [
        (["--from", SOURCE, "--round", "5"], "--round: 20260101T000000Z-0000abcd has no round 5 (its rounds: 1, 2)"),
        (["--from", "nothing-like-it"], "--from: 'nothing-like-it' is neither a run folder nor a run id"),
        (["a cat", "--round", "2"], "--round: is given with --from <id> only"),
        (["--from", SOURCE, "--request", "req.json"], "--request: is not taken with --from <id>"),
    ],
)
def test_a_missing_source_or_round_is_refused_naming_the_flag(out, arguments, named):
    with pytest.raises((ValueError, cli._UsageError), match="^" + named.replace("(", r"\(").replace(")", r"\)")):
        request_for(*arguments, "--out", str(out))


def test_the_run_request_checks_from():
    assert run_request_schema()["properties"]["from"]["properties"]["round"]["maximum"] == MAX_ROUNDS_HARD_CAP
    for bad, field in (
        ({"round": 2}, "from.id"),
        ({"id": SOURCE, "round": 0}, "from.round"),
        ({"id": SOURCE, "extra": 1}, "extra"),
        ({"id": ""}, "from.id"),
        # not a run id (a held-out bad input the API took with 202 and recorded as given)
        ({"id": "../../etc"}, "from.id"),
        ({"id": "a/b"}, "from.id"),
        ({"id": "<script>"}, "from.id"),
        ({"id": "-x"}, "from.id"),
    ):
        with pytest.raises(InvalidRequest) as refused:
            resolve_settings({"prompt": "a cat", "from": bad})
        assert refused.value.field == field, bad
    # a run id is taken as it is, and a refused one is told in words
    assert resolve_settings({"prompt": "a cat", "from": {"id": SOURCE}})["from"] == {"id": SOURCE}
    with pytest.raises(InvalidRequest, match=r"^from\.id: '\.\./x' is not the source generation's id \(a run id"):
        resolve_settings({"prompt": "a cat", "from": {"id": "../x"}})
