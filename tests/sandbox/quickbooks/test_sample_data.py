"""With HUBWIRE_SANDBOX_QBO_SAMPLE_DATA (what `hubwire run` sets), a new sandbox company starts with
sample customers, one of them with the demo ACME's email; without it (the tests' default), empty."""

import pytest

from hubwire.sandbox.quickbooks import entities
from hubwire.sandbox.quickbooks.models import Entity

pytestmark = pytest.mark.django_db(databases=["default", "sandbox"])


def test_a_new_company_gets_the_sample_customers_once(settings):
    settings.HUBWIRE_SANDBOX_QBO_SAMPLE_DATA = True
    entities.company("4620816365000000001")
    entities.company("4620816365000000001")  # found again: no second set
    customers = Entity.objects.filter(realm_id="4620816365000000001", kind="Customer")
    emails = sorted(c.body["PrimaryEmailAddr"]["Address"] for c in customers)
    assert emails == sorted(c["PrimaryEmailAddr"]["Address"] for c in entities.SAMPLE_CUSTOMERS)
    assert "hello@acme-creative.example" in emails


def test_without_the_setting_a_new_company_is_empty(settings):
    settings.HUBWIRE_SANDBOX_QBO_SAMPLE_DATA = False
    entities.company("4620816365000000002")
    assert not Entity.objects.filter(realm_id="4620816365000000002").exists()
