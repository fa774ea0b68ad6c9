import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from config import env

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION_ENV = {
    "DEBUG": "0",
    "SECRET_KEY": "k" * 30 + "-production-like-secret-for-the-deploy-check-0123456789",
    "ALLOWED_HOSTS": "boussole.example.org",
    "CSRF_TRUSTED_ORIGINS": "https://boussole.example.org",
    "DATABASE_URL": "sqlite:////tmp/boussole-deploy-check.sqlite3",
    "EMAIL_HOST": "smtp.example.org",
}


def deployment_environ(**overrides: str) -> dict[str, str]:
    """A deployment's environment: none of the test run's own variables (the browser tests set
    DJANGO_ALLOW_ASYNC_UNSAFE for Playwright, which the deploy check rightly refuses)."""
    excluded = {
        "DEBUG",
        "SECRET_KEY",
        "DATABASE_URL",
        "REDIS_URL",
        "REDIS_CACHE_URL",
        "DJANGO_ALLOW_ASYNC_UNSAFE",
    }
    return {**{k: v for k, v in os.environ.items() if k not in excluded}, **overrides}


def run_manage(*args, **env_overrides):
    base = deployment_environ()
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**base, **env_overrides},
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize(
    ("helper", "name", "raw"),
    [
        (lambda: env.env_bool("X_FLAG", False), "X_FLAG", "peut-être"),
        (lambda: env.env_int("X_NUMBER", 1), "X_NUMBER", "douze"),
        (lambda: env.env_int("X_NUMBER", 1, minimum=60), "X_NUMBER", "5"),
        (lambda: env.env_list("X_LIST", []), "X_LIST", "a,,b"),
        (lambda: env.env_url("X_URL", None, ("redis",)), "X_URL", "http://localhost"),
    ],
)
def test_malformed_environment_values_fail_loudly_with_their_name(monkeypatch, helper, name, raw):
    monkeypatch.setenv(name, raw)
    with pytest.raises(ImproperlyConfigured, match=name):
        helper()


def test_well_formed_values_are_read(monkeypatch):
    monkeypatch.setenv("X_FLAG", "yes")
    monkeypatch.setenv("X_LIST", "a.fr, b.fr")
    assert env.env_bool("X_FLAG", False) is True
    assert env.env_list("X_LIST", []) == ["a.fr", "b.fr"]


def test_production_settings_pass_the_deploy_check():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_refuses_to_start_without_a_secret_key():
    result = run_manage("check", **{**PRODUCTION_ENV, "SECRET_KEY": ""})
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def _example_secret_key() -> str:
    for line in (ROOT / ".env.example").read_text().splitlines():
        if line.startswith("SECRET_KEY="):
            return line.removeprefix("SECRET_KEY=").strip()
    raise AssertionError(".env.example has no SECRET_KEY line")


def test_production_refuses_the_placeholder_secret_key_of_the_example_file():
    # Long enough to pass the length check: copying .env.example unchanged must still stop.
    placeholder = _example_secret_key()
    assert len(placeholder) >= 50
    result = run_manage("check", **{**PRODUCTION_ENV, "SECRET_KEY": placeholder})
    assert result.returncode != 0
    assert "SECRET_KEY is a placeholder" in result.stderr


@pytest.mark.parametrize(
    "value",
    [
        "insecure-development-key-never-use-in-production-0123456789",  # the DEBUG default
        "CHANGE-ME-" + "a1b2c3d4e5" * 5,
        "please-changeme-" + "a1b2c3d4e5" * 5,
        "django-insecure-" + "a1b2c3d4e5" * 5,
        "ab" * 30,  # too few distinct characters to be random
    ],
)
def test_obvious_placeholder_secret_keys_are_refused(value):
    assert env.secret_key_problem(value)


def test_a_random_secret_key_is_accepted():
    assert env.secret_key_problem(PRODUCTION_ENV["SECRET_KEY"]) is None
    assert env.secret_key_problem(secrets.token_urlsafe(50)) is None


def test_a_malformed_debug_value_stops_the_start():
    result = run_manage("check", **{**PRODUCTION_ENV, "DEBUG": "oui-non"})
    assert result.returncode != 0
    assert "DEBUG='oui-non' is not a boolean" in result.stderr


def test_demo_data_is_refused_in_production():
    result = run_manage("demo_data", **PRODUCTION_ENV)
    assert result.returncode != 0
    assert "DEBUG=1" in result.stderr


@pytest.mark.parametrize(
    ("redis", "engine"),
    [
        ("redis://127.0.0.1:6379/9", "django.contrib.sessions.backends.cached_db"),
        ("", "django.contrib.sessions.backends.db"),
    ],
)
def test_sessions_are_cached_only_in_a_cache_that_every_process_shares(redis, engine):
    """With Redis, a logout seen by one gunicorn process is seen by all; with the per-process
    memory cache it would not be, so sessions are then read from the database only."""
    result = run_manage(
        "shell", "-c", "from django.conf import settings; print(settings.SESSION_ENGINE)",
        **{**PRODUCTION_ENV, "REDIS_URL": redis, "REDIS_CACHE_URL": redis},
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip().splitlines()[-1] == engine
