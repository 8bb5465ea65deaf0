"""Official documents: drafts, the outgoing register, the ND 30 layout, PDF,
signing and verification, and their pages. The models are in
``cchc.models.documents`` (app label ``cchc``)."""
