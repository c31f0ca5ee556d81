"""What a benchmark costs and how long it takes in AWS, before it spends: ``imagegate bench --estimate`` and a
line in every report.

- model cost: per run, mean rounds x the registry's price of a round (costs.estimated_round_cost: the
  candidates' images and judge calls, the rewrite, the evaluator's share) at the run's measured mean candidates;
  rounds and candidates are measured (a report's runs) or, before any report, the worst case (maxRounds);
- Step Functions cost: the state transitions of a run (the composed definition's, counted like its history
  events in benchmark.limits: the way in and out, every round, every candidate judged) x
  SFN_USD_PER_STATE_TRANSITION, plus the parent's few; retries are billed as transitions too and are
  not counted (a lower bound when Bedrock throttles);
- wall time: the runs in waves of ``concurrency`` child executions, each as long as a measured run (or
  constants.BENCHMARK_ESTIMATE_SECONDS_PER_ROUND a round before any measurement), and no faster than the
  generator's quota of images per minute allows when one is given (the account's Service Quotas value, the
  deployment's imageModelRequestsPerMinute); with a quota, the concurrency is also capped at what it bears
  (constants.benchmark_concurrency_for_quota), as a deployment with that setting refuses more.

Lambda, S3 and DynamoDB charges are left out (cents next to the models'); so is the free tier.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from imagegate_service import constants as c
from imagegate_service import registry
from imagegate_service.benchmark.limits import cycle_states, longest_path
from imagegate_service.domain.costs import estimated_round_cost
from imagegate_service.domain.state import Settings
from imagegate_service.settings import DEFAULTS, deployment_defaults

# Step Functions Standard workflows bill state transitions: $0.025 per 1,000 in US East (N. Virginia) and most
# Regions (https://aws.amazon.com/step-functions/pricing/, "State transitions pricing table"; retries count too).
SFN_USD_PER_STATE_TRANSITION = 0.025 / 1000

# The roles whose models a run calls; an offline-only model (the local runtime's) is priced as the registry's
# default for its role, the model the run would call in AWS.
_ROLES = ("generator", "judge", "rewriter", "evaluator")


def transitions_estimate(definition: Mapping[str, Any], map_state: str) -> dict[str, int]:
    """State transitions of the composed benchmark definition: ``parent`` (the states around the Map, the Map),
    ``perRun`` (a child's way in and out of the round), ``perRound`` and ``perCandidate`` (the judge Map's states)."""
    states = definition["States"]
    processor = states[map_state]["ItemProcessor"]
    inner = processor["States"]
    cycle = cycle_states(inner)
    return {
        "parent": len(states),
        "perRun": longest_path(inner, processor["StartAt"], {name: 0 if name in cycle else 1 for name in inner}),
        "perRound": len(cycle),
        "perCandidate": sum(
            len(inner[name]["ItemProcessor"]["States"]) for name in cycle if inner[name]["Type"] == "Map"
        ),
    }


def aws_models(recorded: Mapping[str, Any] | None = None) -> dict[str, str]:
    """The model of each role a run would call in AWS: the recorded one, unless it exists only offline."""
    models = {}
    for role in _ROLES:
        model = (recorded or {}).get(role)
        # text_model_ids leaves the offline-only stand-ins out
        deployable = registry.generator_ids() if role == "generator" else registry.text_model_ids()
        models[role] = model if model in deployable else registry.default_model(role)
    return models


def round_cost(settings: Settings, candidates: float) -> float:
    """The registry's price of one round of these settings at a (mean, possibly fractional) candidate count."""
    one = estimated_round_cost({**settings, "candidatesPerRound": 1})
    two = estimated_round_cost({**settings, "candidatesPerRound": 2})
    return (one - (two - one)) + candidates * (two - one)


