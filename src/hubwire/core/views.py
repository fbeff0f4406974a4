import re

from django.conf import settings
from django.contrib import messages as flash
from django.contrib.auth import login as auth_login, views as auth_views
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.views.decorators.http import require_POST

from hubwire.core import signin
from hubwire.core.dashboard import render_cards
from hubwire.core.decorators import workspace_required
from hubwire.core.errors import FieldError
from hubwire.core.forms import ApiKeyForm, EmailLoginForm, InviteForm, JoinForm, WorkspaceTimeZoneForm
from hubwire.core.models import ApiKey, Membership, SignInOutcome, TeamInvitation, User
from hubwire.core.query import bounded_figure
from hubwire.core.services import (api_key_issue, api_key_revoke, invitation_accept_existing, invitation_accept_new,
                                   invitation_find, invitation_problem, invitation_revoke, member_invite,
                                   open_invitations, workspace_set_time_zone)
from hubwire.core.tenancy import get_scoped, scoped
from hubwire.crm.selectors import unread_client_message_count
from hubwire.crm.models import Activity, Appointment, AppointmentStatus, Invoice, InvoiceStatus, Lead


class LoginView(auth_views.LoginView):
    """Django's sign-in, throttled (EmailLoginForm): a refused attempt answers 429 with Retry-After,
    and a browser that signs in is remembered, so a stranger's guessing never locks it out."""

    template_name = "core/login.html"
    authentication_form = EmailLoginForm
    redirect_authenticated_user = True

    def form_valid(self, form):
        response = super().form_valid(form)
        user = form.get_user()
        signin.record(self.request, user.email, form.device, SignInOutcome.SIGNED_IN, user)
        signin.DEVICES.remember(response, user.email, form.device)
        return response

    def form_invalid(self, form):
        response = super().form_invalid(form)
        if form.wait:
            response.status_code, response["Retry-After"] = 429, str(form.wait)
        return response


class PasswordChangeView(auth_views.PasswordChangeView):
    """Django's: the new password ends every other session of the user (this one follows it)."""

    template_name = "core/password_change.html"
    success_url = reverse_lazy("team")

    def form_valid(self, form):
        response = super().form_valid(form)
        signin.audit_for_user(self.request.user, "password_changed", actor=self.request.user)
        flash.success(self.request, "Password changed. Your other sessions have been signed out.")
        return response


class PasswordResetView(auth_views.PasswordResetView):
    """Django's. The link in the email starts with HUBWIRE_BASE_URL, never with the Host header the
    request carried (a forged Host would otherwise send a victim a link to someone else's server)."""

    template_name = "core/password_reset.html"
    email_template_name = "core/password_reset_email.txt"
    subject_template_name = "core/password_reset_subject.txt"
    success_url = reverse_lazy("password_reset_done")

    def form_valid(self, form):
        if not signin.reset_email_allowed(self.request, form.cleaned_data["email"]):
            return redirect(self.success_url)  # the same answer, no email
        self.extra_email_context = {"base_url": settings.HUBWIRE_BASE_URL, "valid_for": _valid_for()}
        return super().form_valid(form)


class PasswordResetSentView(auth_views.PasswordResetDoneView):
    template_name = "core/password_reset_sent.html"

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "valid_for": _valid_for()}


def _valid_for() -> str:
    minutes = settings.PASSWORD_RESET_TIMEOUT // 60
    return f"{minutes // 60} hour{'s' if minutes // 60 != 1 else ''}" if minutes % 60 == 0 else f"{minutes} minutes"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Django's, signing the person in afterwards and remembering the browser (a way past the throttle)."""

    template_name = "core/password_reset_confirm.html"
    post_reset_login = True
    success_url = reverse_lazy("dashboard")

    def form_valid(self, form):
        response = super().form_valid(form)
        signin.audit_for_user(form.user, "password_reset", actor=form.user)
        signin.DEVICES.remember(response, form.user.email)
        flash.success(self.request, "Your new password is set, and you are signed in.")
        return response


@workspace_required
def dashboard(request):
    ws = request.workspace
    context = {
        # Figures counted up to query.COUNT_CAP (shown as "10,000+" past it), never a whole table.
        "open_leads": bounded_figure(scoped(Lead, ws).exclude(status__in=["won", "lost"])),
        "pending_invoices": bounded_figure(scoped(Invoice, ws).filter(status=InvoiceStatus.PENDING)),
        "unread_messages": unread_client_message_count(ws),
        "upcoming": scoped(Appointment, ws).filter(status=AppointmentStatus.SCHEDULED, end__gte=timezone.now())
        .select_related("contact")[:5],
        "activities": scoped(Activity, ws).select_related("account")[:15],
        "cards": render_cards(request),  # what other parts add (core/dashboard.py)
    }
    return render(request, "core/dashboard.html", context)


