"""The functions' Lambda runtime (Python version, architecture) and their dependencies layer, built from a
hashed lock file. No CDK here: `make layer` runs this module before synthesis, and infra/assets.py calls
`ensure_built` so a bare `python app.py` builds it too.

- `infra/layers/dependencies/requirements.in`: what the functions import beyond boto3 (in the runtime) and
  Powertools (its public layer).
- `requirements.lock`: every distribution pinned with its sha256 hashes, compiled for this runtime by
  `python -m infra.layer lock` (`make layer-lock`, needs uv and the package index).
- `python -m infra.layer build` (`make layer`): `pip install --require-hashes --only-binary=:all:` for the
  runtime's platform into build/layer/python/. The same lock gives the same files; a stamp beside the folder
  records the fingerprint (lock, Python version, platform) it was built from, so an unchanged lock is not
  installed again.
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent

# The functions' runtime. Python 3.13 runs on Amazon Linux 2023; the public Powertools layer is published
# per Python version and architecture (its name carries both), so all three move together.
LAMBDA_PYTHON_VERSION = "3.13"
LAMBDA_ARCHITECTURE = "arm64"  # Graviton: "arm64" or "x86_64", the names Lambda uses
# manylinux2014 (glibc 2.17) wheels load on every Lambda Python runtime; the same platform for pip and uv.
_PIP_PLATFORMS = {"arm64": "manylinux2014_aarch64", "x86_64": "manylinux2014_x86_64"}
_UV_PLATFORMS = {"arm64": "aarch64-manylinux2014", "x86_64": "x86_64-manylinux2014"}

SOURCE_DIR = Path(__file__).resolve().parent / "layers" / "dependencies"
REQUIREMENTS_IN = SOURCE_DIR / "requirements.in"
REQUIREMENTS_LOCK = SOURCE_DIR / "requirements.lock"
BUILD_DIR = REPO_ROOT / "build" / "layer"  # the layer asset: python/ inside it, as Lambda expects
STAMP = REPO_ROOT / "build" / "layer.stamp"
LOCK_COMMAND = "make layer-lock"


class LayerBuildError(RuntimeError):
    """The layer could not be built; the message says what to do."""


def runtime_name() -> str:
    """The Lambda runtime identifier, e.g. python3.13."""
    return f"python{LAMBDA_PYTHON_VERSION}"


def pip_platform() -> str:
    return _PIP_PLATFORMS[LAMBDA_ARCHITECTURE]


def abi() -> str:
    return "cp" + LAMBDA_PYTHON_VERSION.replace(".", "")


def fingerprint(lock: Path = REQUIREMENTS_LOCK) -> str:
    """What the built layer is a function of: the lock's bytes, the target runtime and this recipe."""
    digest = hashlib.sha256(lock.read_bytes())
    digest.update(f"\0{LAMBDA_PYTHON_VERSION}\0{pip_platform()}\0{abi()}\0".encode())
    digest.update(Path(__file__).read_bytes())
    return digest.hexdigest()


def install_command(target: Path, lock: Path = REQUIREMENTS_LOCK) -> list[str]:
    """pip installing exactly the locked wheels for the runtime's platform: every file's hash checked, no
    source builds, no dependency the lock does not list."""
    return [
        sys.executable,
        "-m",
        "pip",
        "install",
        "--quiet",
        "--disable-pip-version-check",
        "--no-compile",
        "--require-hashes",
        "--no-deps",
        "--only-binary=:all:",
        "--platform",
        pip_platform(),
        "--implementation",
        "cp",
        "--python-version",
        LAMBDA_PYTHON_VERSION,
        "--abi",
        abi(),
        "--target",
        str(target),
        "-r",
        str(lock),
    ]


def lock_command(uv: str = "uv") -> list[str]:
    """uv compiling requirements.in for the runtime, with every distribution's hashes."""
    return [
        uv,
        "pip",
        "compile",
        str(REQUIREMENTS_IN.relative_to(REPO_ROOT)),
        "--generate-hashes",
        "--python-version",
        LAMBDA_PYTHON_VERSION,
        "--python-platform",
        _UV_PLATFORMS[LAMBDA_ARCHITECTURE],
        "--only-binary",
        ":all:",
        "--no-python-downloads",
        "--custom-compile-command",
        LOCK_COMMAND,
        "--output-file",
        str(REQUIREMENTS_LOCK.relative_to(REPO_ROOT)),
    ]


def is_current(build_dir: Path = BUILD_DIR, stamp: Path = STAMP, lock: Path = REQUIREMENTS_LOCK) -> bool:
    return (
        (build_dir / "python").is_dir()
        and stamp.is_file()
        and stamp.read_text(encoding="utf-8").strip() == fingerprint(lock)
    )


def ensure_built(
    build_dir: Path = BUILD_DIR,
    stamp: Path = STAMP,
    lock: Path = REQUIREMENTS_LOCK,
    run: Callable[[list[str]], None] | None = None,
) -> Path:
    """The built layer folder; installs the lock first unless the stamp says it is already built from it.
    Installs into a fresh folder and swaps it in only when pip succeeded: never a half-built layer."""
    if is_current(build_dir, stamp, lock):
        return build_dir
    run = run or _run
    build_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix="layer-", dir=build_dir.parent))
    try:
        run(install_command(staging / "python", lock))
        _drop_console_scripts(staging / "python")
        stamp.unlink(missing_ok=True)
        shutil.rmtree(build_dir, ignore_errors=True)
        staging.rename(build_dir)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    stamp.write_text(fingerprint(lock) + "\n", encoding="utf-8")
    return build_dir


def _drop_console_scripts(site: Path) -> None:
    """pip's console scripts name this machine's interpreter (so two checkouts would build two layers, and their
    RECORD lines differ too); Lambda never runs them. Removed, and their RECORD lines with them."""
    shutil.rmtree(site / "bin", ignore_errors=True)
    for record in site.glob("*.dist-info/RECORD"):
        lines = record.read_text(encoding="utf-8").splitlines(keepends=True)
        record.write_text("".join(line for line in lines if not line.startswith("../../bin/")), encoding="utf-8")


def _run(command: list[str]) -> None:
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode:
        detail = (result.stderr or result.stdout).strip().splitlines()
        raise LayerBuildError(
            f"building the Lambda dependencies layer from {REQUIREMENTS_LOCK.relative_to(REPO_ROOT)} failed "
            f"(pip exit {result.returncode}: {detail[-1] if detail else 'no output'}). It needs the package index; "
            f"after editing requirements.in run `{LOCK_COMMAND}`."
        )


def main(argv: list[str] | None = None) -> int:
    command = (argv if argv is not None else sys.argv[1:]) or ["build"]
    if command == ["build"]:
        try:
            print(ensure_built())
            STAMP.touch()  # newer than the lock for make, also when the layer was already current
        except LayerBuildError as error:
            print(f"error: {error}", file=sys.stderr)
            return 1
        return 0
    if command == ["lock"]:
        uv = shutil.which("uv") or str(Path(sys.executable).with_name("uv"))
        if not Path(uv).is_file():
            print("error: the lock is compiled with uv: `pip install uv` (or put it on PATH)", file=sys.stderr)
            return 1
        return subprocess.run(lock_command(uv), cwd=REPO_ROOT, check=False).returncode
    print("usage: python -m infra.layer [build|lock]", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
