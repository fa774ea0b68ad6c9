"""Community work that spans models or has side effects, one module per subject: `seams`
(functions other apps call), `applications`, `events`, `support`, `contact`, `figures`. Each
change is atomic; e-mails leave after the commit, through the e-mail task, so a rollback never
sends a stray message.
"""
