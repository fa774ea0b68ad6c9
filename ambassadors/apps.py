from django.apps import AppConfig


class AmbassadorsConfig(AppConfig):
    name = "ambassadors"

    def ready(self):
        # The roadmap (maturity) names ambassadors near the organisation without importing
        # this app.
        from ambassadors import services
        from maturity import hooks

        hooks.ambassadors_near_each.register(services.ambassadors_near_each)
