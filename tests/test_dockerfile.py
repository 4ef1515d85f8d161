"""The image's promises, read from the Dockerfile and the compose file (no Docker engine runs
here; ``make test`` also lints the Dockerfile with hadolint)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HADOLINT = Path(sys.executable).with_name("hadolint")


def _stages() -> dict[str, str]:
    text = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    parts = re.split(r"^FROM\s+\S+\s+AS\s+(\w+)\s*$", text, flags=re.MULTILINE)
    return dict(zip(parts[1::2], parts[2::2], strict=True))


def test_the_runtime_stage_copies_a_built_environment_and_runs_as_a_user():
    stages = _stages()
    assert list(stages) == ["build", "runtime"]
    build, runtime = stages["build"], stages["runtime"]
    # Dependencies are installed before the code is copied, so a code change reuses them.
    assert build.index("pip install --requirement") < build.index("COPY skillgraph")
    assert "skillgraph setup" in build  # models and index baked in: the container is offline
    assert "pip install" not in runtime and "torch" not in runtime
    assert "COPY --from=build /opt/venv /opt/venv" in runtime
    user = re.search(r"^USER\s+(\S+)", runtime, flags=re.MULTILINE)
    assert user and user.group(1) not in ("root", "0")
    assert re.search(
        r"^HEALTHCHECK .*127\.0\.0\.1:%s/health' % os\.environ\.get\('SKILLGRAPH_API__PORT'",
        runtime,
        re.MULTILINE | re.DOTALL,
    )


def test_the_build_installs_no_train_extra():
    requirements = re.search(
        r"\['dependencies'\] \+ p\['optional-dependencies'\]\['(\w+)'\]", _stages()["build"]
    )
    assert requirements and requirements.group(1) == "procedure"


def test_compose_runs_the_api_beside_an_oxigraph_server():
    text = (ROOT / "docker-compose.yml").read_text(encoding="utf-8")
    block = text.split("\nservices:\n", 1)[1].split("\nvolumes:\n", 1)[0]
    services = re.findall(r"^  (\w+):$", block, flags=re.MULTILINE)
    assert services == ["api", "oxigraph"]
    assert "SKILLGRAPH_STORE__URL: http://oxigraph:7878" in text


def test_hadolint_finds_nothing():
    result = subprocess.run(
        [str(HADOLINT), str(ROOT / "Dockerfile")], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
