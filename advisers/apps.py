from django.apps import AppConfig


class AdvisersConfig(AppConfig):
    name = "advisers"
    verbose_name = "Conseiller·es et observatoire"

    def ready(self):
        # maturity and accounts sit below this app and never import it: the roadmap names the
        # DLA advisers near an organisation and shows the advisers' notes through maturity's
        # slots, the observatory copies each results snapshot through its hook, and the RGPD
        # exports and erasures read this app's section.
        from accounts import rgpd as accounts_rgpd
        from advisers import local_help, observatory, rgpd, services
        from maturity import hooks

        hooks.local_dla_contacts.register(local_help.dla_contacts)
        hooks.adviser_notes_for_pdf.register(services.pdf_notes)
        hooks.adviser_notes_digest.register(services.notes_digest)
        hooks.snapshot_stored.register(observatory.record_snapshot)
        accounts_rgpd.register(rgpd.SECTION)
