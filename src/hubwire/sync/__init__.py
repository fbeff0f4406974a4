"""The sync ledger: which CRM object is which provider object, and where each pair stands."""
