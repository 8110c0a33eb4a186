"""The OpenAPI schema says what the API answers: shapes, nullability, formats, bodies, errors."""

import re
from typing import Any

import pytest
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient

from tests.households.factories import HouseholdFactory

ERROR = {"$ref": "#/components/schemas/Error"}


@pytest.fixture(scope="module")
def schema() -> dict[str, Any]:
    return SchemaGenerator().get_schema(request=None, public=True)


def component(schema: dict[str, Any], ref: dict[str, Any]) -> dict[str, Any]:
    return schema["components"]["schemas"][ref["$ref"].rsplit("/", 1)[1]]


def answer(schema: dict[str, Any], method: str, path: str, status: int) -> dict[str, Any]:
    response = schema["paths"][path][method]["responses"][str(status)]
    return response["content"]["application/json"]["schema"]


def test_household_energy_is_an_object_with_its_buckets(schema: dict[str, Any]) -> None:
    energy = component(
        schema, answer(schema, "get", "/api/v1/households/{household_id}/energy", 200)
    )
    assert energy["type"] == "object"
    assert set(energy["required"]) == {"household", "from", "to", "resolution", "buckets"}
    assert energy["properties"]["buckets"]["items"] == {"$ref": "#/components/schemas/FlowBucket"}


def test_an_invoice_credits_no_invoice_or_one(schema: dict[str, Any]) -> None:
    credit_for = schema["components"]["schemas"]["Invoice"]["properties"]["credit_for"]
    assert credit_for["nullable"] is True


def test_joi_recommend_is_a_list_of_plan_costs(schema: dict[str, Any]) -> None:
    recommend = answer(schema, "get", "/price-plans/recommend/{smart_meter_id}", 200)
    assert recommend["type"] == "array"
    assert recommend["items"] == {
        "type": "object",
        "additionalProperties": {"type": "number", "format": "double"},
    }
    compare_all = component(
        schema, answer(schema, "get", "/price-plans/compare-all/{smart_meter_id}", 200)
    )
    assert compare_all["properties"]["pricePlanId"]["nullable"] is True
    assert compare_all["properties"]["pricePlanComparisons"]["items"] == recommend["items"]


def test_band_times_are_local_wall_clock_times(schema: dict[str, Any]) -> None:
    band = schema["components"]["schemas"]["RateBand"]["properties"]
    for name in ("starts_at", "ends_at"):
        assert "format" not in band[name]  # RFC 3339's time needs an offset; a band has none
        assert re.match(band[name]["pattern"], "22:00:00")
        assert not re.match(band[name]["pattern"], "24:00:00")


def test_the_readings_body_is_documented_as_json_and_as_csv(schema: dict[str, Any]) -> None:
    content = schema["paths"]["/api/v1/meters/{meter_id}/readings"]["post"]["requestBody"][
        "content"
    ]
    assert set(content) == {"application/json", "text/csv"}
    body = component(schema, content["application/json"]["schema"])
    sample = component(schema, body["properties"]["readings"]["items"])
    assert set(sample["required"]) == {"time", "power_kw"}
    assert sample["properties"]["time"]["oneOf"] == [
        {"type": "string", "format": "date-time"},
        {"type": "integer", "description": "epoch seconds"},
    ]
    assert content["text/csv"]["schema"]["type"] == "string"
    joi = schema["paths"]["/readings/store"]["post"]["requestBody"]["content"]
    assert set(joi) == {"application/json"}  # the body is read as JSON, whatever is declared


@pytest.mark.parametrize(
    ("method", "path", "statuses"),
    [
        ("get", "/api/v1/households/{household_id}/energy", {200, 400, 403, 404}),
        ("get", "/api/v1/households/{household_id}/estimate", {200, 403, 404}),
        ("get", "/api/v1/invoices/", {200, 400, 403}),
        ("get", "/api/v1/usage-overview", {200, 400, 403, 404}),
        ("post", "/api/v1/notifications/read-all", {200, 403}),
        ("get", "/api/v1/price-plans/{plan_id}/", {200, 404}),
        (
            "post",
            "/api/v1/meters/{meter_id}/readings",
            {200, 400, 401, 403, 404, 409, 413, 415, 429},
        ),
        ("post", "/api/v1/telegrams", {200, 201, 400, 401, 403, 409, 413, 415, 429}),
        ("post", "/readings/store", {200, 400, 401, 403, 409, 413, 429}),
        ("get", "/readings/read/{smart_meter_id}", {200, 401, 403, 404, 429}),
        ("get", "/api/v1/partners/me", {200, 401, 403, 429}),
        ("get", "/api/v1/partners/households/", {200, 401, 403, 429}),
        ("post", "/api/v1/partners/solar-arrays/", {201, 400, 401, 403, 404, 413, 415, 429}),
        ("get", "/api/v1/partners/home-batteries/{asset_id}", {200, 401, 403, 404, 429}),
        ("patch", "/api/v1/partners/vehicles/{asset_id}", {200, 400, 401, 403, 404, 413, 415, 429}),
    ],
)
def test_each_operation_documents_its_errors_with_the_error_body(
    schema: dict[str, Any], method: str, path: str, statuses: set[int]
) -> None:
    responses = schema["paths"][path][method]["responses"]
    assert {int(status) for status in responses} == statuses
    for status in statuses - {200, 201}:
        assert responses[str(status)]["content"]["application/json"]["schema"] == ERROR


@pytest.mark.django_db
def test_a_session_endpoint_answers_403_without_a_login_a_device_one_401(
    api_client: APIClient,
) -> None:
    household = HouseholdFactory.create()
    session = api_client.get(f"/api/v1/households/{household.pk}/energy")
    device = api_client.post("/api/v1/meters/m-1/readings", {}, format="json")
    assert (session.status_code, session.json()["code"]) == (403, "not_authenticated")
    assert (device.status_code, device.json()["code"]) == (401, "not_authenticated")
    assert device["WWW-Authenticate"] == "Token"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path", ["/api/v1/households/-1/energy", "/api/v1/nothing", "/readings/read/a/b"]
)
def test_an_api_url_that_matches_no_route_is_a_json_404(api_client: APIClient, path: str) -> None:
    response = api_client.get(path)
    assert response.status_code == 404
    assert response.json() == {"code": "not_found", "message": "Not found.", "extra": {}}


@pytest.mark.django_db
def test_a_page_that_does_not_exist_is_still_the_html_404(api_client: APIClient) -> None:
    response = api_client.get("/no-such-page/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


def query_parameter(schema: dict[str, Any], path: str, name: str) -> dict[str, Any]:
    parameters = schema["paths"][path]["get"]["parameters"]
    return next(p["schema"] for p in parameters if p["in"] == "query" and p["name"] == name)


def test_period_parameters_say_they_are_dates_or_instants(schema: dict[str, Any]) -> None:
    instant = {
        "anyOf": [{"type": "string", "format": "date"}, {"type": "string", "format": "date-time"}]
    }
    assert query_parameter(schema, "/api/v1/households/{household_id}/energy", "from") == instant
    assert query_parameter(schema, "/api/v1/usage-overview", "to") == instant
    day = {"type": "string", "format": "date"}
    assert query_parameter(schema, "/api/v1/households/{household_id}/daily-totals", "date") == day
    compare = "/api/v1/households/{household_id}/price-plans/compare"
    assert query_parameter(schema, compare, "from") == day
