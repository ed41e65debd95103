"""Domain events of banking; listeners are connected in ``create_app``."""

from blinker import Namespace

_signals = Namespace()

# Sent with the imported statement as sender and ``session`` as keyword, after matching and booking, inside the
# import's transaction.
statement_imported = _signals.signal("statement-imported")
