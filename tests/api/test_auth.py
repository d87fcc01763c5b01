"""Bearer tokens and roles over HTTP, and the token file: hashed at rest, clear errors, dev tokens once."""

from __future__ import annotations

import hashlib

import pytest

from api.tokens import TokenFileError, add_token, ensure_dev_tokens, load_tokens, main as tokens_cli, read_token_file
from tests.api.conftest import TOKEN_NAMES

UNKNOWN = "NO-SUCH-1"
VALID_BODIES = {"comments": {"text": "hello"}, "hand-over": {"team": "finance"}, "priority": {"priority": "urgent"},
                "customer-reply": {"text": "still broken"}}

#: Every protected route and the roles that may use it (ops may use all).
ROUTES = [
    ("POST", "/issues", {"service", "ops"}),
    ("GET", "/issues", {"service", "agent", "ops"}),
    ("GET", f"/issues/{UNKNOWN}", {"service", "agent", "ops"}),
    ("GET", f"/issues/{UNKNOWN}/timeline", {"service", "agent", "ops"}),
    *[("POST", f"/issues/{UNKNOWN}/{a}", {"agent", "ops"})
      for a in ("acknowledge", "comments", "resolve", "escalate", "hold", "resume", "hand-over", "priority")],
    *[("POST", f"/issues/{UNKNOWN}/{a}", {"service", "ops"}) for a in ("customer-reply", "unhappy", "confirm")],
]


def _body(method: str, path: str) -> dict | None:
    if method != "POST":
        return None
    if path == "/issues":
        return {}  # invalid on purpose: allowed callers get 422, so no issue is opened
    return VALID_BODIES.get(path.rsplit("/", 1)[1], {})


async def test_every_route_admits_exactly_its_roles(dev_api):
    for method, path, allowed in ROUTES:
        for role in ("service", "agent", "ops"):
            response = await dev_api.request(method, path, role, json=_body(method, path))
            if role in allowed:
                expected = {"POST /issues": 422, "GET /issues": 200}.get(f"{method} {path}", 404)
                assert response.status_code == expected, (method, path, role, response.text)
            else:
                assert response.status_code == 403, (method, path, role, response.text)
                assert response.json()["error"] == "forbidden" and role in response.json()["detail"]


async def test_no_token_or_an_unknown_one_is_401_on_every_route(dev_api):
    for method, path, _ in ROUTES:
        for headers in ({}, {"Authorization": "Bearer esc_not-a-real-token"}, {"Authorization": "Basic YTpi"},
                        {"Authorization": "Bearer"}):
            response = await dev_api.request(method, path, None, headers=headers, json=_body(method, path))
            assert response.status_code == 401, (method, path, headers, response.text)
            assert response.headers["www-authenticate"] == "Bearer"
            assert response.json()["error"] == "unauthorized"


async def test_who_may_call_is_decided_before_what_was_sent(api):
    # Malformed JSON: still 401 without a token and 403 for the wrong role; only a permitted caller sees 422.
    bad = {"content": b"{not json", "headers": {"Content-Type": "application/json"}}
    assert (await api.post(f"/issues/{UNKNOWN}/comments", None, **bad)).status_code == 401
    assert (await api.post(f"/issues/{UNKNOWN}/comments", "service", **bad)).status_code == 403
    assert (await api.post("/issues", "agent", **bad)).status_code == 403
    response = await api.post(f"/issues/{UNKNOWN}/comments", "agent", **bad)
    assert response.status_code == 422
    error = response.json()["detail"][0]
    assert error["field"] == "body" and "not valid JSON" in error["reason"]


async def test_health_metrics_and_docs_need_no_token(api):
    for path in ("/healthz", "/metrics", "/docs", "/openapi.json"):
        assert (await api.get(path, None)).status_code == 200, path


def test_token_file_holds_hashes_only(tokens):
    text = tokens.path.read_text()
    for token in tokens.by_role.values():
        assert token not in text and hashlib.sha256(token.encode()).hexdigest() in text
    assert oct(tokens.path.stat().st_mode & 0o777) == "0o600"
    store = load_tokens(tokens.path)
    assert store.identify(tokens.by_role["agent2"]).name == TOKEN_NAMES["agent2"]
    assert store.identify(tokens.by_role["agent"] + "x") is None


def test_dev_tokens_are_created_once(tmp_path):
    path = tmp_path / "sub" / "tokens.yaml"
    first = ensure_dev_tokens(path)
    assert set(first) == {"dev-service", "dev-agent", "dev-ops"} and len(set(first.values())) == 3
    store = load_tokens(path)
    assert {name: store.identify(token).role.value for name, token in first.items()} == {
        "dev-service": "service", "dev-agent": "agent", "dev-ops": "ops"}
    assert ensure_dev_tokens(path) is None  # never shown again, never replaced
    assert all(store.identify(token) for token in first.values())


@pytest.mark.parametrize("content, problem", [
    ("tokens: [{name: a, role: boss, sha256: " + "a" * 64 + "}]", "tokens.0.role"),
    ("tokens: [{name: a, role: ops, sha256: short}]", "tokens.0.sha256"),
    ("tokens: [{name: a, role: ops, sha256: " + "a" * 64 + "}, {name: a, role: agent, sha256: " + "b" * 64 + "}]",
     "duplicate token names: a"),
    ("tokens: [{name: a, role: ops, sha256: " + "a" * 64 + ", token: plain}]", "tokens.0.token"),
    ("tokens: [unclosed", "not valid YAML"),
])
def test_a_bad_token_file_names_the_file_and_the_problem(tmp_path, content, problem):
    path = tmp_path / "tokens.yaml"
    path.write_text(content)
    with pytest.raises(TokenFileError) as err:
        read_token_file(path)
    assert str(path) in str(err.value) and problem in str(err.value)


def test_a_missing_token_file_says_how_to_get_one(tmp_path):
    with pytest.raises(TokenFileError, match="make run"):
        load_tokens(tmp_path / "absent.yaml")


def test_tokens_cli_adds_and_lists_without_showing_hashes(tmp_path, capsys):
    path = tmp_path / "tokens.yaml"
    assert tokens_cli(["--file", str(path), "add", "carla", "agent"]) == 0
    token = capsys.readouterr().out.strip()
    assert load_tokens(path).identify(token).name == "carla"
    assert tokens_cli(["--file", str(path), "add", "carla", "ops"]) == 2  # names are unique
    assert "duplicate token names: carla" in capsys.readouterr().err
    assert tokens_cli(["--file", str(path), "list"]) == 0
    assert capsys.readouterr().out == "carla\tagent\n"
    with pytest.raises(TokenFileError):
        add_token(path, "bad name!", "agent")
