"""The billing policy for filtered images is declared once per generator family, with its source."""

import pytest

from imagegate_service import registry

pytestmark = pytest.mark.unit


def test_every_generator_has_a_filtered_image_billing_policy_with_a_source():
    # Given every registered generator
    for model_id in registry.generator_ids():
        model = registry.generator(model_id)
        # When its billing policy for filtered images is asked
        policy = registry.document()["generatorFamilies"][model.family]
        # Then it is a yes/no answer that names where it comes from
        assert isinstance(model.bills_filtered_images, bool)
        assert policy["source"].startswith("https://")


def test_unverified_policy_is_the_conservative_one():
    # Given a family whose policy no AWS page confirms
    for model_id in registry.generator_ids():
        model = registry.generator(model_id)
        policy = registry.document()["generatorFamilies"][model.family]
        # Then filtered images are counted as billed (the budget stays an upper bound)
        if not policy.get("verified", False):
            assert model.bills_filtered_images is True
