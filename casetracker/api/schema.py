"""Schema post-processing: document the error responses every operation can give.

Schema fuzzing checks that every status code a response has is documented; these are the
ones DRF and this API produce outside each view's own code.
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
