from django.apps import AppConfig


class ToolboxConfig(AppConfig):
    name = "toolbox"
    verbose_name = "Boîte à outils"

    def ready(self):
        # The roadmap (maturity) asks for tools by need without importing the toolbox.
        from accounts import rgpd as accounts_rgpd
        from maturity import hooks
        from toolbox import rgpd
        from toolbox.services import seams, vocabulary

        hooks.tools_for_needs.register(vocabulary.tools_for_needs)
        hooks.known_need_codes.register(vocabulary.known_need_codes)
        hooks.need_labels.register(vocabulary.need_labels)
        # The community (ambassadors) names the tools it stores by code, linked to their page.
        hooks.tools_named.register(seams.tools_named)
        # accounts exports and erases personal data without importing the toolbox.
        accounts_rgpd.register(rgpd.SECTION)
