"""docker-compose.yml, its GPU override and the Procfile, checked statically (no Docker engine in CI)."""

import importlib.util
import shlex
import tomllib
from pathlib import Path

import yaml

from services.augment.config import ServiceSettings
from shared.queues import Queue
from shared.settings import ENV_PREFIX

ROOT = Path(__file__).resolve().parents[1]
KNOWN_SETTINGS = {ENV_PREFIX + field.upper() for field in ServiceSettings.model_fields}
EXTRAS = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["optional-dependencies"]


def load(name: str) -> dict:  # type: ignore[type-arg]
    return yaml.safe_load((ROOT / name).read_text())


def module_exists(dotted: str) -> bool:
    return importlib.util.find_spec(dotted) is not None


def check_command(command: list[str], dockerfile: str = "") -> None:
    """Every program and module a command names exists, and its image installs what it needs."""
    program = Path(command[0]).name
    assert program in {"alembic", "uvicorn", "celery"}, command
    if program == "alembic":
        assert (ROOT / "alembic.ini").is_file()
    if program == "uvicorn":
        module, _, attribute = command[1].partition(":")
        assert module_exists(module) and attribute == "app"
    if program == "celery":
        app_module = command[command.index("-A") + 1]
        assert module_exists(app_module)
        if "-Q" in command:
            assert all(
                q in {queue.value for queue in Queue} for q in command[command.index("-Q") + 1].split(",")
            )
        if "flower" in command:
            assert "ops" in EXTRAS and any(dep.startswith("flower") for dep in EXTRAS["ops"])
            assert "requirements/worker.txt" in dockerfile and "flower" in locked("worker")


def test_services_images_and_dependencies() -> None:
    services = load("docker-compose.yml")["services"]
    assert {"postgres", "redis", "migrate", "api", "worker-en", "worker-ja", "worker-train", "flower"} <= set(
        services
    )
    for name, service in services.items():
        assert "image" in service or "build" in service, name
        if "build" in service:
            assert (ROOT / service["build"]["context"] / service["build"]["dockerfile"]).is_file(), name
        if name not in {"postgres", "redis", "migrate", "flower"}:
            assert "healthcheck" in service, name
    assert services["migrate"]["depends_on"]["postgres"]["condition"] == "service_healthy"
    for name in ("api", "worker-en", "worker-ja", "worker-train"):
        assert services[name]["depends_on"]["migrate"]["condition"] == "service_completed_successfully"


def test_commands_and_settings_exist() -> None:
    services = load("docker-compose.yml")["services"]
    for name, service in services.items():
        for key in service.get("environment", {}) or {}:
            if key.startswith(ENV_PREFIX):
                assert key in KNOWN_SETTINGS, f"{name}: unknown setting {key}"
        if "command" in service and "build" in service:
            dockerfile = (ROOT / service["build"]["dockerfile"]).read_text()
            command = service["command"]
            check_command(command if isinstance(command, list) else shlex.split(command), dockerfile)


def test_api_image_has_no_torch_and_workers_do() -> None:
    services = load("docker-compose.yml")["services"]
    api_dockerfile = (ROOT / services["api"]["build"]["dockerfile"]).read_text()
    assert "pip install -r requirements/api.txt" in api_dockerfile
    assert "pip install --no-deps -e ." in api_dockerfile  # the lock decides every version
    assert not {"torch", "transformers", "scikit-learn"} & set(locked("api"))
    worker_dockerfile = (ROOT / services["worker-en"]["build"]["dockerfile"]).read_text()
    assert "pip install -r requirements/worker.txt" in worker_dockerfile
    assert {"torch", "transformers", "scikit-learn"} <= set(locked("worker"))
    assert any(dep.startswith("torch==") for dep in EXTRAS["augment"])


def locked(name: str) -> dict[str, str]:
    """requirements/NAME.txt as {package: exact version}."""
    pins = {}
    for line in (ROOT / "requirements" / f"{name}.txt").read_text().splitlines():
        if line and not line.startswith((" ", "#")):
            package, _, version = line.partition("==")
            pins[package.strip().lower()] = version.strip()
    return pins


def test_locks_pin_every_dependency_exactly_and_agree() -> None:
    """Each lock covers what pyproject.toml asks for its image, with one exact version per package."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]

    def names(deps: list[str]) -> set[str]:
        return {dep.split("[")[0].split(">")[0].split("=")[0].split("<")[0].strip().lower() for dep in deps}

    core = names(project["dependencies"])
    wanted = {
        "api": core,
        "worker": core | names(EXTRAS["augment"] + EXTRAS["train"] + EXTRAS["ops"]),
        "dev": core | names([dep for extra in EXTRAS.values() for dep in extra]),
    }
    locks = {name: locked(name) for name in wanted}
    for name, packages in wanted.items():
        assert packages <= set(locks[name]), (name, packages - set(locks[name]))
        assert all(version and "*" not in version for version in locks[name].values()), name
    for image in ("api", "worker"):  # one version of a package across images
        for package, version in locks[image].items():
            assert locks["dev"].get(package, version) == version, (image, package)
    assert locks["worker"]["torch"] == "2.13.0"  # the CPU build on disk, never a newer CUDA one


def test_gpu_override_names_known_services_and_settings() -> None:
    base = load("docker-compose.yml")["services"]
    override = load("docker-compose.gpu.yml")["services"]
    for name, service in override.items():
        assert name in base
        assert service["deploy"]["resources"]["reservations"]["devices"][0]["capabilities"] == ["gpu"]
        assert service["environment"]["ROUNDTRIP_DEVICE"] == "cuda"
        assert set(k for k in service["environment"] if k.startswith(ENV_PREFIX)) <= KNOWN_SETTINGS


def test_procfile_runs_the_same_programs_natively() -> None:
    lines = [line for line in (ROOT / "Procfile").read_text().splitlines() if not line.startswith("#")]
    entries = dict(line.split(": ", 1) for line in lines if ": " in line)
    assert {"api", "worker-en", "worker-ja", "worker-train"} <= set(entries)
    for command in entries.values():
        check_command(shlex.split(command))


def test_worker_health_checks_ping_the_node_names_their_commands_start() -> None:
    """`celery inspect ping -d NAME` only answers for the node name the worker was started with."""
    services = load("docker-compose.yml")["services"]
    checked = 0
    for name, service in services.items():
        command = service.get("command")
        if not isinstance(command, list) or "worker" not in command or "-n" not in command:
            continue
        node = command[command.index("-n") + 1].replace("%h", "$$HOSTNAME")
        check = shlex.split(service["healthcheck"]["test"][1])
        assert check[check.index("-d") + 1] == node, name
        assert check[check.index("-A") + 1] == command[command.index("-A") + 1], name
        checked += 1
    assert checked == 3  # worker-en, worker-ja, worker-train