@workspace_required
def team(request):
    form = InviteForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if not request.membership.can_manage:
            return render(request, "core/forbidden.html", {"reason": "Only owners and admins can invite team members."},
                          status=403)
        try:
            if not form.is_valid():
                raise FieldError.from_form(form)
            member_invite(inviter=request.membership, **form.cleaned_data)
        except FieldError as exc:
            exc.add_to(form)
            status = 400
        else:
            # The same words whether or not the email has a hubwire login already.
            flash.success(request, f"Invitation sent to {form.cleaned_data['email']}. The link works once, for "
                                   f"{settings.HUBWIRE_TEAM_INVITE_HOURS} hours.")
            return redirect("team")
    return team_page(request, invite_form=form, status=status)


def team_page(request, *, invite_form=None, time_zone_form=None, status=200):
    members = Membership.objects.filter(workspace=request.workspace).select_related("user").order_by("role", "user__email")
    invitations = open_invitations(request.workspace) if request.membership.can_manage else []
    return render(request, "core/team.html", {
        "members": members, "form": invite_form or InviteForm(), "invitations": invitations,
        "time_zone_form": time_zone_form or WorkspaceTimeZoneForm(initial={"time_zone": request.workspace.time_zone}),
    }, status=status)


@workspace_required(manage=True)
@require_POST
def workspace_time_zone_view(request):
    form = WorkspaceTimeZoneForm(request.POST)
    try:
        if not form.is_valid():
            raise FieldError.from_form(form)
        workspace_set_time_zone(workspace=request.workspace, actor=request.user, **form.cleaned_data)
    except FieldError as exc:
        exc.add_to(form)
        return team_page(request, time_zone_form=form, status=400)
    flash.success(request, f"New appointments are now booked in {request.workspace.time_zone} unless you choose another zone.")
    return redirect("team")


@workspace_required(manage=True)
@require_POST
def invitation_revoke_view(request, pk):
    invitation = get_object_or_404(TeamInvitation, pk=pk, workspace=request.workspace)
    invitation_revoke(invitation=invitation, actor=request.user)
    flash.success(request, f"The invitation to {invitation.email} no longer works.")
    return redirect("team")


def team_join(request, token):
    """The page an invitation link opens. Someone without a login chooses a password here; someone
    with one signs in first (as the invited email) and then accepts."""
    invitation = invitation_find(token)
    if problem := invitation_problem(invitation):
        return render(request, "core/join.html", {"problem": problem}, status=404 if invitation is None else 410)
    has_login = User.objects.filter(email=invitation.email).exists()
    form = JoinForm(request.POST or None) if not has_login else None
    context = {"invitation": invitation, "has_login": has_login, "form": form}
    if has_login and not request.user.is_authenticated:
        return render(request, "core/join.html", {**context, "sign_in_url": reverse("login") + "?next=" + request.path})
    if request.method == "POST":
        try:
            if has_login:
                membership = invitation_accept_existing(raw=token, user=request.user)
            else:
                if not form.is_valid():
                    raise FieldError.from_form(form)
                membership = invitation_accept_new(raw=token, full_name=form.cleaned_data["full_name"],
                                                   password=form.cleaned_data["password"])
                auth_login(request, membership.user, backend="django.contrib.auth.backends.ModelBackend")
        except FieldError as exc:
            if form is None or "invitation" in exc.errors:
                context["problem"] = exc.errors.get("invitation") or " ".join(exc.errors.values())
            else:
                exc.add_to(form)
            return render(request, "core/join.html", context, status=400)
        request.session["workspace_id"] = membership.workspace_id
        flash.success(request, f"Welcome to {membership.workspace}.")
        return redirect("dashboard")
    return render(request, "core/join.html", context)


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


PORTAL_PATH = re.compile(r"^/portal/(\d+)/")


def not_found(request, exception=None):
    """The 404 page (handler404): the site's navigation, and a way back to where the visitor belongs."""
    portal = PORTAL_PATH.match(request.path)
    home_url = reverse("portal:home", args=[portal[1]]) if portal else reverse("dashboard")
    return render(request, "404.html", {"home_url": home_url, "in_portal": bool(portal)}, status=404)
