"""An appointment's online meeting card on its page (it shows nothing for an in-person one)."""

from hubwire.crm.panels import record_panel

record_panel("appointments", template="integrations/meeting_card_page.html",
             context=lambda request, appointment: {"appointment": appointment})
