def navigation(request):
    """What the header needs: the current organisation and the ones to switch to."""
    organisations = getattr(request, "organisations", None)
    return {"organisations": organisations}
