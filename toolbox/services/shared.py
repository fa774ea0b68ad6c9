"""What every toolbox service uses: the error shown to the moderator."""


class ModerationError(Exception):
    """A decision that cannot be applied; the message is for the moderator."""
