"""The offline Amazon Rekognition (imagegate/local/rekognition_offline.py): Rekognition's wire shapes, checked
against botocore's model; the closed taxonomy; a detector lens that errs in each of its ways, independently of the
judge's lens; faults through the runtime's switches."""

from __future__ import annotations

import hashlib
import json
from functools import cache

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ParamValidationError

from imagegate.local.bedrock_offline import FaultSwitches
from imagegate.local.rekognition_offline import (
    OfflineRekognition,
    _labels_by_code,
    detect_labels,
    detect_text,
    see,
    service_model,
    shape_problems,
)
from imagegate.local.world import vlm
from imagegate.local.world.calibration import load_geneval
from imagegate.local.world.concepts import concept_code
from imagegate.local.world.perceive import perceive
from imagegate.local.world.render import render_png
from imagegate_service.rekognition_labels import mapping

ENDPOINT = "http://rekognition.offline.invalid"
SIZE = 512


@cache
def geneval_pngs(count: int = 160) -> list[bytes]:
    """GenEval renders (every fourth item, all six tasks), the same for every test that reads them."""
    return [render_png(item["prompt"], "", 42, SIZE, SIZE) for item in load_geneval()[::3][:count]]


@cache
def counting_pngs() -> list[bytes]:
    """GenEval's counting renders: where same-label neighbours (what a detector merges) are."""
    return [render_png(item["prompt"], "", 42, SIZE, SIZE) for item in load_geneval() if item["tag"] == "counting"]


def client(faults: FaultSwitches | None = None):
    session = boto3.Session(region_name="us-east-1", aws_access_key_id="local", aws_secret_access_key="local")
    provider = OfflineRekognition(faults)
    provider.install(session)
    config = Config(retries={"mode": "standard", "total_max_attempts": 1})
    return session.client("rekognition", endpoint_url=ENDPOINT, config=config), provider


def output_shape(operation: str):
    return service_model().operation_model(operation).output_shape


def test_responses_have_rekognitions_shapes_and_botocore_parses_them() -> None:
    # Given an image with objects, colours and text
    png = render_png('four yellow ducks to the right of a green boat, a sign that says "OPEN"', "", 42, SIZE, SIZE)
    rekognition, _ = client()
    # When it is asked for labels with both features, and for text
    labels = rekognition.detect_labels(Image={"Bytes": png}, Features=["GENERAL_LABELS", "IMAGE_PROPERTIES"])
    text = rekognition.detect_text(Image={"Bytes": png})
    # Then both bodies conform to botocore's output shapes, with instances, boxes and dominant colours
    for operation, body in (("DetectLabels", labels), ("DetectText", text)):
        body.pop("ResponseMetadata")
        assert shape_problems(body, output_shape(operation)) == []
    duck = next(label for label in labels["Labels"] if label["Name"] == "Duck")
    assert duck["Instances"] and all(
        i["DominantColors"] and 0 < i["BoundingBox"]["Width"] < 1 for i in duck["Instances"]
    )
    assert {"Quality", "DominantColors", "Foreground", "Background"} <= set(labels["ImageProperties"])
    lines = [d for d in text["TextDetections"] if d["Type"] == "LINE"]
    assert [d["DetectedText"] for d in lines] == perceive(png).texts  # as drawn (this seed's lens reads it right)
    assert all(d["ParentId"] == lines[0]["Id"] for d in text["TextDetections"] if d["Type"] == "WORD")


def test_the_shape_check_itself_finds_departures() -> None:
    # a member the model does not have, a wrong type and an enum value outside the model are all found
    body = {"Labels": [{"Name": 3, "Colour": "red"}], "TextModelVersion": "3.0"}
    problems = shape_problems(body, output_shape("DetectLabels"))
    assert any("TextModelVersion" in p for p in problems)
    assert any("Labels[0].Name" in p for p in problems) and any("Colour" in p for p in problems)
    assert shape_problems({"TextDetections": [{"Type": "PARAGRAPH"}]}, output_shape("DetectText"))


