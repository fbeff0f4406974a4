import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ("core", "0004_workspace_time_zone"),
    ]

    operations = [
        migrations.CreateModel(
            name="SyncRecord",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("provider", models.CharField(max_length=40)),
                ("kind", models.CharField(help_text="customer, invoice, calendar_event, meeting, directory_user…", max_length=40)),
                ("local_id", models.BigIntegerField(blank=True, help_text="The CRM object's id; empty for a provider object not linked yet.", null=True)),
                ("external_id", models.CharField(blank=True, max_length=1024)),
                ("version", models.CharField(blank=True, help_text="QuickBooks SyncToken, Google etag.", max_length=200)),
                ("status", models.CharField(choices=[("pending", "Pending"), ("synced", "Synced"), ("failed", "Failed"), ("removed", "Removed at the provider")], default="pending", max_length=10)),
                ("reason", models.TextField(blank=True, help_text="Why it is pending, failed or removed, in plain words.")),
                ("synced", models.JSONField(blank=True, default=dict, help_text="Snapshot of what the provider last accepted or showed, to send only changes.")),
                ("marker", models.CharField(blank=True, help_text="Idempotency marker sent with the create, so a retried create finds it.", max_length=100)),
                ("create_started_at", models.DateTimeField(blank=True, help_text="A create was sent; it may have succeeded unseen.", null=True)),
                ("matched_by", models.CharField(blank=True, choices=[("created", "Created by hubwire"), ("automatic", "Matched automatically"), ("person", "Matched by a person"), ("provider", "Made at the provider")], max_length=10)),
                ("busy_until", models.DateTimeField(blank=True, help_text="A worker is changing it until then.", null=True)),
                ("synced_at", models.DateTimeField(blank=True, null=True)),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                ("updated_at", models.DateTimeField(auto_now=True)),
                ("workspace", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="+", to="core.workspace")),
            ],
            options={
                "indexes": [models.Index(fields=["workspace", "provider", "kind", "status"], name="sync_by_status")],
                "constraints": [
                    models.UniqueConstraint(condition=models.Q(("local_id__isnull", False)), fields=("workspace", "provider", "kind", "local_id"), name="sync_one_row_per_local_object"),
                    models.UniqueConstraint(condition=models.Q(("external_id", ""), _negated=True), fields=("workspace", "provider", "kind", "external_id"), name="sync_one_row_per_external_object"),
                ],
            },
        ),
    ]
