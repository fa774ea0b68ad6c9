from identity import services


def identity(request):
    """Who runs the instance, for the header, the footer and the legal pages (cached)."""
    return {"identity": services.current()}
