"""Business rules of the toolbox, one module per subject: a tool's values (`json_values`),
`duplicates`, `proposals` and moderation, `curation`, `publication` states, declarations of use
(`uses`), what other apps call (`seams`) and the needs `vocabulary`.

Every change to a tool's content goes through `json_values.apply_tool_values`, which bumps
`Tool.version`: a proposal remembers the version it was made on, and approving it after the tool
changed meanwhile is a conflict — shown to the moderator, nothing overwritten. Publication states
(`publication.change_status`) are recorded in the history but leave the version alone.

Every service that writes to the published catalogue (a tool, an offer, a provider) calls
`toolbox.catalogue_changes.catalogue_changed()`, so that the API's cached answers follow.
"""
