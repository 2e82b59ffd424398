"""Template filters: money is formatted exactly from integer pence."""
import pytest

from app.formatting import pounds


@pytest.mark.parametrize("pence, shown", [
    (0, "£0.00"),
    (5, "£0.05"),
    (123456, "£1,234.56"),
    (-12210, "-£122.10"),
    (123456789012345, "£1,234,567,890,123.45"),
    # Beyond a float's 53 bits of precision: going through pence / 100 would print ...568.00.
    (1234567890123456789, "£12,345,678,901,234,567.89"),
    (-9007199254740993, "-£90,071,992,547,409.93"),
    (None, "—"),
])
def test_pounds_formats_integer_pence_exactly(pence, shown):
    assert pounds(pence) == shown
