"""domains.list and get at admin.googleapis.com/admin/directory/v1/customer/{customer}/domains
(admin.directory_v1.json: Domains2, Domains): the customer's domains, verified or not, and which
is primary. `customer` is my_customer or the customer's own id."""

from django.http import JsonResponse

from hubwire.sandbox.google_workspace.access import Caller, check_customer, directory
from hubwire.sandbox.google_workspace.errors import not_found
from hubwire.sandbox.google_workspace.models import Domain
from hubwire.sandbox.google_workspace.resources import domain_resource, etag


@directory("GET", r"/customer/(?P<customer>[^/]+)/domains", "domains")
def domains_list(request, caller: Caller, customer: str):
    check_customer(caller.customer, customer)
    domains = list(Domain.objects.filter(customer=caller.customer).order_by("-is_primary", "name"))
    return JsonResponse({"kind": "admin#directory#domains", "etag": etag("domains", *(d.name for d in domains)),
                         "domains": [domain_resource(d) for d in domains]})


@directory("GET", r"/customer/(?P<customer>[^/]+)/domains/(?P<domain_name>[^/]+)", "domains")
def domain_get(request, caller: Caller, customer: str, domain_name: str):
    check_customer(caller.customer, customer)
    domain = Domain.objects.filter(customer=caller.customer, name=domain_name.lower()).first()
    if domain is None:
        raise not_found("domainName")
    return JsonResponse(domain_resource(domain))
