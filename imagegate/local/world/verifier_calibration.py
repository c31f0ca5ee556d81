"""How far can the verifier be trusted? Its per-check-kind agreement with the ground truth on GenEval's renders.

Each of GenEval's 553 prompts is drawn (default settings and seed), its expected checks (evaluation.
checks_from_expected: entity, count, colour, position/relation, absent) are answered twice: by the ground truth
(truth.satisfied, exact perception) and by the verifier as it runs in the loop, i.e. the offline Rekognition
(rekognition_offline: DetectLabels with GENERAL_LABELS and IMAGE_PROPERTIES, DetectText) read by the product's
own grounding (imagegate_service.domain.verifying: Detections, ground, verification_passed). GenEval has no text
prompts, so the text row comes from TEXT_PROMPTS (signs with quoted words; not GenEval).

Reported per check kind: how many checks, the share the verifier could ground (the rest unverifiable: a noun
outside Rekognition's taxonomy, a relation a box cannot show), agreement among the grounded, false passes (the
verifier says yes, the truth no) and false fails. Per image: the verifier's verdict (no grounded check false, at
least one grounded) against the truth's (every check holds), beside the published detector figure: GenEval's
detector-based scoring agrees with human raters on about 83% of images, raters with each other on 88% (Ghosh et
al., arXiv 2310.11513, second-hand [S] via /work/shared/reference/judging.md). The verifier sees only the image
and the checks (as the loop hands it the judge's); the GenEval tags and expectations are used here to score.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field

from imagegate_service.expected_checks import checks_from_expected
from imagegate_service.rekognition_labels import mapping
from imagegate_service.settings import DEFAULTS

from ..rekognition_offline import detect_labels, detect_text
from .calibration import dsg, load_geneval
from .perceive import perceive
from .render import render_png
from .truth import satisfied

PUBLISHED_IMAGE_AGREEMENT = 0.83  # GenEval detector scoring vs human raters, per image [S]
PUBLISHED_RATER_AGREEMENT = 0.88  # human raters with each other [S]
LABEL_FEATURES = ["GENERAL_LABELS", "IMAGE_PROPERTIES"]
TEXT_WORDS = ("OPEN", "SALE", "EXIT", "HOTEL", "BAKERY", "MUSEUM", "CAFE", "BOOKS", "STOP", "PHARMACY")
TEXT_PROMPTS = tuple(
    f'a sign that says "{word} {number}"' for number in range(4) for word in TEXT_WORDS
)  # 40 prompts: the text row


@dataclass
class ItemResult:
    tag: str
    # per check: (kind, truth (None: the world cannot decide), the verifier's answer (None: unverifiable))
    checks: list[tuple[str, bool | None, bool | None]] = field(default_factory=list)
    truth_pass: bool = False
    verified: bool | None = None  # the verifier's verdict on the image


def measure_item(tag: str, prompt: str, checks: list[dict], width: int, height: int, seed: int) -> ItemResult:
    from imagegate_service.domain.verifying import Detections, ground, verification_passed

    labels_map = mapping()
    png = render_png(prompt, "", seed, width, height)
    percept = perceive(png)
    truth = dsg(checks, {c["id"]: satisfied(c, percept) for c in checks})
    labels = detect_labels(
        png, {"Features": LABEL_FEATURES, "MinConfidence": labels_map.thresholds.min_label_confidence}
    )
    text = detect_text(png, {}) if any(c["kind"] == "text" for c in checks) else None
    seen = Detections.read(labels, text, labels_map)
    grounded = [ground(check, seen, labels_map) for check in checks]
    # the same DSG rule on both sides, as calibration.py compares the judge (the verdict itself is the product's)
    verified = dsg(checks, {c["id"]: g["satisfied"] for c, g in zip(checks, grounded, strict=True)})
    return ItemResult(
        tag,
        [(c["kind"], truth[c["id"]], verified[c["id"]]) for c in checks],
        all(value is not False for value in truth.values()) and any(value for value in truth.values()),
        verification_passed(grounded),
    )


def _measure(job: tuple[str, str, list[dict], int, int, int]) -> ItemResult:
    return measure_item(*job)


def _text_checks(prompt: str) -> list[dict]:
    word = prompt.split('"')[1]
    return [
        {"id": "c1", "kind": "entity", "subject": "sign", "question": "Is there a sign?"},
        {
            "id": "c2",
            "kind": "text",
            "subject": "sign",
            "text": word,
            "parent": "c1",
            "question": f'Does it say "{word}"?',
        },
    ]


def measure(workers: int = 2) -> list[ItemResult]:
    width, height, seed = DEFAULTS["width"], DEFAULTS["height"], DEFAULTS["seed"]
    jobs = [(item["tag"], item["prompt"], checks_from_expected(item), width, height, seed) for item in load_geneval()]
    jobs += [("text", prompt, _text_checks(prompt), width, height, seed) for prompt in TEXT_PROMPTS]
    if workers <= 1:
        return [_measure(job) for job in jobs]
    with ProcessPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(_measure, jobs, chunksize=16))


def _rates(pairs: list[tuple[bool | None, bool | None]]) -> dict:
    """(truth, verifier) pairs: grounded share, then agreement and false pass/fail among the decided ones."""
    decidable = [(t, v) for t, v in pairs if t is not None]
    grounded = [(t, v) for t, v in decidable if v is not None]
    tally = Counter(grounded)
    negatives = tally[(False, True)] + tally[(False, False)]
    positives = tally[(True, True)] + tally[(True, False)]
    return {
        "n": len(decidable),
        "groundedShare": round(len(grounded) / len(decidable), 3) if decidable else None,
        "unverifiableShare": round(1 - len(grounded) / len(decidable), 3) if decidable else None,
        "agreement": round((tally[(True, True)] + tally[(False, False)]) / len(grounded), 3) if grounded else None,
        "falsePassRate": round(tally[(False, True)] / negatives, 3) if negatives else None,
        "falseFailRate": round(tally[(True, False)] / positives, 3) if positives else None,
    }


KIND_ORDER = ("entity", "count", "colour", "position", "relation", "text", "absent")


def agreement(results: list[ItemResult]) -> dict:
    by_kind: dict[str, list[tuple[bool | None, bool | None]]] = defaultdict(list)
    for result in results:
        for kind, truth, verified in result.checks:
            by_kind[kind].append((truth, verified))
    kinds = [k for k in KIND_ORDER if k in by_kind] + sorted(set(by_kind) - set(KIND_ORDER))
    geneval = [r for r in results if r.tag != "text"]
    return {
        "perCheckKind": {kind: _rates(by_kind[kind]) for kind in kinds},
        "perCheck": _rates([pair for pairs in by_kind.values() for pair in pairs]),
        "perImage": _rates([(r.truth_pass, r.verified) for r in geneval]),
        "publishedImageAgreement": PUBLISHED_IMAGE_AGREEMENT,
        "publishedRaterAgreement": PUBLISHED_RATER_AGREEMENT,
        "images": len(geneval),
        "textImages": len(results) - len(geneval),
    }


def table(figures: dict) -> str:
    def pct(value: float | None) -> str:
        return "     -" if value is None else f"{value:6.1%}"

    lines = [
        f"Verifier (offline Rekognition + domain/verifying.py grounding) vs ground truth on {figures['images']} GenEval "
        f"renders (+{figures['textImages']} sign prompts for text)",
        f"  {'':<12}{'n':>6}{'unverifiable':>14}{'agree':>8}{'false pass':>12}{'false fail':>12}",
    ]
    rows = [("per image", figures["perImage"]), ("per check", figures["perCheck"])]
    rows += [(f"  {kind}", rates) for kind, rates in figures["perCheckKind"].items()]
    for name, rates in rows:
        lines.append(
            f"  {name:<12}{rates['n']:>6}{pct(rates['unverifiableShare']):>14}{pct(rates['agreement']):>8}"
            f"{pct(rates['falsePassRate']):>12}{pct(rates['falseFailRate']):>12}"
        )
    lines.append(
        f"  published: GenEval's detector scoring agrees with human raters on {figures['publishedImageAgreement']:.0%} "
        f"of images, raters with each other on {figures['publishedRaterAgreement']:.0%} (arXiv 2310.11513, "
        "second-hand). Per image here: the verifier's verdict (null when nothing was grounded) vs every check held;"
        " agree / false pass / false fail over the grounded checks, unverifiable: the share it could not ground."
    )
    return "\n".join(lines)


def calibrate(workers: int = 2) -> tuple[dict, str]:
    figures = agreement(measure(workers))
    return figures, table(figures)


if __name__ == "__main__":
    print(calibrate()[1])
