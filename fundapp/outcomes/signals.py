"""Domain events of outcome contracts and claims; listeners are connected in ``create_app``.

Each is sent with the object as sender and ``session`` as keyword, inside the service's transaction: what a
listener writes is committed or rolled back with the change itself.
"""

from blinker import Namespace

_signals = Namespace()

contract_created = _signals.signal("contract-created")  # its parties that did not accept yet are invited
claim_submitted = _signals.signal("claim-submitted")
claim_decided = _signals.signal("claim-decided")  # approved (wholly or partly) or rejected
claim_paid = _signals.signal("claim-paid")  # every payer's part is paid
result_rejected = _signals.signal("result-rejected")
