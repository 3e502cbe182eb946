"""Schema post-processing: what every operation has that no view declares by itself.

The error responses DRF and this API produce outside each view's own code; the headers of
conditional requests (ETag and Last-Modified out, If-None-Match and If-Modified-Since in),
of rate limits (Retry-After) and of redirects (Location); and a summary for each operation.
Schema fuzzing and the strict validation of every response check all of it.
"""

from drf_spectacular.extensions import OpenApiAuthenticationExtension

ERROR_REF = {"$ref": "#/components/schemas/Error"}
ERROR_SCHEMA = {
    "type": "object",
    "required": ["detail"],
    "properties": {
        "detail": {"type": "string", "description": "What went wrong, in words."},
        "errors": {
            "type": "object",
            "description": "For invalid input: the messages for each parameter or field.",
            "additionalProperties": {},
        },
    },
}
READ_ERRORS = {
    "304": "Not modified: the copy named by If-None-Match or If-Modified-Since is current.",
    "400": "A query parameter is invalid: `errors` names it.",
    "401": "The token sent is invalid or revoked.",
    "404": "No such record (or not public).",
    "406": "The format asked for (Accept or ?format=) is not available here.",
    "412": "If-Match or If-Unmodified-Since did not hold.",
    "429": "Too many requests: wait for the seconds in Retry-After.",
}
WRITE_ERRORS = {
    "400": "The data is invalid: `errors` names each field.",
    "401": "No token, or an invalid or revoked one.",
    "403": "The token may not write.",
    "404": "No such record among those you submitted.",
    "406": "The format asked for is not available.",
    "413": "The body is larger than the server accepts.",
    "415": "Send JSON.",
    "429": "Too many requests: wait for the seconds in Retry-After.",
}


def add_error_responses(result, generator, request, public):
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    for operations in result.get("paths", {}).values():
        for method, operation in operations.items():
            if method not in ("get", "post", "put", "patch", "delete"):
                continue
            errors = READ_ERRORS if method == "get" else WRITE_ERRORS
            responses = operation.setdefault("responses", {})
            for status, description in errors.items():
                if status in responses:
                    continue
                response = {"description": description}
                if status != "304":
                    response["content"] = {"application/json": {"schema": ERROR_REF}}
                responses[status] = response
    return result


def document_anonymous_reads(result, generator, request, public):
    """Reads need no token: say so (the token is optional on every GET)."""
    for operations in result.get("paths", {}).values():
        for method, operation in operations.items():
            if method == "get" and {} not in operation.setdefault("security", []):
                operation["security"].append({})
    return result


class ApiTokenScheme(OpenApiAuthenticationExtension):
    target_class = "casetracker.api.authentication.ApiTokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey", "in": "header", "name": "Authorization",
            "description": "A partner token, sent as `Token <key>`. Needed to write only.",
        }


HEADER = {"schema": {"type": "string"}}
VALIDATORS = {
    "ETag": {**HEADER, "description": "Send it back as If-None-Match to get 304 while the "
                                      "data is unchanged."},
    "Last-Modified": {**HEADER, "description": "When the public data it shows last changed "
                                               "(the change log's time)."},
}
CONDITIONS = [
    {"in": "header", "name": "If-None-Match", "required": False, "schema": {"type": "string"},
     "description": "The ETag of your copy: 304 if it is current."},
    {"in": "header", "name": "If-Modified-Since", "required": False,
     "schema": {"type": "string"}, "description": "The Last-Modified of your copy."},
]
RETRY_AFTER = {"Retry-After": {"schema": {"type": "integer"},
                               "description": "Seconds to wait before trying again."}}
LOCATION = {"Location": {"schema": {"type": "string", "format": "uri"},
                         "description": "The surviving record's URL."}}
SUMMARIES = {"list": "List {}", "retrieve": "Read one of the {}",
             "create": "Submit a draft to {}", "update": "Replace one of your {}",
             "partial_update": "Update one of your {}"}


def add_headers_and_summaries(result, generator, request, public):
    for path, operations in result.get("paths", {}).items():
        for method, operation in operations.items():
            if method not in ("get", "post", "put", "patch", "delete"):
                continue
            responses = operation.get("responses", {})
            if method == "get" and "/changes/" not in path and "/submissions/" not in path \
                    and "schema" not in path:
                operation.setdefault("parameters", [])
                names = {parameter["name"] for parameter in operation["parameters"]}
                operation["parameters"] += [c for c in CONDITIONS if c["name"] not in names]
                for status in ("200", "304"):
                    if status in responses:
                        responses[status].setdefault("headers", {}).update(VALIDATORS)
            if "429" in responses:
                responses["429"].setdefault("headers", {}).update(RETRY_AFTER)
            if "301" in responses:
                responses["301"].setdefault("headers", {}).update(LOCATION)
            operation.setdefault("summary", summary(operation.get("operationId", ""), path))
    return result


def summary(operation_id: str, path: str) -> str:
    """"people_list" → "List people", "people_partial_update" → "Update one of your people"."""
    parts = path.strip("/").split("/")
    resource = parts[2] if len(parts) > 2 else operation_id
    for action, text in sorted(SUMMARIES.items(), key=lambda item: -len(item[0])):
        if operation_id.endswith(f"_{action}"):
            return text.format(resource.replace("_", " "))
    return operation_id.replace("_", " ").capitalize()
