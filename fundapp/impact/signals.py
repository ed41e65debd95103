"""Domain events of impact measurement; listeners are connected in ``create_app``."""

from blinker import Namespace

_signals = Namespace()

# Sent with the approved submission as sender, and ``session`` and ``actor`` as keywords, inside the approval's
# transaction: what a listener changes is committed or rolled back with the approval.
submission_approved = _signals.signal("submission-approved")