def estimate(
    profiles: Sequence[Mapping[str, Any]],
    transitions: Mapping[str, int],
    concurrency: int,
    images_per_minute: float | None = None,
) -> dict[str, Any]:
    """The projection for runs grouped in profiles (one per arm): each {arm, runs, meanRounds, meanCandidates,
    settings (the round's settings, AWS models), runSeconds (measured mean, or None), measured (bool)}."""
    runs = sum(int(profile["runs"]) for profile in profiles)
    model_usd = transitions_total = images = busy_seconds = 0.0
    arms = {}
    for profile in profiles:
        rounds, candidates, count = float(profile["meanRounds"]), float(profile["meanCandidates"]), int(profile["runs"])
        cost = count * rounds * round_cost(profile["settings"], candidates)
        per_run = transitions["perRun"] + rounds * (transitions["perRound"] + candidates * transitions["perCandidate"])
        seconds = profile.get("runSeconds") or rounds * c.BENCHMARK_ESTIMATE_SECONDS_PER_ROUND
        model_usd += cost
        transitions_total += count * per_run
        images += count * rounds * candidates
        busy_seconds += count * seconds
        arms[profile["arm"]] = {
            "runs": count,
            "meanRounds": round(rounds, 3),
            "meanCandidates": round(candidates, 3),
            "modelUsd": round(cost, 4),
            "runSeconds": round(seconds, 1),
            "measured": bool(profile.get("measured")),
        }
    transitions_total += transitions["parent"]
    sfn_usd = transitions_total * SFN_USD_PER_STATE_TRANSITION
    quota_cap = c.benchmark_concurrency_for_quota(int(images_per_minute)) if images_per_minute else None
    effective = min(concurrency, quota_cap) if quota_cap is not None else concurrency
    wall = busy_seconds / max(1, min(effective, runs or 1))
    quota_wall = images / images_per_minute * 60 if images_per_minute else None
    return {
        "runs": runs,
        "arms": arms,
        "images": round(images),
        "modelUsd": round(model_usd, 4),
        "stateTransitions": round(transitions_total),
        "stepFunctionsUsd": round(sfn_usd, 4),
        "totalUsd": round(model_usd + sfn_usd, 4),
        "concurrency": effective,  # what runs at once: the asked concurrency, capped by the quota
        "concurrencyAsked": concurrency,
        "imagesPerMinute": images_per_minute,
        "wallSeconds": round(max(wall, quota_wall or 0.0), 1),
        # the quota sets the pace (a tie included: the concurrency it bears runs exactly at its rate)
        "quotaBound": quota_wall is not None and quota_wall >= wall,
        "usdPerStateTransition": SFN_USD_PER_STATE_TRANSITION,
    }


def estimate_text(projection: Mapping[str, Any]) -> str:
    """The estimate in one line: 'AWS estimate, 1,632 runs: models $x + Step Functions $y (n transitions) = $z;
    about 3.1 h at concurrency 20'."""
    seconds = projection["wallSeconds"]
    wall = (
        f"{seconds / 3600:.1f} h"
        if seconds >= 3600
        else f"{seconds / 60:.0f} min"
        if seconds >= 60
        else f"{seconds:.0f} s"
    )
    measured = all(arm["measured"] for arm in projection["arms"].values())
    basis = "measured rounds and candidates" if measured else "worst case: every run takes its maxRounds"
    quota = (
        f", bound by {projection['imagesPerMinute']:g} images/min"
        if projection.get("quotaBound")
        else (f", within {projection['imagesPerMinute']:g} images/min" if projection.get("imagesPerMinute") else "")
    )
    asked = projection.get("concurrencyAsked", projection["concurrency"])
    capped = (
        f" ({asked} asked: {projection['imagesPerMinute']:g} image requests/min bear {projection['concurrency']})"
        if asked != projection["concurrency"]
        else ""
    )
    return (
        f"AWS estimate, {projection['runs']:,} runs ({basis}): models ${projection['modelUsd']:,.2f} + Step Functions "
        f"${projection['stepFunctionsUsd']:,.2f} ({projection['stateTransitions']:,} transitions at "
        f"${projection['usdPerStateTransition'] * 1000:g}/1,000) = ${projection['totalUsd']:,.2f}; "
        f"about {wall} at concurrency {projection['concurrency']}{capped}{quota}"
    )


