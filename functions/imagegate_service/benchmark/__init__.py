"""Benchmark library: suites in (suites.py), metrics (metrics.py) and a report (report.py: report.json and
report.html from templates/) out; limits.py checks that one benchmark execution can hold a suite.
Import the module you need: the package itself loads nothing."""
