"""The integrations side: a pasted API key, checked against the provider's account endpoint."""

from hubwire.integrations.http import raise_for_status
from hubwire.integrations.registry import AuthKind, CredentialField, Provider

KEY = "example"


class ExampleProvider(Provider):
    """Not @register-ed: installed.py registers it only while its tests run."""

    key = KEY
    name = "Example CRM"
    summary = "A test-only provider, defined in one test folder."
    auth_kind = AuthKind.CREDENTIALS
    built = True
    hosts = {"api": "https://api.example-crm.test"}
    credential_fields = (
        CredentialField("api_key", "API key", r"exk_[0-9a-f]{32}",
                        "starts with exk_ followed by 32 hexadecimal characters (Example CRM, Settings, API)."),
    )

    def verify_credentials(self, credentials: dict, client) -> str:
        response = client.get(self.url("api", "/v1/account"),
                              headers={"Authorization": f"Bearer {credentials['api_key']}"})
        return raise_for_status(self, response).json()["name"]

    # --- to add at merge (issue 17's other parts), marked so it is easy to find --------------------
    # INBOUND: a per-connection event URL with a secret pasted per workspace, verified here
    #          (the widened verify_inbound) and sent by emulator.py, signed with that secret.
    # SCHEDULE: a sync schedule for the connection ("every N minutes"), run by the jobs tick.
