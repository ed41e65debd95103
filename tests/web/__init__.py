import pytest

# The form round-trip helpers assert; show what differed, as in the tests themselves.
pytest.register_assert_rewrite("tests.web.round_trip")
