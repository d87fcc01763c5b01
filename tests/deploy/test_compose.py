"""docker-compose.yml, checked without a Docker engine: the compose specification (the compose_spec parser)
and the invariants the production profile relies on."""

from __future__ import annotations

import importlib.util
import re
from datetime import timedelta

import pytest
import yaml
from compose_spec import PyOptions

from config.settings import PROJECT_ROOT, Settings
from policy.durations import parse_duration

COMPOSE_TEXT = (PROJECT_ROOT / "docker-compose.yml").read_text()
SERVICES: dict[str, dict] = yaml.safe_load(COMPOSE_TEXT)["services"]
APP = {name: spec for name, spec in SERVICES.items() if "build" in spec}  # our own image
ONE_SHOT = {name for name, spec in SERVICES.items() if spec.get("restart") == "no"}


def settings_field(env_name: str) -> str:
    return env_name.removeprefix("ESCALATION_").lower()


def published(service: str) -> list[tuple[str, int, int]]:
    """(host ip, host port, container port) of a service's published ports."""
    out = []
    for port in SERVICES[service].get("ports", []):
        ip, host, container = str(port).split(":")
        out.append((ip, int(host), int(container)))
    return out


def test_valid_per_the_compose_specification():
    compose = PyOptions(apply_merge=True).from_yaml(COMPOSE_TEXT)  # unknown keys, bad values: ValueError
    compose.validate()  # volumes, networks, configs and secrets that services use are declared
    assert sorted(compose.service_names()) == sorted(SERVICES)


def test_the_stack_has_every_part():
    assert {"postgresql", "temporal-schema", "temporal", "setup", "temporal-ui", "worker", "api", "codec",
            "mailpit"} <= set(SERVICES)
    assert SERVICES["temporal"]["environment"]["DB"] == "postgres12"
    assert "admin-tools" in SERVICES["temporal-schema"]["image"]


def test_every_image_is_pinned_and_ours_is_built_from_the_repository():
    version = re.search(r'^version = "([^"]+)"', (PROJECT_ROOT / "pyproject.toml").read_text(), re.M).group(1)
    for name, spec in SERVICES.items():
        repository, _, tag = spec["image"].rpartition(":")
        assert repository and re.fullmatch(r"v?\d+\.\d+(\.\d+)?(-[a-z0-9.]+)?", tag), f"{name}: {spec['image']}"
    assert {spec["image"] for spec in APP.values()} == {f"escalation-engine:{version}"}
    assert {spec["build"] for spec in APP.values()} == {"."}


def test_long_running_services_have_health_checks():
    for name, spec in SERVICES.items():
        if name not in ONE_SHOT:
            test = spec.get("healthcheck", {}).get("test")
            assert test and test[0] in ("CMD", "CMD-SHELL"), f"{name} has no health check"


def test_start_order_waits_on_conditions_that_can_hold():
    for name, spec in SERVICES.items():
        for target, rule in spec.get("depends_on", {}).items():
            assert target in SERVICES and target != name, f"{name} depends on {target}"
            condition = rule["condition"]
            if condition == "service_healthy":
                assert "healthcheck" in SERVICES[target], f"{name} waits for {target} to be healthy: it has no check"
            else:
                assert condition == "service_completed_successfully" and target in ONE_SHOT, f"{name} -> {target}"
    order: list[str] = []  # every service can start: no cycles
    pending = dict(SERVICES)
    while pending:
        ready = [n for n, s in pending.items() if set(s.get("depends_on", {})) <= set(order)]
        assert ready, f"dependency cycle among {sorted(pending)}"
        order += ready
        for n in ready:
            del pending[n]
    assert order.index("setup") < min(order.index(n) for n in ("worker", "api", "codec", "temporal-ui"))


