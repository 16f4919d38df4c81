"""Start-up refuses unsafe production settings, naming every problem in one sentence."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from infra.settings import DEFAULT_SECRET, Settings, UnsafeSettings, load_settings

ROOT = Path(__file__).resolve().parents[2]
SAFE = {
    "HEARTH_ENV": "production",
    "DATABASE_URL": "postgresql+asyncpg://hearth@db.internal:5432/hearth",
    "FIREBASE_PROJECT_ID": "hearth-prod",
    "HEARTH_SECRET_KEY": "a-long-random-production-secret",
}
SETTING_VARIABLES = [
    "HEARTH_ENV",
    "DATABASE_URL",
    "REDIS_URL",
    "FIREBASE_PROJECT_ID",
    "GOOGLE_APPLICATION_CREDENTIALS",
    "FIREBASE_AUTH_EMULATOR_HOST",
    "HEARTH_SIGN_IN",
    "HEARTH_SECRET_KEY",
]


def run(args: list[str], **env: str) -> subprocess.CompletedProcess[str]:
    """Runs ``python <args>`` in the project with only ``env`` (and PATH/HOME) set."""
    clean = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": os.environ.get("HOME", "/")}
    return subprocess.run(
        [sys.executable, *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def production(**overrides: object) -> Settings:
    """Production settings from explicit values only (never this process's environment)."""
    values: dict[str, object] = {
        "hearth_env": "production",
        "database_url": SAFE["DATABASE_URL"],
        "firebase_project_id": SAFE["FIREBASE_PROJECT_ID"],
        "hearth_secret_key": SAFE["HEARTH_SECRET_KEY"],
        "firebase_auth_emulator_host": None,
        "hearth_sign_in": None,
    }
    values.update(overrides)
    return Settings(_env_file=None, **values)  # type: ignore[arg-type]


# --- the real entry points ----------------------------------------------------------------


def test_uvicorn_refuses_to_start_in_production_with_dev_sign_in() -> None:
    # given
    env = {**SAFE, "HEARTH_SIGN_IN": "dev"}

    # when
    started = time.monotonic()
    result = run(["-m", "uvicorn", "api.app:create_app", "--factory", "--port", "0"], **env)

    # then: a non-zero exit within seconds, with one sentence naming the problem
    assert result.returncode != 0
    assert time.monotonic() - started < 30
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert lines[-1] == (
        "Refusing to start in production: dev sign-in is on (set HEARTH_SIGN_IN=firebase)."
    )
    assert "Traceback" not in result.stderr
    assert "Uvicorn running" not in result.stderr


def test_uvicorn_names_every_problem_in_one_sentence() -> None:
    # when: production with nothing else configured, and the emulator variable set
    result = run(
        ["-m", "uvicorn", "api.app:create_app", "--factory", "--port", "0"],
        HEARTH_ENV="production",
        HEARTH_SIGN_IN="firebase+dev",
        FIREBASE_AUTH_EMULATOR_HOST="127.0.0.1:9099",
    )

    # then
    assert result.returncode != 0
    (sentence,) = [line for line in result.stderr.splitlines() if line.strip()]
    assert sentence.startswith("Refusing to start in production: ")
    for problem in (
        "dev sign-in",
        "FIREBASE_AUTH_EMULATOR_HOST",
        "FIREBASE_PROJECT_ID",
        "SQLite",
        "HEARTH_SECRET_KEY",
    ):
        assert problem in sentence


def test_check_config_exits_non_zero_on_unsafe_production_settings() -> None:
    # when
    result = run(["-m", "infra.cli", "check-config"], **{**SAFE, "HEARTH_SIGN_IN": "dev"})

    # then
    assert result.returncode != 0
    assert result.stderr.strip() == (
        "Refusing to start in production: dev sign-in is on (set HEARTH_SIGN_IN=firebase)."
    )
    assert result.stdout == ""


def test_check_config_accepts_a_correct_production_configuration() -> None:
    result = run(["-m", "infra.cli", "check-config"], **SAFE)

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "Settings are fine for production."


def test_check_config_accepts_development_defaults() -> None:
    result = run(["-m", "infra.cli", "check-config"])

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "Settings are fine for development."


# --- Settings.production_problems ---------------------------------------------------------


def test_a_correct_production_configuration_has_no_problems() -> None:
    settings = production()

    assert settings.production_problems() == []
    assert settings.sign_in.value == "firebase"
    assert not settings.dev_sign_in


@pytest.mark.parametrize(
    ("overrides", "problem"),
    [
        ({"hearth_sign_in": "dev"}, "dev sign-in is on"),
        ({"hearth_sign_in": "firebase+dev"}, "dev sign-in is on"),
        ({"firebase_auth_emulator_host": "127.0.0.1:9099"}, "FIREBASE_AUTH_EMULATOR_HOST is set"),
        ({"firebase_project_id": None}, "no Firebase project is configured"),
        ({"database_url": "sqlite+aiosqlite:///./var/hearth.sqlite3"}, "the database is SQLite"),
        ({"hearth_secret_key": DEFAULT_SECRET}, "HEARTH_SECRET_KEY is the default"),
    ],
    ids=["dev", "firebase+dev", "emulator", "no-project", "sqlite", "default-secret"],
)
def test_each_unsafe_production_setting_is_a_problem(
    overrides: dict[str, object], problem: str
) -> None:
    # when
    problems = production(**overrides).production_problems()

    # then: exactly that one problem
    assert len(problems) == 1, problems
    assert problems[0].startswith(problem)


@pytest.mark.parametrize("env", ["development", "test"])
def test_unsafe_settings_are_fine_outside_production(env: str) -> None:
    settings = production(
        hearth_env=env,
        hearth_sign_in="dev",
        database_url="sqlite+aiosqlite:///./x.sqlite3",
        firebase_project_id=None,
        hearth_secret_key=DEFAULT_SECRET,
    )

    assert settings.production_problems() == []


def test_load_settings_raises_with_the_sentence(monkeypatch: pytest.MonkeyPatch) -> None:
    # given: the environment of an unsafe production deployment
    for name in SETTING_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(ROOT / "tests")  # no .env file here
    monkeypatch.setenv("HEARTH_ENV", "production")
    monkeypatch.setenv("HEARTH_SIGN_IN", "dev")

    # when
    with pytest.raises(UnsafeSettings) as refused:
        load_settings()

    # then
    assert isinstance(refused.value, SystemExit)  # uncaught, it exits non-zero
    assert refused.value.sentence.startswith("Refusing to start in production: dev sign-in is on")
    assert refused.value.sentence.endswith(".")
    assert refused.value.sentence.count(".") == 1
