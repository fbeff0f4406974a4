"""crm.MeetingLink becomes a row of the sync ledger (sync.SyncRecord) plus the meeting's own links.

Django cannot turn a table into a multi-table-inheritance child in place, so: build the new table
beside the old one, copy every link into a ledger row + its child row, drop the old table and give
the new one the old name. "ready" becomes the ledger's "synced"; the meeting id its external id."""

import django.db.models.deletion
from django.db import migrations, models

import hubwire.core.crypto

LEDGER_FIELDS = ("workspace_id", "provider", "reason", "synced", "marker", "create_started_at", "busy_until",
                 "created_at")


def to_ledger(apps, schema_editor):
    Old, New = apps.get_model("crm", "MeetingLink"), apps.get_model("crm", "MeetingLinkOnLedger")
    for old in Old.objects.all().iterator():
        New.objects.create(
            **{name: getattr(old, name) for name in LEDGER_FIELDS},
            kind="meeting", local_id=old.appointment_id, external_id=old.meeting_id,
            status="synced" if old.status == "ready" else old.status,
            matched_by="created" if old.meeting_id else "",
            synced_at=old.updated_at if old.status == "ready" else None,
            appointment_id=old.appointment_id, join_url=old.join_url, start_url=old.start_url,
            passcode=old.passcode)


def from_ledger(apps, schema_editor):
    Old, New = apps.get_model("crm", "MeetingLink"), apps.get_model("crm", "MeetingLinkOnLedger")
    for new in New.objects.all().iterator():
        Old.objects.create(
            **{name: getattr(new, name) for name in LEDGER_FIELDS},
            meeting_id=new.external_id[:64], status="ready" if new.status == "synced" else new.status,
            appointment_id=new.appointment_id, join_url=new.join_url, start_url=new.start_url,
            passcode=new.passcode)
    New.objects.all().delete()
    apps.get_model("sync", "SyncRecord").objects.filter(kind="meeting").delete()


class Migration(migrations.Migration):

    dependencies = [
        ("crm", "0004_milestones_contract_acceptance"),
        ("sync", "0001_initial"),
    ]

    operations = [
        migrations.CreateModel(
            name="MeetingLinkOnLedger",
            fields=[
                ("syncrecord_ptr", models.OneToOneField(auto_created=True, on_delete=django.db.models.deletion.CASCADE, parent_link=True, primary_key=True, serialize=False, to="sync.syncrecord")),
                ("join_url", models.URLField(blank=True, max_length=1000)),
                ("start_url", hubwire.core.crypto.EncryptedTextField(blank=True, help_text="The host's link (it signs the host in): team only.")),
                ("passcode", models.CharField(blank=True, max_length=20)),
                ("appointment", models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name="+", to="crm.appointment")),
            ],
            bases=("sync.syncrecord",),
        ),
        migrations.RunPython(to_ledger, from_ledger),
        migrations.DeleteModel(name="MeetingLink"),
        migrations.RenameModel(old_name="MeetingLinkOnLedger", new_name="MeetingLink"),
        migrations.AlterField(
            model_name="meetinglink",
            name="appointment",
            field=models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name="meeting_link", to="crm.appointment"),
        ),
    ]