def test_requests_are_validated_by_botocores_model_and_rekognitions_rules() -> None:
    png = render_png("a red apple", "", 42, SIZE, SIZE)
    rekognition, provider = client()
    # botocore's client refuses what its model refuses before sending
    with pytest.raises(ParamValidationError):
        rekognition.detect_labels(Image={"Bytes": png}, MaxLabels=-1)
    # the provider refuses what botocore's model refuses on the wire, naming the parameter
    refused = provider.answer("DetectLabels", ENDPOINT, json.dumps({"Image": {"Bytes": 1}}).encode())
    assert refused.status_code == 400 and b"Image.Bytes" in refused.content
    # and Rekognition's own rules: a feature outside the enum, an image that is not PNG/JPEG, no image at all
    for body, code in [
        ({"Image": {"Bytes": "aGVsbG8="}, "Features": ["FACES"]}, "InvalidParameterException"),
        ({"Image": {"Bytes": "aGVsbG8="}}, "InvalidImageFormatException"),
        ({"Image": {}}, "InvalidParameterException"),
        (
            {"Image": {"Bytes": "aGVsbG8="}, "Settings": {"ImageProperties": {"MaxDominantColors": 21}}},
            "InvalidParameterException",
        ),
    ]:
        answer = provider.answer("DetectLabels", ENDPOINT, json.dumps(body).encode())
        assert answer.status_code == 400 and json.loads(answer.content)["__type"] == code, body


def test_s3_objects_are_read_from_the_local_s3() -> None:
    from moto import mock_aws

    from imagegate_service.adapters import aws_clients

    png = render_png("two cats", "", 42, SIZE, SIZE)
    with mock_aws():
        aws_clients.client.cache_clear()
        try:
            boto3.client("s3", region_name="us-east-1").create_bucket(Bucket="images")
            boto3.client("s3", region_name="us-east-1").put_object(Bucket="images", Key="a.png", Body=png)
            rekognition, _ = client()
            found = rekognition.detect_labels(Image={"S3Object": {"Bucket": "images", "Name": "a.png"}})
            assert found["Labels"] == detect_labels(png, {})["Labels"]
            with pytest.raises(rekognition.exceptions.InvalidS3ObjectException):
                rekognition.detect_labels(Image={"S3Object": {"Bucket": "images", "Name": "missing.png"}})
        finally:
            aws_clients.client.cache_clear()


def test_a_noun_outside_the_taxonomy_is_never_reported() -> None:
    # Given images of things Rekognition has no label for, beside things it has
    labels = mapping()
    for prompt in ["a taxi and a cello", "three dragons next to a unicorn", "a computer mouse on a toaster"]:
        png = render_png(prompt, "", 42, SIZE, SIZE)
        reported = {label["Name"] for label in detect_labels(png, {"MinConfidence": 0})["Labels"]}
        drawn = {o.code for o in perceive(png).objects}
        # Then only labels of the taxonomy are reported, and only for concepts the mapping names
        assert reported <= labels.taxonomy()
        assert reported <= {_labels_by_code()[code] for code in drawn if code in _labels_by_code()}
    taxi = render_png("a taxi", "", 42, SIZE, SIZE)
    assert perceive(taxi).objects and detect_labels(taxi, {"MinConfidence": 0})["Labels"] == []
    assert concept_code("mouse") not in _labels_by_code() and concept_code("computer mouse") not in _labels_by_code()


def _truth_by_label(png: bytes) -> dict[str, list]:
    by_code = _labels_by_code()
    found: dict[str, list] = {}
    for seen in perceive(png).objects:
        if seen.code in by_code and mapping().is_boxed(by_code[seen.code]):
            found.setdefault(by_code[seen.code], []).append(seen)
    return found


def test_the_lens_misses_splits_merges_and_bleeds_over_many_images_but_mostly_sees_right() -> None:
    fewer = more = merged = bled = agree = total = 0
    for png in dict.fromkeys([*geneval_pngs(), *counting_pngs()]):
        view = see(png)
        for label, drawn in _truth_by_label(png).items():
            boxes = [i for i in view.instances if i.label == label]
            total += 1
            agree += len(boxes) == len(drawn)
            fewer += len(boxes) < len(drawn)
            more += len(boxes) > len(drawn)
            widest, tallest = max(o.w for o in drawn), max(o.h for o in drawn)
            merged += any(b.box.width > 1.5 * widest or b.box.height > 1.5 * tallest for b in boxes)
            colours = {mapping().reported_simplified(o.colour) for o in drawn}
            bled += any(b.colours and b.colours[0][0] not in colours for b in boxes)
    assert min(fewer, more, merged, bled) > 0, (fewer, more, merged, bled)
    assert agree / total > 0.75