def profiles_from_report(
    report: Mapping[str, Any], runs_per_arm: Mapping[str, int] | None = None, durations_from_aws: bool = True
) -> list[dict[str, Any]]:
    """One profile per arm of a report, measured from its runs (``runs_per_arm`` scales them to another suite).
    A run's duration is an AWS figure only when the report's runs ran there (``durations_from_aws``): the
    local runtime's offline models answer in milliseconds."""
    by_arm: dict[str, list[Mapping[str, Any]]] = {}
    for run in report.get("runs") or []:
        by_arm.setdefault(run.get("arm") or c.BENCHMARK_DEFAULT_ARMS[0], []).append(run)
    settings = report.get("settings") or {}
    profiles = []
    for arm, runs in by_arm.items():
        if runs_per_arm is not None and arm not in runs_per_arm:
            continue
        rounds = [run.get("rounds") or 0 for run in runs]
        images = [run.get("images") or 0 for run in runs]
        durations = [run["durationSeconds"] for run in runs if isinstance(run.get("durationSeconds"), (int, float))]
        mean_rounds = sum(rounds) / len(rounds)
        profiles.append(
            {
                "arm": arm,
                "runs": runs_per_arm[arm] if runs_per_arm is not None else len(runs),
                "meanRounds": mean_rounds,
                "meanCandidates": sum(images) / sum(rounds) if sum(rounds) else 1.0,
                "settings": round_settings(arm, _single_values(settings)),
                "runSeconds": sum(durations) / len(durations) if durations and durations_from_aws else None,
                "measured": True,
            }
        )
    return profiles


def worst_case_profiles(runs_per_arm: Mapping[str, int], overrides: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Profiles before any measurement: every run takes its maxRounds."""
    profiles = []
    for arm, count in runs_per_arm.items():
        settings = round_settings(arm, overrides)
        profiles.append(
            {
                "arm": arm,
                "runs": count,
                "meanRounds": settings.get("maxRounds", DEFAULTS["maxRounds"]),
                "meanCandidates": settings.get("candidatesPerRound", 1),
                "settings": settings,
                "runSeconds": None,
                "measured": False,
            }
        )
    return profiles


def round_settings(arm: str, overrides: Mapping[str, Any]) -> dict[str, Any]:
    """The settings a round of this arm is priced at: the defaults, the benchmark's, the arm's, AWS models."""
    chosen = {key: value for key, value in overrides.items() if value is not None}
    merged = {**DEFAULTS, **chosen, **c.BENCHMARK_ARMS.get(arm, {})}
    return {**merged, **aws_models(merged)}


def estimate_from_report(
    report: Mapping[str, Any], transitions: Mapping[str, int], concurrency: int | None
) -> dict[str, Any]:
    """The report's own line: this suite in AWS at its measured means and the benchmark's concurrency
    (``transitions``: the composed definition's, a static parameter of Aggregate Results)."""
    projection = estimate(
        profiles_from_report(report, durations_from_aws=not runs_offline()),
        transitions,
        concurrency or c.BENCHMARK_DEFAULT_CONCURRENCY,
    )
    return {**projection, "text": estimate_text(projection)}


def runs_offline() -> bool:
    """Whether this deployment's runs call an offline-only model (the local runtime's): its durations are not AWS's."""
    defaults = deployment_defaults()
    return any(defaults.get(role) not in registry.text_model_ids() for role in _ROLES if role != "generator")


def _single_values(settings: Mapping[str, Any]) -> dict[str, Any]:
    """A report's observed settings (a field -> its one value, or a list of several) as round settings."""
    single = {
        key: value[0] if isinstance(value, list) and len(value) == 1 else value for key, value in settings.items()
    }
    return {
        key: value
        for key, value in single.items()
        if key in ("threshold", "maxRounds", *_ROLES) and not isinstance(value, (list, dict))
    }
