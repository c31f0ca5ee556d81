"""Where the independent evaluator shows: the run request (evaluator, expected), the offline Bedrock's
evaluator answers, run.json, the HTTP API's document and its OpenAPI description, the CLI summary."""

from __future__ import annotations

import json
from pathlib import Path

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from imagegate.export import build_run_document
from imagegate.local.bedrock_offline import FaultSwitches, OfflineBedrock
from imagegate.local.runtime import local_environment
from imagegate.local.world.render import RenderPlan, draw_plan, encode_png, render_png, seeded_rng
from imagegate_service import constants as c
from imagegate_service import registry, wiring
from imagegate_service.domain.evaluating import public_evaluation
from imagegate_service.domain.model_calls import checks_block
from imagegate_service.errors import InvalidRequest
from imagegate_service.settings import DEFAULTS, resolve_settings, run_request_schema

pytestmark = pytest.mark.unit
GROUND_TRUTH = registry.offline_default_models()["evaluator"]
OPENAPI = json.loads(
    (Path(__file__).resolve().parents[2] / "openapi" / "imagegate.openapi.json").read_text(encoding="utf-8")
)


# -- the run request ---------------------------------------------------------------------------------
def test_the_default_evaluator_is_a_bedrock_vision_model_other_than_the_judge():
    evaluator, judge = registry.text_model(DEFAULTS["evaluator"]), registry.text_model(DEFAULTS["judge"])
    assert evaluator.vision and not evaluator.offline_only
    assert evaluator.foundation_model != judge.foundation_model


def test_the_local_runtime_defaults_to_the_ground_truth_through_the_deployment_defaults(monkeypatch):
    # Given the environment the local runtime sets on its functions
    for name, value in local_environment().items():
        monkeypatch.setenv(name, value)

    # Then a request without an evaluator gets the offline-only ground truth
    assert registry.text_model(GROUND_TRUTH).offline_only
    assert resolve_settings({"prompt": "a cow"})["evaluator"] == GROUND_TRUTH


@pytest.mark.parametrize(
    "request_body, field, words",
    [
        ({"judge": "us.amazon.nova-pro-v1:0", "evaluator": "us.amazon.nova-pro-v1:0"}, "evaluator", "different model"),
        # the same model through its inference profile is the same model
        ({"judge": "us.amazon.nova-lite-v1:0", "evaluator": "amazon.nova-lite-v1:0"}, "evaluator", "different model"),
        ({"evaluator": "us.amazon.nova-micro-v1:0"}, "evaluator", "not supported"),  # no vision
        ({"judge": GROUND_TRUTH}, "judge", "not supported"),  # the ground truth never judges
        ({"expected": {}}, "expected.include", "required"),  # a missing field is named by its whole path
        ({"expected": {"include": []}}, "expected.include", "items"),  # the bounds are A's (issue 21.5)
        ({"expected": {"include": [{"class": "cow", "count": 1}] * 9}}, "expected.include", "items"),
        ({"expected": {"include": [{"class": "cow"}]}}, "expected.include.0.count", "required"),
        ({"expected": {"include": [{"class": "cow", "count": 0}]}}, "expected.include.0.count", "1-16"),
        ({"expected": {"include": [{"class": "cow", "count": 1, "size": "big"}]}}, "size", "not a known setting"),
        (
            {
                "expected": {
                    "include": [{"class": "cow", "count": 1}, {"class": "dog", "count": 1, "position": ["beside", 0]}]
                }
            },
            "expected.include.1.position",
            "not a relation",
        ),
        (  # between names two items: [relation, index] cannot say it
            {
                "expected": {
                    "include": [{"class": "cow", "count": 1}, {"class": "dog", "count": 1, "position": ["between", 0]}]
                }
            },
            "expected.include.1.position",
            "not a relation to one item",
        ),
        (
            {"expected": {"include": [{"class": "cow", "count": 1, "position": ["left of", 0]}]}},
            "expected.include.0.position",
            "another include item",
        ),
        (
            {
                "expected": {
                    "include": [{"class": "cow", "count": 1}, {"class": "dog", "count": 1, "position": ["left of", 5]}]
                }
            },
            "expected.include.1.position",
            "another include item",
        ),
        (
            {"expected": {"include": [{"class": "cow", "count": 1}], "exclude": [{"class": "cow"}]}},
            "expected.exclude.0.count",
            "required",
        ),
    ],
)
def test_bad_evaluator_settings_name_the_field(request_body, field, words):
    with pytest.raises(InvalidRequest) as raised:
        resolve_settings({"prompt": "a cow and a dog", **request_body})
    assert raised.value.field == field and words in raised.value.message


