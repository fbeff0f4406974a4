"""What the OpenAPI document says beyond what django-ninja derives from the routes: how a client
(or schemathesis' stateful phase) goes from a create to the operations on the object it created,
and the status the web server answers before a request reaches hubwire."""

from ninja import NinjaAPI

# gunicorn refuses a request line over 4094 bytes, Django's development server over 65536.
URI_TOO_LONG = {414: {"description": "The URL is longer than the web server accepts; nothing is done."}}


def link_creates(paths: dict) -> None:
    """`POST /x` answering 201 with an `id` links to every operation under `/x/{id}`."""
    for path, item in paths.items():
        created = item.get("post", {}).get("responses", {}).get(201)  # ninja keys statuses by int
        if created is None:
            continue
        links = {op["operationId"]: {"operationId": op["operationId"], "parameters": {"id": "$response.body#/id"}}
                 for sub_path, sub_item in paths.items() if sub_path.startswith(f"{path}/{{id}}")
                 for op in sub_item.values()}
        if links:
            created["links"] = links


class DocumentedApi(NinjaAPI):
    def get_openapi_schema(self, **kwargs):
        schema = super().get_openapi_schema(**kwargs)
        link_creates(schema["paths"])
        for item in schema["paths"].values():
            for operation in item.values():
                operation["responses"].update(URI_TOO_LONG)
        return schema
