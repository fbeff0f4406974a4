"""Every write to the CRM goes through a function here: it validates (raising FieldError before
anything is written), saves, and records its event in the same transaction."""
