from django.contrib import messages as flash
from django.contrib.auth import views as auth_views
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from hubwire.core.decorators import workspace_required
from hubwire.core.errors import FieldError
from hubwire.core.forms import AddMemberForm, ApiKeyForm, EmailLoginForm
from hubwire.core.models import ApiKey, Membership
from hubwire.core.services import api_key_issue, api_key_revoke, member_add
from hubwire.core.tenancy import get_scoped, scoped
from hubwire.crm.models import Activity, Appointment, AppointmentStatus, Invoice, InvoiceStatus, Lead, Message


class LoginView(auth_views.LoginView):
    template_name = "core/login.html"
    authentication_form = EmailLoginForm
    redirect_authenticated_user = True


@workspace_required
def dashboard(request):
    ws = request.workspace
    context = {
        "open_leads": scoped(Lead, ws).exclude(status__in=["won", "lost"]).count(),
        "pending_invoices": scoped(Invoice, ws).filter(status=InvoiceStatus.PENDING).count(),
        "unread_messages": scoped(Message, ws).filter(direction="inbound", read_at=None).count(),
        "upcoming": scoped(Appointment, ws).filter(status=AppointmentStatus.SCHEDULED, end__gte=timezone.now())
        .select_related("contact")[:5],
        "activities": scoped(Activity, ws).select_related("account")[:15],
    }
    return render(request, "core/dashboard.html", context)


@workspace_required
def team(request):
    form = AddMemberForm(request.POST or None)
    if request.method == "POST":
        if not request.membership.can_manage:
            return render(request, "core/forbidden.html", {"reason": "Only owners and admins can add team members."}, status=403)
        if form.is_valid():
            try:
                member_add(workspace=request.workspace, **form.cleaned_data)
            except FieldError as exc:
                exc.add_to(form)
            else:
                flash.success(request, f"{form.cleaned_data['email']} added to the team.")
                return redirect("team")
    members = Membership.objects.filter(workspace=request.workspace).select_related("user").order_by("role", "user__email")
    return render(request, "core/team.html", {"members": members, "form": form})


@workspace_required(manage=True)
def api_keys(request):
    form = ApiKeyForm(request.POST or None)
    new_key = None
    if request.method == "POST" and form.is_valid():
        _, new_key = api_key_issue(workspace=request.workspace, name=form.cleaned_data["name"])
        form = ApiKeyForm()
    keys = scoped(ApiKey, request.workspace).order_by("-created_at")
    return render(request, "core/api_keys.html", {"keys": keys, "form": form, "new_key": new_key})


@workspace_required(manage=True)
@require_POST
def api_key_revoke_view(request, pk):
    key = get_scoped(ApiKey, request.workspace, pk)
    api_key_revoke(key=key)
    flash.success(request, f"Key “{key.name}” revoked.")
    return redirect("api_keys")
