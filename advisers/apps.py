from django.apps import AppConfig


class AdvisersConfig(AppConfig):
    name = "advisers"
    verbose_name = "Conseiller·es et observatoire"

    def ready(self):
        # maturity sits below this app and never imports it: the roadmap names the DLA
        # advisers near an organisation and shows the advisers' notes through its slots, and
        # the observatory copies each results snapshot through its hook.
        from advisers import local_help, observatory, services
        from maturity import hooks

        hooks.local_dla_contacts.register(local_help.dla_contacts)
        hooks.adviser_notes_for_pdf.register(services.pdf_notes)
        hooks.adviser_notes_digest.register(services.notes_digest)
        hooks.snapshot_stored.register(observatory.record_snapshot)