def test_expectations_with_more_checks_than_the_evaluator_can_answer_are_refused():
    # Given expectations within every per-field bound that still make 33 checks (the answers schema admits 30)
    include = [
        {"class": noun, "count": 2, "color": "red", "position": ["left of", (k + 1) % 8]}
        for k, noun in enumerate(["cow", "dog", "cat", "cup", "car", "bus", "kite", "vase"])
    ]
    expected = {"include": include, "exclude": [{"class": "bird", "count": 1}]}
    # When the run is requested, Then it is refused before anything starts, naming the field and the limit
    with pytest.raises(InvalidRequest) as raised:
        resolve_settings({"prompt": "eight pairs of red things", "expected": expected})
    assert raised.value.field == "expected" and "33 checks" in raised.value.message and "30" in raised.value.message
    # and seven such items (28 checks) are accepted
    seven = [{**item, "position": ["left of", (k + 1) % 7]} for k, item in enumerate(include[:7])]
    assert resolve_settings({"prompt": "a cow", "expected": {"include": seven}})["expected"]["include"] == seven


def test_geneval_metadata_is_a_valid_expected_setting():
    # Given every shape of GenEval's metadata (single, two objects, counting with exclude, colours, position)
    expected = {
        "include": [
            {"class": "cow", "count": 2, "color": "brown"},
            {"class": "dog", "count": 1, "position": ["right of", 0]},
        ],
        "exclude": [{"class": "cow", "count": 3}],
    }
    settings = resolve_settings({"prompt": "two brown cows and a dog to their right", "expected": expected})
    assert settings["expected"] == expected


def test_the_evaluator_choices_are_the_registrys_vision_models():
    schema = run_request_schema()["properties"]
    assert set(schema["evaluator"]["enum"]) == set(registry.text_model_ids(vision_only=True, include_offline_only=True))
    assert GROUND_TRUTH not in schema["judge"]["enum"] + schema["rewriter"]["enum"]


# -- the offline Bedrock -----------------------------------------------------------------------------
@pytest.fixture
def offline():
    session = boto3.session.Session(region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="x")
    made = []

    def client(**faults):
        provider = OfflineBedrock(FaultSwitches(**faults))
        provider.install(session)
        made.append(provider)
        return session.client(
            "bedrock-runtime",
            endpoint_url="http://bedrock.offline.invalid",
            config=Config(retries={"mode": "standard", "total_max_attempts": 1}),
        )

    yield client
    for provider in made:
        provider.uninstall(session)


def forced(client, model, tool, content):
    response = client.converse(
        modelId=model,
        system=[{"text": "evaluate"}],
        messages=[{"role": "user", "content": content}],
        toolConfig={
            "tools": [{"toolSpec": {"name": tool, "inputSchema": {"json": {"type": "object"}}}}],
            "toolChoice": {"tool": {"name": tool}},
        },
    )
    blocks = response["output"]["message"]["content"]
    return next((b["toolUse"]["input"] for b in blocks if "toolUse" in b), None), response


def ask_checks(client, prompt, model=GROUND_TRUTH):
    return forced(client, model, c.EVALUATION_CHECKS_TOOL, [{"text": f"<user_prompt>\n{prompt}\n</user_prompt>"}])[0]


