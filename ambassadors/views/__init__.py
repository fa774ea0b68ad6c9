"""Community pages, one module per area: directory and profiles, applications and own space,
events, registration without an account, support requests, fiches pratiques, CRESS space.

Each view's docstring says who may see it; objects are fetched through querysets scoped to the
requester, so another person's object answers 404 like one that does not exist.
"""
