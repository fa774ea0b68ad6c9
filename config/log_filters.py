"""Logging filters (LOGGING in config/settings.py)."""

import logging


class HideSecretLinks(logging.Filter):
    """A record about a page opened by a secret link (its token or key in the URL: invitation,
    e-mail confirmation, a visitor's registration…) carries the path without it, so that
    nobody reading the logs can open the link. Django logs the path of every 4xx and 5xx."""

    def filter(self, record: logging.LogRecord) -> bool:
        from config.middleware import SECRET_URL_KWARGS

        match = getattr(getattr(record, "request", None), "resolver_match", None)
        if match is None or not isinstance(record.args, tuple):
            return True
        secrets = [str(value) for key, value in match.kwargs.items() if key in SECRET_URL_KWARGS]
        for secret in filter(None, secrets):
            record.args = tuple(
                arg.replace(secret, "…") if isinstance(arg, str) else arg for arg in record.args
            )
        return True
