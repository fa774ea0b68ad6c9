from django.apps import AppConfig


class MaturityConfig(AppConfig):
    name = "maturity"

    def ready(self):
        # accounts exports and erases personal data without importing the apps above it.
        from accounts import rgpd as accounts_rgpd
        from maturity import rgpd

        accounts_rgpd.register(rgpd.SECTION)
