"""No Docker engine here: check that the compose file describes the production services."""

import tomllib
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent


def test_compose_describes_web_worker_beat_postgres_and_redis():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    assert {"web", "worker", "beat", "postgres", "redis", "migrate"} <= services.keys()
    assert (
        services["web"]["command"][0] == "gunicorn"
        and "config.wsgi:application" in services["web"]["command"]
    )
    assert services["worker"]["command"][:4] == ["celery", "-A", "config", "worker"]
    assert services["beat"]["command"][:4] == ["celery", "-A", "config", "beat"]
    for name in ("web", "worker", "postgres", "redis"):
        assert "healthcheck" in services[name], name
    assert {"postgres-data", "redis-data", "app-data"} <= compose["volumes"].keys()
    app_env = services["web"]["environment"]
    assert app_env["DATABASE_URL"].startswith("postgres://") and app_env["REDIS_URL"].startswith(
        "redis://"
    )


def test_compose_commands_point_at_modules_that_exist():
    import importlib

    importlib.import_module("config.wsgi")
    celery_module = importlib.import_module("config.celery")
    assert celery_module.app.main == "boussole"


def test_dockerfile_runs_the_same_wsgi_application():
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "FROM python:3.13" in dockerfile and "config.wsgi:application" in dockerfile


def test_direct_dependencies_are_pinned():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    extras = project["optional-dependencies"]
    for requirement in project["dependencies"] + [r for e in extras.values() for r in e]:
        if requirement.startswith(f"{project['name']}["):
            # The project's own extra (dev includes footprint), whose requirements are checked here.
            assert requirement.removeprefix(f"{project['name']}[").rstrip("]") in extras
            continue
        assert "==" in requirement, requirement


def test_web_processes_share_one_gunicorn_configuration():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    config_flag = ["--config", "python:config.gunicorn"]
    assert compose["services"]["web"]["command"][-2:] == config_flag
    assert '"--config", "python:config.gunicorn"' in (ROOT / "Dockerfile").read_text()
    assert "--config python:config.gunicorn" in (ROOT / "bench/load/run.sh").read_text()


def test_gunicorn_configuration_reads_the_environment_loudly(monkeypatch):
    import importlib

    from django.core.exceptions import ImproperlyConfigured

    import config.gunicorn

    monkeypatch.setenv("GUNICORN_WORKERS", "4")
    monkeypatch.setenv("GUNICORN_ACCESS_LOG", "")
    reloaded = importlib.reload(config.gunicorn)
    assert (reloaded.workers, reloaded.threads, reloaded.accesslog) == (4, 2, None)
    assert reloaded.preload_app and reloaded.worker_class == "gthread"
    monkeypatch.setenv("GUNICORN_WORKERS", "deux")
    with pytest.raises(ImproperlyConfigured, match="GUNICORN_WORKERS"):
        importlib.reload(config.gunicorn)
    monkeypatch.delenv("GUNICORN_WORKERS")
    importlib.reload(config.gunicorn)