def ask_answers(client, png, checks, model=GROUND_TRUTH):
    return forced(
        client,
        model,
        c.EVALUATION_ANSWERS_TOOL,
        [
            {"image": {"format": "png", "source": {"bytes": png}}},
            {"text": f"<checks>\n{checks_block(checks)}\n</checks>"},
        ],
    )


def test_the_ground_truth_answers_what_was_drawn_and_fails_what_was_not(offline):
    # Given an image of a red apple, and checks about it and about a dog that was not drawn
    client = offline()
    checks = ask_checks(client, "a red apple and a dog")["checks"]
    png = render_png("a red apple", "", 7, 512, 512)

    # When the ground truth answers
    answers, response = ask_answers(client, png, checks)

    # Then every check gets exactly one answer, the drawn entity holds and the missing one does not
    said = {entry["id"]: entry["answer"] for entry in answers["answers"]}
    assert set(said) == {check["id"] for check in checks}
    entity = {check["subject"]: said[check["id"]] for check in checks if check["kind"] == "entity"}
    assert entity == {"apple": "yes", "dog": "no"}
    assert response["usage"]["inputTokens"] > 0  # billed like a model call (at the ground truth's zero price)


def test_the_ground_truth_does_not_judge_or_rewrite(offline):
    client = offline()
    with pytest.raises(ClientError, match="answers only"):
        forced(
            client,
            GROUND_TRUTH,
            c.VERDICT_TOOL,
            [
                {"image": {"format": "png", "source": {"bytes": render_png("a cow", "", 1, 512, 512)}}},
                {"text": "<user_prompt>a cow</user_prompt>"},
            ],
        )


def test_a_bedrock_evaluator_offline_errs_like_a_vlm_yet_never_sees_an_entity_in_an_empty_image(offline):
    # Given many images of one cow, asked through Nova Pro and through the ground truth
    client = offline()
    checks = ask_checks(client, "three blue cows to the left of a red car")["checks"]
    nova = "us.amazon.nova-pro-v1:0"
    entities = [check["id"] for check in checks if check["kind"] == "entity"]
    car = next(check["id"] for check in checks if check["kind"] == "entity" and check["subject"] == "car")
    disagreements = 0
    for seed in range(12):
        png = render_png("a cow", "", seed, 512, 512)
        truth = {e["id"]: e["answer"] for e in ask_answers(client, png, checks)[0]["answers"]}
        seen = {e["id"]: e["answer"] for e in ask_answers(client, png, checks, nova)[0]["answers"]}
        disagreements += sum(truth[k] != seen[k] for k in truth)
        assert truth[car] == "no"  # the ground truth invents nothing that was not drawn
    assert disagreements > 0  # not the ground truth under another name
    # And Nova Pro, a VLM, may hallucinate an absent entity among other objects (the world's judge lens, vlm.py),
    # but never in an image with no object at all (a scene only)
    for scene in ("beach", "kitchen", "forest"):
        png = encode_png(draw_plan(RenderPlan(scene=scene, light=None, style=None), (128, 128), seeded_rng(scene)))
        seen = {e["id"]: e["answer"] for e in ask_answers(client, png, checks, nova)[0]["answers"]}
        assert [seen[k] for k in entities] == ["no"] * len(entities)


def test_evaluator_fault_switches_refuse_then_break_the_answers(offline):
    client = offline(refuse_evaluations=1, garbage_evaluations=1)
    checks = ask_checks(client, "a red apple")["checks"]
    png = render_png("a red apple", "", 1, 512, 512)
    refused, response = ask_answers(client, png, checks)
    assert refused is None and response["stopReason"] == "end_turn"
    garbage, _ = ask_answers(client, png, checks)
    assert {entry["id"] for entry in garbage["answers"]}.isdisjoint({check["id"] for check in checks})
    good, _ = ask_answers(client, png, checks)
    assert {entry["id"] for entry in good["answers"]} == {check["id"] for check in checks}


