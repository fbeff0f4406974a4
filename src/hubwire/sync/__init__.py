"""Syncing with providers: the ledger (which CRM object is which provider object, and where each pair
stands), cursors, schedules, the record of each sync pass, and the panel a provider's tab shows."""
