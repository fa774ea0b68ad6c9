from django.apps import AppConfig


class WorkshopsConfig(AppConfig):
    name = "workshops"
    verbose_name = "Ateliers"

    def ready(self):
        # The diagnostic's page (maturity) links to the workshops through this slot, and an
        # invitation accepted makes its holder the owner of the actions named for them.
        from accounts import hooks as accounts_hooks
        from maturity import hooks
        from workshops import links, services

        hooks.diagnostic_links.register(links.diagnostic_links)
        accounts_hooks.invitation_accepted.register(services.owner_from_invitation)