@pytest.mark.parametrize("schema_file", ["evaluation_checks.schema.json", "evaluation_answers.schema.json"])
def test_the_evaluator_tool_schemas_are_ones_nova_accepts(schema_file):
    from imagegate.local.bedrock_offline import NOVA_TOOL_SCHEMA_TOP_LEVEL
    from imagegate_service import prompts

    assert set(prompts.schema(schema_file)) <= NOVA_TOOL_SCHEMA_TOP_LEVEL


# -- run.json, the API document and its description ----------------------------------------------------
def evaluation(passed):
    return {
        "passed": passed,
        "source": GROUND_TRUTH,
        "checks": [
            {"question": "Is there a cow?", "satisfied": True},
            {"question": "Is the cow brown?", "satisfied": passed},
        ],
    }


def round_item(number, score, passed_evaluation):
    prefix = f"runs/r1/round-{number:02d}/"
    return {
        "round": number,
        "prompt": "a brown cow",
        "score": score,
        "passed": False,
        "subscores": {},
        "explanation": "",
        "suggestions": [],
        "imageKeys": [prefix + "candidate-1.png"],
        "bestImageKey": prefix + "candidate-1.png",
        "verdictKey": prefix + "verdict.json",
        "costUsd": 0.01,
        "evaluation": evaluation(passed_evaluation),
        "evaluationCostUsd": 0.002,
    }


def test_run_json_has_the_final_best_images_evaluation_on_top_and_each_rounds_below():
    # Given round 2 is the best by the judge's score, and the evaluator passed only round 1
    run = {
        "runId": "r1",
        "status": "EXHAUSTED",
        "prompt": "a brown cow",
        "bestRound": 2,
        "finalScore": 7.0,
        "costUsd": 0.02,
        "evaluationCostUsd": 0.004,
        "settings": {"threshold": 7.5},
    }
    document = build_run_document(run, [round_item(1, 6.0, True), round_item(2, 7.0, False)])

    # Then the top-level evaluation is the final (best) image's, not the best evaluation
    assert document["evaluation"] == evaluation(False)
    assert [entry["evaluation"]["passed"] for entry in document["rounds"]] == [True, False]
    assert (document["costUsd"], document["evaluationCostUsd"]) == (0.02, 0.004)


def test_public_evaluation_has_exactly_the_contracts_keys():
    document = {
        "passed": True,
        "source": GROUND_TRUTH,
        "costUsd": 0,
        "status": "complete",
        "checks": [
            {
                "id": "c1",
                "kind": "entity",
                "question": "Is there a cow?",
                "subject": "cow",
                "parent": None,
                "answer": "yes",
                "satisfied": True,
            }
        ],
    }
    assert public_evaluation(document) == {
        "passed": True,
        "source": GROUND_TRUTH,
        "unverifiable": 0,
        "checks": [{"question": "Is there a cow?", "satisfied": True, "kind": "entity"}],
    }


def _as_json_schema(node):
    """OpenAPI 3.0 schema objects as JSON Schema: nullable -> null allowed, refs into components, and draft-4's
    boolean exclusiveMinimum/exclusiveMaximum (EnhanceRequest.maxCostUsd) as the bound itself."""
    if isinstance(node, list):
        return [_as_json_schema(item) for item in node]
    if not isinstance(node, dict):
        return node
    converted = {key: _as_json_schema(value) for key, value in node.items() if key != "nullable"}
    for exclusive, bound in (("exclusiveMinimum", "minimum"), ("exclusiveMaximum", "maximum")):
        if isinstance(converted.get(exclusive), bool) and converted.pop(exclusive) and bound in converted:
            converted[exclusive] = converted.pop(bound)
    if "$ref" in converted:
        converted["$ref"] = converted["$ref"].replace("#/components/schemas/", "#/$defs/")
    if node.get("nullable"):
        return {"anyOf": [converted, {"type": "null"}]}
    return converted


