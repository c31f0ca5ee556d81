"""The two Lambda assets, built on this machine without Docker or network so `python app.py` synthesizes offline.

- Runtime code: `imagegate_service/` and `prompts/` copied to the asset root (no tests, no CDK, no caches).
- Dependencies layer: jsonschema and its dependencies for Python 3.13 on arm64. jsonschema needs
  `rpds-py`, a compiled extension, so the venv's copy (built for this machine's Python and CPU) cannot be
  shipped. The layer is installed by pip from the pinned wheels committed in `infra/layers/jsonschema/wheels/`
  with `--no-index`, so synthesis never touches the network. Refresh the wheels (network needed) with:

      pip download --only-binary=:all: --platform manylinux2014_aarch64 --implementation cp \
          --python-version 3.13 --abi cp313 -d infra/layers/jsonschema/wheels -r infra/layers/jsonschema/requirements.txt
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import aws_cdk as cdk
import jsii
from aws_cdk import aws_lambda as lambda_

from infra.config import DEPENDENCIES_LAYER_DIR, REPO_ROOT, RUNTIME_CODE_FOLDERS

# Never pulled: local bundling always succeeds, but CDK's API requires an image.
_UNUSED_DOCKER_IMAGE = cdk.DockerImage.from_registry("local-bundling-only")
_NOT_RUNTIME = shutil.ignore_patterns("__pycache__", "*.pyc", ".pytest_cache", "*.egg-info")


@jsii.implements(cdk.ILocalBundling)
class _CopyRuntimeCode:
    def try_bundle(self, output_dir: str, *_options: Any) -> bool:
        for folder in RUNTIME_CODE_FOLDERS:
            shutil.copytree(folder, Path(output_dir) / folder.name, ignore=_NOT_RUNTIME, dirs_exist_ok=True)
        return True


@jsii.implements(cdk.ILocalBundling)
class _InstallPinnedWheels:
    def try_bundle(self, output_dir: str, *_options: Any) -> bool:
        subprocess.run(
            [sys.executable, "-m", "pip", "install", "--isolated", "--quiet", "--disable-pip-version-check",
             "--no-compile", "--no-index", "--find-links", str(DEPENDENCIES_LAYER_DIR / "wheels"),
             "--only-binary=:all:", "--platform", "manylinux2014_aarch64", "--implementation", "cp",
             "--python-version", "3.13", "--abi", "cp313",
             "--target", str(Path(output_dir) / "python"),  # layers put Python packages under python/
             "-r", str(DEPENDENCIES_LAYER_DIR / "requirements.txt")],
            check=True,
        )
        # pip's console scripts point at this machine's interpreter; Lambda never runs them.
        shutil.rmtree(Path(output_dir) / "python" / "bin", ignore_errors=True)
        return True


def runtime_code() -> lambda_.Code:
    # OUTPUT hashing: the asset's identity is what ships, not the whole repository it was copied from.
    return lambda_.Code.from_asset(
        str(REPO_ROOT),
        asset_hash_type=cdk.AssetHashType.OUTPUT,
        bundling=cdk.BundlingOptions(image=_UNUSED_DOCKER_IMAGE, local=_CopyRuntimeCode()),
    )


def dependencies_layer_code() -> lambda_.Code:
    # SOURCE hashing: the pinned wheels and requirements fully determine the layer.
    return lambda_.Code.from_asset(
        str(DEPENDENCIES_LAYER_DIR),
        bundling=cdk.BundlingOptions(image=_UNUSED_DOCKER_IMAGE, local=_InstallPinnedWheels()),
    )
