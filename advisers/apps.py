from django.apps import AppConfig


class AdvisersConfig(AppConfig):
    name = "advisers"
    verbose_name = "Conseiller·es et observatoire"

    def ready(self):
        # The roadmap (maturity) names the DLA advisers near an organisation through this.
        from advisers import local_help
        from maturity import hooks

        hooks.local_dla_contacts.register(local_help.dla_contacts)