def test_the_api_document_with_evaluations_matches_its_openapi_description():
    import jsonschema

    from imagegate_service.domain.generations import Generations

    class Runs:
        def get_run(self, run_id):
            return {
                "runId": run_id,
                "status": "EXHAUSTED",
                "prompt": "a brown cow",
                "settings": {},
                "startedAt": "2026-01-01T00:00:00Z",
                "bestRound": 2,
                "bestScore": 7.0,
                "bestImageKey": "runs/r1/round-02/candidate-1.png",
                "rounds": 2,
                "costUsd": 0.02,
                "evaluationCostUsd": 0.004,
            }

        def list_rounds(self, run_id):
            unavailable = {
                **round_item(1, 6.0, True),
                "evaluation": {
                    "passed": False,
                    "source": GROUND_TRUTH,
                    "checks": [],
                    "unavailable": "ModelThrottled: slow down",
                },
            }
            return [unavailable, round_item(2, 7.0, False)]

    class Presigner:
        def url(self, key):
            return f"https://example.invalid/{key}"

    body = Generations(
        Runs(), object(), Presigner(), wiring.daily_budget(), wiring.idempotency_store, lambda run_id: False
    ).get("20260101T000000Z-0000abcd")
    schemas = _as_json_schema(
        {name: schema for name, schema in OPENAPI["components"]["schemas"].items() if name != "RunRequest"}
    )  # draft-4 bounds; the document does not use it
    jsonschema.validate(body, {"$defs": schemas, "$ref": "#/$defs/Generation"})
    assert body["evaluation"] == evaluation(False)
    assert body["rounds"][0]["evaluation"]["unavailable"].startswith("ModelThrottled")
    assert body["totals"]["evaluationCostUsd"] == 0.004
    # and the description names every key the document has, the evaluation's included
    described = OPENAPI["components"]["schemas"]
    assert set(body) <= set(described["Generation"]["properties"])
    assert set(body["totals"]) <= set(described["Generation"]["properties"]["totals"]["properties"])
    assert all(set(entry) <= set(described["Round"]["properties"]) for entry in body["rounds"])
    assert set(OPENAPI["components"]["schemas"]["Evaluation"]["properties"]) == {
        "passed",
        "source",
        "unverifiable",
        "checks",
        "unavailable",
    }


VERIFICATION = {
    "passed": True,
    "source": "rekognition",
    "status": "complete",
    "unverifiable": 1,
    "checks": [
        {"question": "Are there exactly two cows?", "satisfied": True, "evidence": "the image shows 2 cows"},
        {"question": "Is the cow's bell golden?", "satisfied": None, "evidence": "no label for bell"},
    ],
}


def unverifiable_evaluation():
    """5 of 6 verifiable checks hold, 1 unverifiable: the evaluator fails the image."""
    checks = [{"question": f"Is there a cow number {k}?", "satisfied": True, "kind": "entity"} for k in range(5)]
    checks += [
        {"question": "Is the cow brown?", "satisfied": False, "kind": "colour"},
        {"question": "Is the cow grazing?", "satisfied": None, "kind": "action"},
    ]
    return {"passed": False, "source": GROUND_TRUTH, "unverifiable": 1, "checks": checks}


