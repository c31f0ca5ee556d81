#!/usr/bin/env python3
"""CDK entry point (`python app.py`, or `cdk synth` through cdk.json): synthesizes cdk.out/ offline,
with cdk-nag's AWS Solutions checks; exits non-zero while any finding is unsuppressed."""

import sys

from infra.stack import build_app, unsuppressed_errors

if __name__ == "__main__":
    app, _ = build_app()
    errors = unsuppressed_errors(app.synth())
    for error in errors:
        print(f"error: {error}", file=sys.stderr)
    sys.exit(1 if errors else 0)
