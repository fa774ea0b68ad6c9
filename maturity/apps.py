from django.apps import AppConfig


class MaturityConfig(AppConfig):
    name = "maturity"
    verbose_name = "Diagnostics"

    def ready(self):
        # accounts exports and erases personal data without importing the apps above it.
        from accounts import rgpd as accounts_rgpd
        from maturity import rgpd

        accounts_rgpd.register(rgpd.SECTION)
