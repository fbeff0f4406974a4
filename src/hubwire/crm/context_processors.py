from django.utils.functional import SimpleLazyObject

from hubwire.crm.selectors import unread_client_message_count


def unread_messages(request):
    """The team nav's count beside Messages (counted only when a page shows the nav)."""
    workspace = getattr(request, "workspace", None)
    if workspace is None:
        return {}
    return {"nav_unread_messages": SimpleLazyObject(lambda: unread_client_message_count(workspace))}
