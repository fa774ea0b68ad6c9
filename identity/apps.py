from django.apps import AppConfig


class IdentityConfig(AppConfig):
    name = "identity"
    verbose_name = "Identité de l’instance"

    def ready(self):
        from identity import services

        # The first run's values come from the environment: a colour too light for white
        # text stops the process at start-up, as any malformed setting does (config/env.py).
        services.check_settings()
