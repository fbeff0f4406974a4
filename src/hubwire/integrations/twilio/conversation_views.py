"""The conversations' pages: the recent conversations (the SMS tab's section, and a page of their own
that the dashboard's unread count opens), one conversation with its reply box, and the quiet-hours
form. Any member of the workspace may read and reply (texting a contact is CRM work); quiet hours are
a choice of the business's owners and admins. Another workspace's conversation is a 404."""

from django.contrib import messages as flash
from django.http import HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from hubwire.core.decorators import workspace_required
from hubwire.core.errors import FieldError
from hubwire.core.tenancy import get_scoped
from hubwire.integrations.registry import PROVIDERS
from hubwire.integrations.twilio import compose, optout, quiet
from hubwire.integrations.twilio.config import KEY, active_connection
from hubwire.integrations.twilio.conversations import conversation_mark_read, conversations_page, thread_page
from hubwire.integrations.twilio.models import Conversation
from hubwire.integrations.views import page_context

LIST_PARTIAL = "twilio/_conversation_list.html"
# Where the quiet-hours form was shown, and so where its errors are shown again.
QUIET_HOURS_PAGES = ("tab", "conversations")


@require_GET
@workspace_required
def conversations(request):
    page = conversations_page(request.workspace, request.GET.get("page"))
    if request.htmx:  # the list's pager, inside the tab or this page
        return render(request, LIST_PARTIAL, {"sms_page": page})
    return render(request, "twilio/conversations.html", {"sms_page": page})


def _conversation_page(request, conversation: Conversation, *, status: int = 200, **extra):
    page, thread = thread_page(conversation, request.GET.get("page"))
    context = {"conversation": conversation, "page": page, "thread": thread,
               "opt_out_words": optout.refusal(request.workspace, conversation.phone), **extra}
    response = render(request, "twilio/conversation.html", context, status=status)
    if status == 200 and page.number == 1 and thread:
        conversation_mark_read(conversation, up_to=thread[-1])
    return response


@require_GET
@workspace_required
def conversation(request, conversation_id: int):
    """The thread as it stands; showing its newest page marks what it shows as read (the received
    messages not read before are marked "New" on this showing)."""
    return _conversation_page(request, get_scoped(Conversation, request.workspace, conversation_id))


@require_POST
@workspace_required
def conversation_reply(request, conversation_id: int):
    conversation = get_scoped(Conversation, request.workspace, conversation_id)
    body = request.POST.get("body", "")
    try:
        compose.send_reply(conversation, body, request.user)
    except FieldError as exc:
        return _conversation_page(request, conversation, status=422, reply_errors=exc.errors, reply_body=body)
    flash.success(request, f"Reply to {conversation.phone} queued to send.")
    return redirect(reverse("integrations:twilio_conversation", args=[conversation.pk]) + "#latest")


@require_POST
@workspace_required(manage=True)
def quiet_hours(request):
    shown_on = request.POST.get("shown_on", "tab")
    if shown_on not in QUIET_HOURS_PAGES:
        return HttpResponseBadRequest(f"shown_on: send one of {', '.join(QUIET_HOURS_PAGES)}.")
    connection = active_connection(request.workspace)
    if connection is None:
        flash.error(request, "Connect Twilio first: quiet hours are kept with the connection.")
        return redirect("integrations:tab", key=KEY)
    try:
        quiet.quiet_hours_save(connection=connection, data=request.POST, actor=request.user)
    except FieldError as exc:
        said = {"sms_quiet_errors": exc.errors, "sms_quiet_posted": request.POST}
        if shown_on == "tab":
            return render(request, "integrations/page.html", page_context(request, PROVIDERS[KEY], **said), status=422)
        page = conversations_page(request.workspace, None)
        return render(request, "twilio/conversations.html", {"sms_page": page, **said}, status=422)
    flash.success(request, "Quiet hours saved.")
    return redirect("integrations:tab", key=KEY) if shown_on == "tab" else redirect("integrations:twilio_conversations")
