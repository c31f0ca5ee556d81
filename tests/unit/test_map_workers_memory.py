"""A map worker's allocator settings (imagegate/local/map_workers.py, issue 29: memory of a benchmark's workers):
applied where the C library is glibc, a no-op elsewhere."""

import platform

from imagegate.local import map_workers


def test_the_malloc_arena_cap_applies_on_glibc_and_nowhere_else():
    on_glibc = platform.libc_ver()[0] == "glibc"
    assert (map_workers._glibc() is not None) == on_glibc
    assert map_workers._cap_malloc_arenas() is on_glibc


def test_the_mmap_threshold_is_fixed_on_glibc_and_nowhere_else():
    assert map_workers._fix_mmap_threshold() is (platform.libc_ver()[0] == "glibc")
