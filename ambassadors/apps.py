from django.apps import AppConfig


class AmbassadorsConfig(AppConfig):
    name = "ambassadors"
    verbose_name = "Communauté des ambassadeur·rices"

    def ready(self):
        # maturity and accounts sit below this app and never import it: the roadmap names
        # ambassadors near the organisation through maturity's slot, and the RGPD exports and
        # erasures read this app's section.
        from accounts import rgpd as accounts_rgpd
        from ambassadors import rgpd
        from ambassadors.services import seams
        from maturity import hooks

        hooks.ambassadors_near_each.register(seams.ambassadors_near_each)
        accounts_rgpd.register(rgpd.SECTION)
