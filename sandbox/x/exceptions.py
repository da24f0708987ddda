"""X API v2 error bodies: problem details (`title`, `detail`, `type`, `status`), 400s listing every invalid
parameter, and the 200-with-`errors` answer X gives for users it cannot find."""

from __future__ import annotations

from sandbox.http import JsonObject, Reply, json_reply

INVALID_REQUEST = "https://api.twitter.com/2/problems/invalid-request"
RESOURCE_NOT_FOUND = "https://api.twitter.com/2/problems/resource-not-found"
USAGE_CAPPED = "https://api.twitter.com/2/problems/usage-capped"
STATUS_TITLES = {500: "Internal Server Error", 503: "Service Unavailable"}


def x_problem(status: int, title: str, detail: str, problem_type: str = "about:blank") -> Reply:
    return json_reply(status, {"title": title, "detail": detail, "type": problem_type, "status": status})


def x_invalid_request(problems: list[JsonObject]) -> Reply:
    return json_reply(
        400,
        {
            "errors": problems,
            "title": "Invalid Request",
            "detail": "One or more parameters to your request was invalid.",
            "type": INVALID_REQUEST,
            "status": 400,
        },
    )


def x_not_found_error(value: str, parameter: str = "id") -> JsonObject:
    described = "id" if parameter in ("id", "ids") else "username"
    return {
        "value": value,
        "detail": f"Could not find user with {described}: [{value}].",
        "title": "Not Found Error",
        "resource_type": "user",
        "parameter": parameter,
        "resource_id": value,
        "type": RESOURCE_NOT_FOUND,
    }


def x_post_not_found_error(value: str) -> JsonObject:
    """What `GET /2/tweets?ids=` says of a post that does not exist (deleted, or never did)."""
    return {
        "value": value,
        "detail": f"Could not find tweet with ids: [{value}].",
        "title": "Not Found Error",
        "resource_type": "tweet",
        "parameter": "ids",
        "resource_id": value,
        "type": RESOURCE_NOT_FOUND,
    }


def x_referenced_post_not_found(value: str) -> JsonObject:
    """A post a page's post quotes or replies to that X cannot return (deleted, protected), named beside the data."""
    return {
        "value": value,
        "detail": f"Could not find tweet with referenced_tweets.id: [{value}].",
        "title": "Not Found Error",
        "resource_type": "tweet",
        "parameter": "referenced_tweets.id",
        "resource_id": value,
        "type": RESOURCE_NOT_FOUND,
    }


def user_suspended() -> Reply:
    """The user the request authenticates as is suspended (as X answered it in 2026; the type spelled with
    api.twitter.com). X does not document it: a locked account is expected to answer alike."""
    return x_problem(
        403,
        "Forbidden",
        "The user used for authentication is suspended",
        "https://api.twitter.com/2/problems/user-suspended",
    )


def x_user_not_found(value: str, parameter: str = "id") -> Reply:
    """X answers an unknown user with 200 and an `errors` array, not with 404."""
    return json_reply(200, {"errors": [x_not_found_error(value, parameter)]})


def unauthorized() -> Reply:
    return x_problem(401, "Unauthorized", "Unauthorized")


def resource_not_found(path: str) -> Reply:
    return x_problem(
        404, "Not Found Error", f"The requested resource {path} could not be found.", RESOURCE_NOT_FOUND
    )


def too_many_requests() -> Reply:
    return x_problem(429, "Too Many Requests", "Too Many Requests")


def usage_capped() -> Reply:
    return x_problem(
        403, "Usage capped", "Your account has used up the credits for this billing period.", USAGE_CAPPED
    )


def server_error(status: int) -> Reply:
    """500 or 503, titled as X titles them."""
    title = STATUS_TITLES[status]
    return x_problem(status, title, title)


def sandbox_failed() -> Reply:
    return x_problem(500, "Internal Server Error", "The sandbox failed on this request.")


CLIENT_FORBIDDEN = "https://api.twitter.com/2/problems/client-forbidden"
UNSUPPORTED_AUTHENTICATION = "https://api.twitter.com/2/problems/unsupported-authentication"
CREDITS_DEPLETED = "https://api.twitter.com/2/problems/credits-depleted"


def usage_cap_exceeded() -> Reply:
    """X's usage cap: a 429 whose problem says the cap, not the 15-minute window, was reached."""
    return json_reply(
        429,
        {
            "title": "UsageCapExceeded",
            "detail": "Usage cap exceeded: Monthly product cap",
            "type": USAGE_CAPPED,
            "period": "Monthly",
            "scope": "Product",
            "status": 429,
        },
    )


def credits_depleted() -> Reply:
    """Pay-per-use: the account's credits are used up (the problem type is the sandbox's reading of the docs)."""
    return x_problem(
        402,
        "Payment Required",
        "Your account does not have enough credits to complete this request.",
        CREDITS_DEPLETED,
    )


def client_not_enrolled() -> Reply:
    """The app's plan does not include the endpoint: the keys are valid, the access level is not."""
    return json_reply(
        403,
        {
            "client_id": "0",
            "detail": "When authenticating requests to the Twitter API v2 endpoints, you must use keys and tokens "
            "from a Twitter developer App that is attached to a Project. You can create a project via the "
            "developer portal.",
            "registration_url": "https://developer.twitter.com/en/docs/projects/overview",
            "title": "Client Forbidden",
            "required_enrollment": "Appropriate Level of API Access",
            "reason": "client-not-enrolled",
            "type": CLIENT_FORBIDDEN,
        },
    )


def unsupported_authentication() -> Reply:
    return x_problem(
        403,
        "Unsupported Authentication",
        "Authenticating with OAuth 2.0 Application-Only is forbidden for this endpoint.  Supported "
        "authentication types are [OAuth 1.0a User Context, OAuth 2.0 User Context].",
        UNSUPPORTED_AUTHENTICATION,
    )


def partial_errors() -> Reply:
    """A 200 with only an `errors` array: X could not return what was asked, and says so beside no data."""
    return json_reply(
        200,
        {
            "errors": [
                {
                    "title": "Authorization Error",
                    "detail": "Sorry, you are not authorized to see the requested resource.",
                    "type": "https://api.twitter.com/2/problems/not-authorized-for-resource",
                    "resource_type": "user",
                    "parameter": "id",
                    "value": "0",
                    "resource_id": "0",
                    "section": "data",
                }
            ]
        },
    )
