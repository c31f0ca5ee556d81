"""The two Lambda assets, made on this machine without Docker, so `python app.py` synthesizes without AWS.

- Runtime code: `imagegate_service/` and `prompts/` copied to the asset root (no tests, no CDK, no caches).
- Dependencies layer: build/layer/, installed from the hashed lock file for the functions' Python and
  architecture by infra/layer.py (`make layer`; built here first when missing or older than the lock).
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import aws_cdk as cdk
import jsii
from aws_cdk import aws_lambda as lambda_

from infra import layer
from infra.config import REPO_ROOT, RUNTIME_CODE_FOLDERS

# Never pulled: local bundling always succeeds, but CDK's API requires an image.
_UNUSED_DOCKER_IMAGE = cdk.DockerImage.from_registry("local-bundling-only")
_NOT_RUNTIME = shutil.ignore_patterns("__pycache__", "*.pyc", ".pytest_cache", "*.egg-info")


@jsii.implements(cdk.ILocalBundling)
class _CopyRuntimeCode:
    def try_bundle(self, output_dir: str, *_options: Any) -> bool:
        for folder in RUNTIME_CODE_FOLDERS:
            shutil.copytree(folder, Path(output_dir) / folder.name, ignore=_NOT_RUNTIME, dirs_exist_ok=True)
        return True


def runtime_code() -> lambda_.Code:
    # OUTPUT hashing: the asset's identity is what ships, not the whole repository it was copied from.
    return lambda_.Code.from_asset(
        str(REPO_ROOT),
        asset_hash_type=cdk.AssetHashType.OUTPUT,
        bundling=cdk.BundlingOptions(image=_UNUSED_DOCKER_IMAGE, local=_CopyRuntimeCode()),
    )


def dependencies_layer_code() -> lambda_.Code:
    # SOURCE hashing of the built folder: the same lock gives the same files, so the same asset.
    return lambda_.Code.from_asset(str(layer.ensure_built()))
