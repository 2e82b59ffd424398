"""Template filters: money is formatted exactly from integer pence."""
import pytest

from app.formatting import mid_sentence, policy_target, pounds
from app.services.reference_data import DEFAULT_MEASURES


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


@pytest.mark.parametrize("name, in_sentence", [
    ("Pro bono expert advice for VCSEs and small firms (legal, finance, bid writing, IT)",
     "pro bono expert advice for VCSEs and small firms (legal, finance, bid writing, IT)"),
    ("Training workshops for VCSEs and small firms", "training workshops for VCSEs and small firms"),
    ("Employee volunteering for community projects", "employee volunteering for community projects"),
    ("Cash donations to VCSEs", "cash donations to VCSEs"),
    ("IT support for community groups", "IT support for community groups"),
    ("VCSE mentoring", "VCSE mentoring"),
    ("CO2e avoided by shared transport", "CO2e avoided by shared transport"),
    ("A4 paper donated", "A4 paper donated"),
    ("", ""),
    (None, ""),
])
def test_mid_sentence_lowers_only_a_first_letter_that_is_not_part_of_an_acronym(name, in_sentence):
    assert mid_sentence(name) == in_sentence


@pytest.mark.parametrize("name", [m[1] for m in DEFAULT_MEASURES])
def test_mid_sentence_changes_at_most_the_first_letter_of_each_default_measure(name):
    shown = mid_sentence(name)
    assert shown[1:] == name[1:] and shown[0] in (name[0], name[0].lower())


def test_policy_target_names_the_council_and_its_percentage_exactly():
    from decimal import Decimal

    from app.models import PolicyTerms

    assert policy_target("Wyvern County Council", PolicyTerms(10_000_000, Decimal("10"), None)) == (
        "Wyvern County Council's social value policy expects social value worth at least 10% of the contract value. "
        "It applies to contracts worth more than £100,000.")
    assert "at least 12.5% of" in policy_target("Borsetshire Council", PolicyTerms(2_500_000, Decimal("12.50"), None))


def test_policy_target_says_pounds_per_pound_and_a_policy_with_no_level():
    from decimal import Decimal

    from app.models import PolicyTerms

    both = policy_target("Ashfield District Council", PolicyTerms(2_500_050, Decimal("10"), Decimal("1")))
    assert both == ("Ashfield District Council's social value policy expects social value worth at least 10% of the "
                    "contract value and of at least £1 for every £1 of contract value. "
                    "It applies to contracts worth more than £25,000.50.")
    assert "does not set a level" in policy_target("A Council", PolicyTerms(0, None, None))
