#!/usr/bin/env python3
"""CDK entry point (`python app.py`, or `cdk synth` through cdk.json): synthesizes cdk.out/ offline,
with cdk-nag's AWS Solutions checks; exits non-zero while any finding is unsuppressed, or when the
context asks for something the stack refuses (a retired model, a model not offered in the target region)."""

import sys

from infra.config import ContextError
from infra.layer import LayerBuildError
from infra.stack import build_app, unsuppressed_errors

if __name__ == "__main__":
    try:
        app, stack = build_app()
    except (ContextError, LayerBuildError) as error:
        print(f"error: {error}", file=sys.stderr)
        sys.exit(1)
    for note in stack.notes:
        print(f"note: {note}", file=sys.stderr)
    errors = unsuppressed_errors(app.synth())
    for error in errors:
        print(f"error: {error}", file=sys.stderr)
    sys.exit(1 if errors else 0)
