"""The Dockerfile without a Docker engine: parsed with Docker's own parser (the `dockerfile` package), its
build context computed from .dockerignore, and its install step run for real (`pip wheel` of that context)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import dockerfile
import pytest
from setuptools import find_packages

from config.settings import PROJECT_ROOT

INSTRUCTIONS = dockerfile.parse_file(str(PROJECT_ROOT / "Dockerfile"))
KNOWN = {"FROM", "RUN", "CMD", "LABEL", "EXPOSE", "ENV", "ADD", "COPY", "ENTRYPOINT", "VOLUME", "USER", "WORKDIR",
         "ARG", "ONBUILD", "STOPSIGNAL", "HEALTHCHECK", "SHELL"}
PYPROJECT = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text())
ENTRY_MODULES = ("workers/main.py", "api/__main__.py", "codec/server.py", "deploy/bootstrap.py",
                 "deploy/healthcheck.py", "deploy/setup_cluster.py", "codec/keys.py", "api/tokens.py")


def named(cmd: str) -> list[dockerfile.Command]:
    return [i for i in INSTRUCTIONS if i.cmd == cmd]


def ignore_patterns() -> list[str]:
    lines = (PROJECT_ROOT / ".dockerignore").read_text().splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


def _regex(pattern: str) -> re.Pattern[str]:
    """A .dockerignore pattern: `**` any number of directories, `*` and `?` within one path element."""
    out, i = "", 0
    while i < len(pattern):
        if pattern.startswith("**/", i):
            out, i = out + "(?:.*/)?", i + 3
        elif pattern.startswith("**", i):
            out, i = out + ".*", i + 2
        elif pattern[i] == "*":
            out, i = out + "[^/]*", i + 1
        elif pattern[i] == "?":
            out, i = out + "[^/]", i + 1
        else:
            out, i = out + re.escape(pattern[i]), i + 1
    return re.compile(out)


def ignored(relative: str, patterns: list[str]) -> bool:
    """Docker's rule: the last matching pattern wins; a pattern matching a directory covers what is in it."""
    parts = relative.split("/")
    candidates = ["/".join(parts[:n]) for n in range(1, len(parts) + 1)]
    verdict = False
    for pattern in patterns:
        negate = pattern.startswith("!")
        regex = _regex(pattern.lstrip("!").strip("/"))
        if any(regex.fullmatch(c) for c in candidates):
            verdict = not negate
    return verdict


def build_context() -> list[str]:
    """What `docker build .` sends: every file of the repository less what .dockerignore excludes."""
    patterns, files = ignore_patterns(), []
    for folder, subfolders, names in os.walk(PROJECT_ROOT):
        base = Path(folder).relative_to(PROJECT_ROOT).as_posix().removeprefix(".")
        subfolders[:] = [d for d in subfolders if not ignored(f"{base}/{d}".lstrip("/"), patterns)]
        files += [f"{base}/{n}".lstrip("/") for n in names if not ignored(f"{base}/{n}".lstrip("/"), patterns)]
    return sorted(files)


def test_parses_with_known_instructions_only():
    assert INSTRUCTIONS and {i.cmd for i in INSTRUCTIONS} <= KNOWN


def test_base_image_is_a_pinned_python_311_slim():
    [base] = named("FROM")
    assert re.fullmatch(r"python:3\.11\.\d+-slim(-[a-z]+)?", base.value[0]), base.value


def test_runs_as_a_non_root_user_created_in_the_image():
    user = named("USER")[-1]
    assert user.value[0] not in ("root", "0") and INSTRUCTIONS.index(user) > INSTRUCTIONS.index(named("RUN")[-1])
    creates = " ".join(v for run in named("RUN") for v in run.value)
    assert re.search(rf"useradd\b[^&]*\b{re.escape(user.value[0])}\b", creates)
    assert "ESCALATION_DATA_DIR" in {v for env in named("ENV") for v in env.value}


def test_default_command_is_the_worker_and_stops_on_sigterm():
    [cmd] = named("CMD")
    assert cmd.json and list(cmd.value) == ["python", "-m", "workers.main"]
    assert named("STOPSIGNAL")[0].value == ("SIGTERM",)


def test_dependencies_are_pinned_for_a_reproducible_image():
    for requirement in PYPROJECT["project"]["dependencies"]:
        assert re.fullmatch(r"[A-Za-z0-9._-]+==[\w.]+", requirement), requirement


def test_build_context_is_the_code_not_the_local_state():
    context = build_context()
    assert "pyproject.toml" in context and "workers/main.py" in context and "policy/default.yaml" in context
    for local in (".venv/", ".git/", ".data/", "tests/", ".pytest_cache/"):
        assert not any(f.startswith(local) for f in context), local
    assert not any("__pycache__" in f or f.endswith(".pyc") for f in context)
    assert ignored("a/b/__pycache__/x.pyc", ["**/__pycache__"]) and not ignored("api/app.py", ["*.py"])


@pytest.mark.timeout(240)
def test_the_install_step_builds_a_complete_wheel(tmp_path):
    """`COPY . .` then `pip install .`: build the wheel of exactly that context (isolated, as in the image) and look inside."""
    [copy] = [c for c in named("COPY") if c.value == (".", ".")]
    after_copy = [i for i in INSTRUCTIONS[INSTRUCTIONS.index(copy):] if i.cmd == "RUN"]
    assert any("pip install ." in " ".join(run.value) for run in after_copy)
    source = tmp_path / "src"
    context = build_context()
    for relative in context:
        (source / relative).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(PROJECT_ROOT / relative, source / relative)
    wheels = tmp_path / "wheels"
    done = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet",
                           "--wheel-dir", str(wheels), str(source)], capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stderr[-3000:]
    [wheel] = wheels.glob("escalation_engine-*.whl")
    shipped = set(zipfile.ZipFile(wheel).namelist())
    packages = find_packages(str(source), include=PYPROJECT["tool"]["setuptools"]["packages"]["find"]["include"])
    assert {"workers", "api", "codec", "deploy", "policy", "notifications"} <= set(packages)
    missing = []
    for package in packages:
        folder = source / package.replace(".", "/")
        for path in folder.rglob("*"):
            relative = path.relative_to(source).as_posix()
            in_subpackage = any((p / "__init__.py").exists() for p in path.parents if p != folder and folder in p.parents)
            if path.is_file() and not in_subpackage and relative not in shipped:
                missing.append(relative)
    assert not missing, f"files the image would lack (add them to package-data in pyproject.toml): {missing}"
    assert all(module in shipped for module in ENTRY_MODULES)