def test_the_list_and_the_document_with_verification_and_unverifiable_checks_match_their_openapi_description():
    import jsonschema

    from imagegate_service.domain.generations import Generations
    from imagegate_service.domain.readings import evaluation_summary, verification_summary

    # Given a PASSED run whose best round the verifier grounded and the evaluator failed (5/6, 1 unverifiable)
    best = {**round_item(1, 9.0, False), "passed": True, "gatePassed": True}
    best.update(evaluation=unverifiable_evaluation(), verification=VERIFICATION)
    run = {
        "runId": "20260101T000000Z-0000abcd",
        "status": "PASSED",
        "prompt": "a brown cow",
        "settings": {"threshold": 8},
        "startedAt": "2026-01-01T00:00:00Z",
        "bestRound": 1,
        "bestScore": 9.0,
        "rounds": 1,
        "evaluation": evaluation_summary(best["evaluation"]),
        "verification": verification_summary(VERIFICATION),
        "pk": "RUN#20260101T000000Z-0000abcd",
        "sk": "RUN",
        c.RUNS_INDEX_PK: c.RUNS_INDEX_PK_VALUE,
        c.RUNS_INDEX_SK: "2026-01-01T00:00:00Z#20260101T000000Z-0000abcd",
    }

    class Runs:
        def get_run(self, run_id):
            return run

        def list_rounds(self, run_id):
            return [best]

        def list_recent_runs(self, limit, start_key=None):
            return [run], None

    class Presigner:
        def url(self, key):
            return f"https://example.invalid/{key}"

    service = Generations(
        Runs(), object(), Presigner(), wiring.daily_budget(), wiring.idempotency_store, lambda run_id: False
    )
    schemas = _as_json_schema(
        {name: schema for name, schema in OPENAPI["components"]["schemas"].items() if name != "RunRequest"}
    )

    # When the run is read and listed
    document, listing = service.get(run["runId"]), service.list(evaluation="failed")

    # Then both match their description, the unverifiable checks are null and counted apart
    jsonschema.validate(document, {"$defs": schemas, "$ref": "#/$defs/Generation"})
    jsonschema.validate(listing, {"$defs": schemas, "$ref": "#/$defs/GenerationList"})
    assert document["verification"] == VERIFICATION and document["rounds"][0]["gatePassed"] is True
    assert [check["satisfied"] for check in document["evaluation"]["checks"]][-1] is None
    item = listing["generations"][0]
    assert (item["evaluation"]["satisfied"], item["evaluation"]["verifiable"], item["evaluation"]["unverifiable"]) == (
        5,
        6,
        1,
    )
    assert item["verification"] == {
        "passed": True,
        "status": "complete",
        "source": "rekognition",
        "satisfied": 1,
        "verifiable": 1,
        "unverifiable": 1,
    }
    described = OPENAPI["components"]["schemas"]
    assert set(item) <= set(described["GenerationSummary"]["properties"])
    assert set(document["rounds"][0]) <= set(described["Round"]["properties"])
    assert set(listing["links"]) <= {"self", "next"} and listing["links"]["self"].endswith("?evaluation=failed")


# -- the CLI --------------------------------------------------------------------------------------------
def test_the_cli_summary_shows_the_evaluator_beside_the_judge(capsys):
    from imagegate.cli import _print_summary

    run = {
        "runId": "r1",
        "status": "EXHAUSTED",
        "prompt": "a brown cow",
        "bestRound": 2,
        "finalScore": 7.0,
        "costUsd": 0.02,
        "evaluationCostUsd": 0.004,
        "settings": {"threshold": 7.5},
    }
    _print_summary(build_run_document(run, [round_item(1, 6.0, True), round_item(2, 7.0, False)]))

    printed = capsys.readouterr().out
    rows = [line.split() for line in printed.splitlines() if line.strip().startswith(("1 ", "2 "))]
    assert [row[:7] for row in rows] == [  # judge, verifier (none then), evaluator
        ["1", "6.0", "failed", "n/a", "passed", "(2/2", "hold)"],
        ["2", "7.0", "failed", "n/a", "failed", "(1/2", "hold)"],
    ]
    # the count is of checks that HOLD: "failed 1/2 checks" read as "1 of 2 failed"
    assert f"evaluator on the final image: failed: 1 of 2 checks hold ({GROUND_TRUTH})" in printed
    assert "first failed: Is the cow brown?" in printed


