"""/api/docs works offline: Swagger UI is served by hubwire itself, never fetched from a CDN (issue 16,
item 7). The browser may reach only this machine's test server; anything else is refused and recorded."""

from urllib.parse import urlsplit


def test_api_docs_list_the_operations_with_every_request_kept_on_this_machine(page, live_server):
    here, elsewhere = urlsplit(live_server.url).hostname, []

    def only_this_machine(route):
        if urlsplit(route.request.url).hostname == here:
            route.continue_()
        else:
            elsewhere.append(route.request.url)
            route.abort()

    page.route("**/*", only_this_machine)
    page.goto(f"{live_server.url}/api/docs")
    page.locator(".opblock-summary-path", has_text="/api/leads").first.wait_for()
    assert page.locator(".opblock").count() > 20
    assert elsewhere == []
