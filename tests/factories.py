"""Small builders for test data, written through the services like everything else."""

from datetime import datetime, timedelta, timezone

from hubwire.crm.services import documents, people, scheduling, work


def crm_objects(workspace) -> dict:
    """One of every CRM object in `workspace`, keyed by page resource name."""
    kw = {"workspace": workspace, "actor": "test"}
    account = people.account_create(**kw, name="ACME Creative Agency")
    contact = people.contact_create(**kw, account=account, first_name="Maya", email="maya@acme.test", phone="+12125551234")
    lead = people.lead_create(**kw, name="Priya")
    line = [{"description": "Design", "quantity": 1, "unit_amount": 10000}]
    quote = documents.quote_create(**kw, account=account, title="Brand", lines=line)
    invoice = documents.invoice_create(**kw, account=account, lines=line)
    start = datetime(2030, 1, 7, 15, tzinfo=timezone.utc)
    appointment = scheduling.appointment_book(**kw, title="Kickoff", contact=contact, start=start, end=start + timedelta(hours=1))
    project = work.project_create(**kw, account=account, name="Refresh")
    work.milestone_add(project=project, actor="test", title="Moodboards")
    contract = work.contract_create(**kw, account=account, title="MSA")
    return {"accounts": account, "contacts": contact, "leads": lead, "quotes": quote, "invoices": invoice,
            "appointments": appointment, "projects": project, "contracts": contract}