def test_the_worker_scales_and_stops_gracefully():
    worker = SERVICES["worker"]
    assert "container_name" not in worker and "ports" not in worker  # --scale worker=N must work
    assert worker["deploy"]["replicas"] >= 2
    main = (PROJECT_ROOT / "workers" / "main.py").read_text()
    found = re.search(r"graceful_shutdown_timeout=timedelta\(seconds=(\d+)\)", main)
    assert found, "workers/main.py no longer sets graceful_shutdown_timeout: update this check and the compose file"
    assert parse_duration(worker["stop_grace_period"]) > timedelta(seconds=int(found.group(1)))
    assert parse_duration(SERVICES["api"]["stop_grace_period"]) >= timedelta(seconds=10)


def test_published_ports_stay_on_loopback():
    for name in SERVICES:
        for ip, _, _ in published(name):
            assert ip == "127.0.0.1", f"{name} publishes on {ip}"


@pytest.mark.parametrize("service", sorted(APP))
def test_app_environment_is_valid_settings(service, monkeypatch):
    env = APP[service]["environment"]
    for name, value in env.items():
        assert name.startswith("ESCALATION_") and settings_field(name) in Settings.model_fields, name
        monkeypatch.setenv(name, str(value))
    settings = Settings()  # the values validate, e.g. the JSON list of CORS origins
    host, port = settings.temporal_address.rsplit(":", 1)
    assert host == "temporal" and int(port) == 7233
    assert settings.codec_key_file is not None, "payload encryption is on in the compose profile"
    mounts = {m.split(":")[1] for m in APP[service]["volumes"]}
    for path in (settings.codec_key_file, settings.token_path, settings.data_dir):
        assert any(str(path).startswith(mount) for mount in mounts), f"{service}: {path} is not on a volume"


def test_the_ui_decodes_through_the_codec_server():
    ui, codec = SERVICES["temporal-ui"]["environment"], SERVICES["codec"]["environment"]
    [(_, codec_port, codec_container_port)] = published("codec")
    [(_, ui_port, _)] = published("temporal-ui")
    assert ui["TEMPORAL_CODEC_ENDPOINT"] == f"http://localhost:{codec_port}"
    assert ui["TEMPORAL_CODEC_INCLUDE_CREDENTIALS"] == "true"  # the login cookie travels with the requests
    assert int(codec["ESCALATION_CODEC_PORT"]) == codec_container_port and codec["ESCALATION_CODEC_HOST"] == "0.0.0.0"
    assert f"http://localhost:{ui_port}" in yaml.safe_load(codec["ESCALATION_CODEC_CORS_ORIGINS"])
    assert ui["TEMPORAL_DEFAULT_NAMESPACE"] == codec["ESCALATION_TEMPORAL_NAMESPACE"]


def test_our_services_run_modules_that_exist():
    checks = [spec["healthcheck"]["test"][1:] for spec in APP.values() if "healthcheck" in spec]
    commands = [spec["command"] for spec in APP.values()] + [c for c in checks if c[:2] == ["python", "-m"]]
    assert ["python", "-m", "deploy.healthcheck"] in commands
    for command in commands:
        assert command[:2] == ["python", "-m"], command
        module = command[2]
        spec = importlib.util.find_spec(module)
        assert spec is not None, module
        if spec.submodule_search_locations:  # a package runs its __main__
            assert importlib.util.find_spec(f"{module}.__main__") is not None, module


def test_files_mounted_from_the_repository_exist_and_make_sense():
    for name, spec in SERVICES.items():
        for mount in spec.get("volumes", []):
            source = mount.split(":")[0]
            if source.startswith("./"):
                assert (PROJECT_ROOT / source).exists(), f"{name}: {source}"
    script = (PROJECT_ROOT / "deploy" / "postgres" / "setup-schema.sh").read_text()
    assert script.startswith("#!/bin/sh\n") and "set -eu" in script and "update-schema" in script
    dynamic = SERVICES["temporal"]["environment"]["DYNAMIC_CONFIG_FILE_PATH"]
    config = yaml.safe_load((PROJECT_ROOT / "deploy" / "dynamicconfig" / dynamic.rsplit("/", 1)[1]).read_text())
    assert config and all(isinstance(v, list) and all(set(c) == {"value", "constraints"} for c in v)
                          for v in config.values())