def test_the_lens_misreads_some_characters_and_reads_most_lines() -> None:
    words = ["OPEN", "HELLO", "SALE", "CAFE", "EXIT", "BOOKS", "STOP", "BAKERY", "HOTEL", "MUSEUM"]
    read = misread = drawn = 0
    for n in range(120):
        png = render_png(f'a sign that says "{words[n % len(words)]} {n}"', "", n, SIZE, SIZE)
        texts = perceive(png).texts  # what the world drew (its generator misspells too: not the detector's doing)
        lines = [d["DetectedText"] for d in detect_text(png, {})["TextDetections"] if d["Type"] == "LINE"]
        drawn += bool(texts)
        read += bool(texts) and lines == texts
        misread += bool(lines) and lines != texts
    assert misread > 0 and read / drawn > 0.8


def test_the_detectors_misses_are_independent_of_the_judges() -> None:
    # Given many images, the (image, noun) pairs the judge's lens misses and those the detector misses
    judge_misses, detector_misses = set(), set()
    for index, png in enumerate(geneval_pngs()):
        digest, view = hashlib.sha256(png).hexdigest(), see(png)
        for label in _truth_by_label(png):
            noun = next(n for n, names in mapping().nouns.items() if names[0] == label)
            check = {"kind": "entity", "subject": noun, "question": f"Is there a {noun}?"}
            if not vlm.answer(check, perceive(png), digest):
                judge_misses.add((index, label))
            if not any(i.label == label for i in view.instances):
                detector_misses.add((index, label))
    # Then both miss something, not the same things, and the overlap is far from total
    assert judge_misses and detector_misses and judge_misses != detector_misses
    assert len(judge_misses & detector_misses) < 0.5 * min(len(judge_misses), len(detector_misses))


def test_throttling_and_outage_faults_surface_as_rekognitions_errors() -> None:
    png = render_png("a red apple", "", 42, SIZE, SIZE)
    # Given the runtime's fault switches
    rekognition, provider = client(FaultSwitches(rekognition_throttle_first=1, rekognition_errors_first=2))
    # Then the first call is throttled (Rekognition's ThrottlingException), the second an InternalServerError,
    # and the third answered
    with pytest.raises(rekognition.exceptions.ThrottlingException):
        rekognition.detect_labels(Image={"Bytes": png})
    with pytest.raises(rekognition.exceptions.InternalServerError):
        rekognition.detect_labels(Image={"Bytes": png})
    assert rekognition.detect_labels(Image={"Bytes": png})["Labels"]
    assert [call.outcome for call in provider.calls] == ["ThrottlingException", "InternalServerError", "ok"]
    # And a rate switch throttles a seeded share of calls, parsed from IMAGEGATE_OFFLINE_FAULTS like the others
    faults = FaultSwitches.from_env({"IMAGEGATE_OFFLINE_FAULTS": "rekognition_throttle_rate=0.5,seed=3"})
    rekognition, provider = client(faults)
    outcomes = []
    for _ in range(40):
        try:
            rekognition.detect_text(Image={"Bytes": png})
            outcomes.append("ok")
        except rekognition.exceptions.ThrottlingException:
            outcomes.append("throttled")
    assert 8 < outcomes.count("throttled") < 32


def test_the_local_runtime_answers_rekognition_offline_with_its_fault_switches() -> None:
    from imagegate.local.runtime import BUCKET, LocalRuntime
    from imagegate_service.adapters import aws_clients

    png = render_png("two cats", "", 42, SIZE, SIZE)
    # Given the local runtime with a Rekognition throttling switch, and an image in its bucket
    with LocalRuntime(faults=FaultSwitches(rekognition_throttle_first=1), retry_time_scale=0) as runtime:
        aws_clients.client("s3").put_object(Bucket=BUCKET, Key="images/a.png", Body=png)
        rekognition = aws_clients.client("rekognition")
        image = {"S3Object": {"Bucket": BUCKET, "Name": "images/a.png"}}
        # Then the handlers' own client is answered by the offline detector: throttled first, then labels
        with pytest.raises(rekognition.exceptions.ThrottlingException):
            rekognition.detect_labels(Image=image, Features=["GENERAL_LABELS", "IMAGE_PROPERTIES"])
        found = rekognition.detect_labels(Image=image, Features=["GENERAL_LABELS", "IMAGE_PROPERTIES"])
        assert [label["Name"] for label in found["Labels"]] == ["Cat"]
        assert [call.outcome for call in runtime.rekognition.calls] == ["ThrottlingException", "ok"]
