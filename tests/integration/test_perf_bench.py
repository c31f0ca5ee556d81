"""`make bench`'s benchmark figure (imagegate/perf.py): the worker that runs N prompts through the benchmark
workflow reports what the printed line needs (wall and CPU seconds, the images drawn, peak RSS) from a real
execution; a small N keeps it to seconds (`make bench` runs 100)."""

from __future__ import annotations

import pytest

from imagegate import perf

pytestmark = pytest.mark.integration


def test_the_bench_worker_reports_a_finished_benchmark_with_its_images_and_memory():
    # When three of the bench prompts run as `make bench` runs its hundred (in its own local runtime)
    result = perf._run_bench_prompts(3)

    # Then the execution succeeded and aggregated all three, each drawing at least one image
    assert (result["status"], result["error"]) == ("SUCCEEDED", None)
    assert result["overall"]["runs"] == 3
    assert result["images"] >= 3
    # And the figures printed beside the world's cost are measured, not left empty
    assert result["wall"] > 0 and result["cpu"] > 0
    assert result["peak_rss_mb"] > 0
    # And the memory held at once was sampled over the run's processes where /proc allows (Linux): a page shared by
    # several processes counts once in the summed PSS and in each one's RSS, so the PSS sum is never above the RSS sum
    if result["tree_peak_pss_mb"] is not None:
        assert 0 < result["tree_peak_pss_mb"] <= result["tree_rss_at_peak_mb"]
        # And the peak is told by generation (the runtime's process alone, then its descendants), adding up to it
        by_depth = result["tree_pss_by_depth_mb"]
        assert len(by_depth[0]) == 1
        assert sum(map(sum, by_depth)) == pytest.approx(result["tree_peak_pss_mb"])
        assert perf._generations_text(by_depth).startswith(f"the runtime {by_depth[0][0]:.0f} MB")
    # And with the children in workers, the bodies they left, kept in a file outside every process's memory, are
    # counted and printed beside the memory figure (on a tmpfs they are in RAM, where no PSS counts them)
    if result["workers"] > 1:
        assert result["spilled_mb"] > 0
        assert f"{result['spilled_mb']:.1f} MB of the children's object bodies" in perf._rss_text(result)


def test_bodies_spilled_to_a_memory_file_system_are_added_to_the_memory_figure_and_not_on_a_disk():
    """The printed memory figure cannot flatter: bodies kept on a tmpfs (in RAM, outside PSS) or on a file system of
    unknown type are added to the PSS held at once; on a disk they are told apart and not added."""
    result = {"tree_peak_pss_mb": 300.0, "tree_rss_at_peak_mb": 500.0, "tree_pss_by_depth_mb": [[300.0]]}
    result |= {"workers": 0, "peak_rss_mb": 320.0, "spilled_mb": 25.5}
    on_tmpfs = perf._rss_text({**result, "spilled_fs": "tmpfs"})
    assert "25.5 MB of the children's object bodies" in on_tmpfs and "326 MB with the PSS held at once" in on_tmpfs
    assert "326 MB" in perf._rss_text({**result, "spilled_fs": None})
    on_disk = perf._rss_text({**result, "spilled_fs": "ext4"})
    assert "25.5 MB" in on_disk and "on ext4 (on disk)" in on_disk and "326 MB" not in on_disk
    assert "object bodies" not in perf._rss_text({**result, "spilled_mb": 0.0, "spilled_fs": None})


def test_the_file_system_of_a_path_is_its_longest_mount_points():
    import os

    if not os.path.isfile("/proc/self/mounts"):
        pytest.skip("reads /proc/self/mounts")
    assert perf._file_system_type("/proc/self") == "proc"
    assert perf._file_system_type("/") is not None


def test_bench_items_repeat_the_suite_with_a_seed_per_pass():
    items = perf._bench_items(perf.BENCH_PROMPTS)
    assert len(items) == perf.BENCH_PROMPTS
    assert len({item.id for item in items}) == perf.BENCH_PROMPTS  # every item its own id (and run)
    first, again = items[0], next(item for item in items[1:] if item.prompt == items[0].prompt)
    assert first.settings["seed"] != again.settings["seed"]
