"""Key configuration: from settings and from the key file, the rotation commands, clear errors, no leaks."""

from __future__ import annotations

import base64
import stat

import pytest
from pydantic import SecretStr

from codec.keys import CodecKeyError, KeyRing, keyring_from_settings, main as keys_cli, read_key_file
from config.settings import Settings

KEY_A = base64.b64encode(b"a" * 32).decode()
KEY_B = base64.b64encode(b"b" * 32).decode()


def env_keys(**keys: str) -> dict[str, SecretStr]:
    return {k: SecretStr(v) for k, v in keys.items()}


def test_no_key_means_no_encryption_and_one_key_is_active():
    assert keyring_from_settings(Settings()) is None
    ring = keyring_from_settings(Settings(codec_keys=env_keys(k1=KEY_A)))
    assert ring == KeyRing(active="k1", keys={"k1": b"a" * 32})


@pytest.mark.parametrize(("settings", "message"), [
    (dict(codec_keys=env_keys(k1=KEY_A, k2=KEY_B)), "2 codec keys and no active one"),
    (dict(codec_keys=env_keys(k1=KEY_A), codec_active_key="k9"), "active codec key 'k9' is not among"),
    (dict(codec_keys=env_keys(k1=base64.b64encode(b"short").decode())), "'k1' has 5 bytes; it must be 32"),
    (dict(codec_keys=env_keys(k1="not base64!")), "'k1' is not valid base64"),
    (dict(codec_keys=env_keys(**{"bad id": KEY_A})), "key id 'bad id' is not valid"),
    (dict(codec_active_key="k1"), "there are no codec keys"),
])
def test_bad_key_settings_are_refused_clearly_without_showing_keys(settings, message):
    with pytest.raises(CodecKeyError, match=message) as caught:
        keyring_from_settings(Settings(**settings))
    assert KEY_A not in str(caught.value) and KEY_B not in str(caught.value)


def test_a_configured_but_missing_key_file_is_an_error_never_plaintext(tmp_path):
    with pytest.raises(CodecKeyError, match="no codec key file; `python -m codec.keys init`"):
        keyring_from_settings(Settings(codec_key_file=tmp_path / "missing.yaml"))


def test_rotation_with_the_key_file_commands(tmp_path, capsys):
    path = tmp_path / "keys" / "codec-keys.yaml"
    assert keys_cli(["--file", str(path), "init"]) == 0
    first = read_key_file(path).active
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert keys_cli(["--file", str(path), "init"]) == 0 and read_key_file(path).active == first  # idempotent
    assert keys_cli(["--file", str(path), "add", "next"]) == 0
    ring = keyring_from_settings(Settings(codec_key_file=path))
    assert ring.active == first and set(ring.keys) == {first, "next"}  # added, not yet encrypting
    assert keys_cli(["--file", str(path), "activate", "next"]) == 0
    assert keyring_from_settings(Settings(codec_key_file=path)).active == "next"
    capsys.readouterr()
    assert keys_cli(["--file", str(path), "list"]) == 0
    listing = capsys.readouterr().out
    assert listing.splitlines() == [f"  {first}", "* next"]
    assert all(value not in listing for value in read_key_file(path).keys.values())


def test_key_file_command_errors_change_nothing(tmp_path, capsys):
    path = tmp_path / "codec-keys.yaml"
    keys_cli(["--file", str(path), "init"])
    before = path.read_bytes()
    assert keys_cli(["--file", str(path), "activate", "nope"]) == 1
    assert "no codec key 'nope'" in capsys.readouterr().err
    path.write_text("active: [1]\n")
    assert keys_cli(["--file", str(path), "init"]) == 1  # a broken file is reported, not overwritten
    assert path.read_text() == "active: [1]\n" and before != path.read_bytes()


def test_env_keys_join_the_file_keys(tmp_path):
    path = tmp_path / "codec-keys.yaml"
    keys_cli(["--file", str(path), "init"])
    ring = keyring_from_settings(Settings(codec_key_file=path, codec_keys=env_keys(extra=KEY_B)))
    assert ring.active == read_key_file(path).active and ring.keys["extra"] == b"b" * 32