def test_the_run_report_lists_the_evaluators_checks_escaped():
    from imagegate.report import render_run_report

    run = {
        "runId": "r1",
        "status": "EXHAUSTED",
        "prompt": "a brown cow",
        "bestRound": 2,
        "finalScore": 7.0,
        "costUsd": 0.02,
        "evaluationCostUsd": 0.004,
        "settings": {"threshold": 7.5},
    }
    first = round_item(1, 6.0, True)
    first["evaluation"]["checks"][0]["question"] = "Is there a <script>cow</script>?"
    html = render_run_report(build_run_document(run, [first, round_item(2, 7.0, False)]))

    assert "<script>" not in html and "&lt;script&gt;" in html
    assert html.count("<b>Evaluator</b>") == 2 and "✗ Is the cow brown?" in html
    assert f"evaluator on the final image: failed, 1/2 checks hold ({GROUND_TRUTH})" in html


def passed_run_the_evaluator_failed(verification=None):
    """A PASSED run whose final image the evaluator failed: 5 of 6 verifiable checks hold, 1 unverifiable."""
    run = {
        "runId": "r1",
        "status": "PASSED",
        "prompt": "five cows, one brown, grazing",
        "bestRound": 1,
        "finalScore": 9.6,
        "costUsd": 0.02,
        "evaluationCostUsd": 0.004,
        "settings": {"threshold": 8},
    }
    best = {**round_item(1, 9.6, False), "passed": True, "evaluation": unverifiable_evaluation()}
    if verification is not None:
        best["verification"] = verification
    return build_run_document(run, [best])


def test_a_passed_run_the_evaluator_failed_says_so_on_the_cli_status_line(capsys):
    from imagegate.cli import _print_summary

    # Given a PASSED run the evaluator failed (5/6, one check unverifiable) and no verifier then
    document = passed_run_the_evaluator_failed()

    # When the CLI prints its summary
    _print_summary(document)
    printed = capsys.readouterr().out

    # Then the status line carries the evaluator's count, the unverifiable check apart and never as failed
    assert "status PASSED · evaluator 5/6 checks · 1 unverifiable: final score 9.6" in printed
    assert f"failed: 5 of 6 checks hold, 1 unverifiable ({GROUND_TRUTH}), first failed: Is the cow brown?" in printed
    assert "first failed: Is the cow grazing?" not in printed  # the unverifiable one
    assert "verifier" not in printed.split("status PASSED")[1].splitlines()[0]  # no verification: none invented
    assert document["summary"] == "PASSED · evaluator 5/6 checks · 1 unverifiable"  # run.json says it too


def test_imagegate_show_and_the_report_say_it_too_with_the_verification_beside(tmp_path, capsys):
    from imagegate.cli import main
    from imagegate.report import render_run_report

    # Given that run with a verification of its best image (one check grounded, one not)
    document = passed_run_the_evaluator_failed(VERIFICATION)
    (tmp_path / "run.json").write_text(json.dumps(document), encoding="utf-8")

    # When it is shown and its report rendered
    assert main(["show", str(tmp_path)]) == 0
    printed = capsys.readouterr().out
    html = render_run_report(document)

    # Then both say the evaluator's count beside PASSED, and the verifier's with its unverifiable check apart
    line = "PASSED · evaluator 5/6 checks · 1 unverifiable · verifier 1/1 checks (1 unverifiable)"
    assert document["summary"] == line
    assert f"status {line}" in printed
    assert "verifier: passed: 1 of 1 checks hold, 1 unverifiable (rekognition)" in printed
    assert f'<div class="readings">{line}</div>' in html
    assert '? Is the cow grazing? <span class="small">(unverifiable)</span>' in html
    assert "✗ Is the cow grazing?" not in html and "✓ Is the cow grazing?" not in html
    assert "<b>Verifier</b> (rekognition)" in html and "the image shows 2 cows" in html


def test_the_cli_passes_the_evaluator_flag_into_the_request():
    from imagegate.cli import _build_request, _parser

    args = _parser().parse_args(["run", "a cow", "--evaluator", "us.amazon.nova-pro-v1:0"])
    assert _build_request(args) == {"prompt": "a cow", "evaluator": "us.amazon.nova-pro-v1:0"}
    assert "evaluator" not in _build_request(_parser().parse_args(["run", "a cow"]))  # the default is the runtime's
