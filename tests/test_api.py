"""The order API: 06's Lambda handler, reached over real HTTP through the local gateway.

Routes, status codes, bodies, bad input and lifecycle; and the handler on its own with API
Gateway events (what 07 deploys).
"""

from __future__ import annotations

import json
import os
import shlex
import shutil
import socket
import subprocess

import pytest

from helpers.core import resources
from helpers.core.messages import WorkshopError
from helpers.core.sampling import wait_until
from helpers.shop import Status, speed_factor
from helpers.together import lesson
from helpers.together.api import MAX_BODY_BYTES, OrderApi, curl_commands, order_links, proxy_event, start_api
from helpers.together.api_client import compare_endpoints, follow_order, request
from helpers.together.hybrid import CONFIRMED

from .lesson_06 import handler_shop


@pytest.fixture(scope="module")
def hshop(module_own_prefix):
    """The shop the handler works on: this module's queue in ORDERS_QUEUE_URL, as on Lambda."""
    with handler_shop() as shop:
        yield shop


@pytest.fixture(scope="module")
def api(hshop):
    with speed_factor(0):
        server = OrderApi(lesson.lambda_handler, hshop, workers=2).start()
        yield server
        server.stop()


@pytest.fixture(autouse=True)
def fresh(hshop):
    hshop.shop.reset()
    hshop.shop.set_failure_rates(0)
    hshop.retry_failures = False
    yield
    hshop.shop.reset()


def payload(hshop, i: int = 0) -> dict:
    return hshop.shop.sample_orders(1, start=i)[0]


def stored_orders(hshop) -> int:
    return hshop.shop.store.count("orders")


def final(api, order_id: str, timeout: float = 10) -> dict:
    """Poll GET /orders/{id} until COMPLETED or FAILED; the last answer's body."""
    last: dict = {}

    def done() -> bool:
        nonlocal last
        last = request("GET", f"{api.url}/orders/{order_id}").body
        return last.get("status") in (Status.COMPLETED, Status.FAILED)

    assert wait_until(done, timeout, poll_s=0.05), last
    return last


# --- the three POST endpoints and the status ------------------------------------------------------


def test_sync_runs_the_whole_chain_and_answers_201_with_the_result(api, hshop):
    answer = request("POST", f"{api.url}/sync/orders", payload(hshop))
    assert answer.status == 201, answer.body
    body = answer.body
    assert body["status"] == Status.COMPLETED and body["order_id"]
    assert [s["step"] for s in body["steps"]] == ["validate", "inventory", "payment", "shipping", "email", "points"]
    assert answer.headers["Location"] == f"/orders/{body['order_id']}"
    assert answer.headers["Content-Type"].startswith("application/json")
    assert body["response_ms"] >= 0 and "complete" in body["message"]
    assert hshop.shop.store.effects([body["order_id"]])["emails"][body["order_id"]] == 1  # done before the answer
    status = request("GET", f"{api.url}/orders/{body['order_id']}")
    assert status.status == 200 and status.body["status"] == Status.COMPLETED
    assert status.body["steps_done"] == status.body["steps_total"] == 6


def test_async_answers_202_with_a_location_and_a_worker_completes_it(api, hshop):
    answer = request("POST", f"{api.url}/async/orders", payload(hshop, 1))
    assert answer.status == 202, answer.body
    oid = answer.body["order_id"]
    assert answer.body["status"] == Status.ACCEPTED
    assert answer.headers["Location"] == f"/orders/{oid}"
    assert answer.body["status_url"] == f"{api.url}/orders/{oid}"
    done = final(api, oid)
    assert done["status"] == Status.COMPLETED and done["steps_done"] == 6
    assert set(done["steps"].values()) == {"ok"}


def test_hybrid_charges_before_answering_201_and_queues_the_rest(api, hshop):
    answer = request("POST", f"{api.url}/hybrid/orders", payload(hshop, 2))
    assert answer.status == 201, answer.body
    oid = answer.body["order_id"]
    assert answer.body["status"] == CONFIRMED
    assert [s["step"] for s in answer.body["steps"]] == ["validate", "inventory", "payment"]
    assert answer.body["queued_steps"] == ["shipping", "email", "points"]
    effects = hshop.shop.store.effects([oid])
    assert effects["payments"][oid] == 1 and effects["reservations"][oid] == 1  # before the answer
    done = final(api, oid)
    assert done["status"] == Status.COMPLETED and done["steps_done"] == 6
    assert hshop.shop.store.effects([oid])["payments"][oid] == 1  # the worker did not charge again


def test_status_shows_per_step_progress_while_a_worker_runs(api, hshop):
    hshop.shop.configure("email", median_ms=400, p95_ms=400)
    with speed_factor(1):
        timeline = follow_order(api, payload(hshop, 3), interval_ms=20)
    assert timeline.post.status == 202
    assert timeline.statuses_seen[0] == Status.ACCEPTED and timeline.final_status == Status.COMPLETED
    assert timeline.progress_never_went_back
    partial = [s for s in timeline.samples if 1 < s.steps_done < 6]
    assert partial, [s.steps_done for s in timeline.samples]  # seen half-way: progress is per step
    assert timeline.seen_final_ms >= timeline.finished_ms >= timeline.answered_ms


def test_an_unknown_order_is_404_with_a_sentence(api):
    for oid in ("ord-doesnotexist", "not%20an%20id"):
        answer = request("GET", f"{api.url}/orders/{oid}")
        assert answer.status == 404 and "no order" in answer.error


# --- bad input changes nothing ---------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/sync/orders", "/async/orders", "/hybrid/orders"])
@pytest.mark.parametrize("data", ["{not json", "", "\xff\xfe", "[1, 2"])
def test_invalid_json_is_400_and_nothing_is_stored(api, hshop, path, data):
    before = stored_orders(hshop)
    answer = request("POST", api.url + path, data=data.encode("latin-1"))
    assert answer.status == 400
    assert set(answer.body) == {"error"} and "not valid JSON" in answer.error
    assert stored_orders(hshop) == before


@pytest.mark.parametrize("path", ["/sync/orders", "/async/orders", "/hybrid/orders"])
def test_every_invalid_order_is_400_with_the_domains_sentence_and_nothing_is_stored(api, hshop, path):
    before = stored_orders(hshop)
    depth_before = resources.queue_depth(hshop.queue_url)["visible"]
    for example in hshop.shop.invalid_examples():
        answer = request("POST", api.url + path, example["payload"])
        assert answer.status == 400, (example["why"], answer.body)
        assert set(answer.body) == {"error"} and len(answer.error) > 20
    assert stored_orders(hshop) == before
    assert resources.queue_depth(hshop.queue_url)["visible"] == depth_before


def test_a_json_array_or_string_is_an_invalid_order(api):
    for body in ([1, 2], "an order"):
        answer = request("POST", f"{api.url}/async/orders", body)
        assert answer.status == 400 and "object" in answer.error


def test_unknown_paths_are_404(api):
    for method, path in [("GET", "/"), ("POST", "/orders"), ("GET", "/async/order"), ("POST", "/sync/orders/x")]:
        answer = request(method, api.url + path, {} if method == "POST" else None)
        assert answer.status == 404 and "POST /async/orders" in answer.error, (method, path)


@pytest.mark.parametrize(
    ("method", "path", "allowed"),
    [("GET", "/async/orders", "POST"), ("PUT", "/sync/orders", "POST"), ("DELETE", "/hybrid/orders", "POST"),
     ("POST", "/orders/ord-1", "GET, HEAD"), ("DELETE", "/orders/ord-1", "GET, HEAD"),
     ("PATCH", "/orders/ord-1", "GET, HEAD")],
)
def test_wrong_methods_are_405_with_an_allow_header(api, method, path, allowed):
    answer = request(method, api.url + path)
    assert answer.status == 405
    assert answer.headers["Allow"] == allowed and f"use {allowed}" in answer.error


def test_a_body_over_the_limit_is_413_and_nothing_is_stored(api, hshop):
    before = stored_orders(hshop)
    big = {**payload(hshop), "note": "x" * (MAX_BODY_BYTES + 10)}
    answer = request("POST", f"{api.url}/async/orders", big)
    assert answer.status == 413 and "at most" in answer.error
    assert stored_orders(hshop) == before


def test_head_on_a_status_has_headers_but_no_body(api, hshop):
    oid = request("POST", f"{api.url}/sync/orders", payload(hshop, 4)).order_id
    answer = request("HEAD", f"{api.url}/orders/{oid}")
    assert answer.status == 200 and answer.body is None and int(answer.headers["Content-Length"]) > 0


# --- a downstream failure: what each design answers ---------------------------------------------------


def test_payment_down_sync_and_hybrid_answer_502_async_accepts_then_fails(api, hshop):
    with hshop.shop.service("payment").outage():
        sync = request("POST", f"{api.url}/sync/orders", payload(hshop, 5))
        hybrid = request("POST", f"{api.url}/hybrid/orders", payload(hshop, 6))
        later = request("POST", f"{api.url}/async/orders", payload(hshop, 7))
        assert sync.status == 502 and sync.body["failed_step"] == "payment" and sync.body["status"] == Status.FAILED
        assert hybrid.status == 502 and hybrid.body["failed_step"] == "payment"
        assert "not completed" in hybrid.body["message"]
        assert later.status == 202
        failed = final(api, later.order_id)
    assert failed["status"] == Status.FAILED and failed["failed_step"] == "payment"
    assert failed["steps"]["payment"] == "unavailable" and failed["steps"]["shipping"] == "pending"
    # nothing was queued for the hybrid order that failed before its answer
    assert request("GET", f"{api.url}/orders/{hybrid.order_id}").body["status"] == Status.FAILED


def test_out_of_stock_is_409(api, hshop):
    pid = payload(hshop)["items"][0]["product_id"]
    hshop.shop.store._ddb.put_item(TableName=hshop.shop.store.tables["stock"],
                                   Item={"product_id": {"S": pid}, "available": {"N": "0"}})
    try:
        answer = request("POST", f"{api.url}/hybrid/orders", {"customer_id": "c", "items": [
            {"product_id": pid, "quantity": 1}]})
        assert answer.status == 409 and answer.body["failed_step"] == "inventory"
    finally:
        hshop.shop.store.reset_stock(hshop.shop.catalog)


# --- measuring, curl ----------------------------------------------------------------------------


def test_compare_endpoints_measures_each_path_and_waits_for_queued_orders(api, hshop):
    cmp = compare_endpoints(api, n=3, paths=("/sync/orders", "/async/orders", "/hybrid/orders"))
    assert [run.statuses for run in cmp.runs.values()] == [[201] * 3, [202] * 3, [201] * 3]
    assert all(len(run.ms) == 3 and min(run.ms) > 0 for run in cmp.runs.values())
    ids = [oid for run in cmp.runs.values() for oid in run.order_ids]
    assert len(ids) == 9 and all(hshop.status_of(oid)["status"] == Status.COMPLETED for oid in ids)  # waited for
    assert cmp.ratio("/sync/orders", "/async/orders") > 0


def test_compare_endpoints_refuses_a_silly_n(api):
    with pytest.raises(WorkshopError, match="from 1 to 200"):
        compare_endpoints(api, n=0)


def test_curl_commands_carry_the_port_and_a_valid_order(api, hshop):
    cmds = api.curl_commands()
    assert all(f"127.0.0.1:{api.port}" in c for c in cmds.values())
    timed = cmds["async: seconds until the answer"]
    args = shlex.split(timed)
    assert args[:4] == ["curl", "-s", "-o", "/dev/null"] and args[5] == "%{time_total}\\n"
    order = json.loads(args[args.index("-d") + 1])
    hshop.shop.validate(order)  # a valid order: no exception
    assert "ORDER_ID" in cmds["status of an order (paste an order id)"]
    readme = curl_commands("http://127.0.0.1:PORT", order)
    assert "http://127.0.0.1:PORT/sync/orders" in readme["sync: seconds until the answer"]


@pytest.mark.skipif(shutil.which("curl") is None, reason="curl is not installed")
def test_the_printed_curl_commands_work_from_a_terminal(api):
    env = {k: v for k, v in os.environ.items() if "proxy" not in k.lower()}
    cmds = api.curl_commands()
    for label in ("sync: seconds until the answer", "async: seconds until the answer"):
        out = subprocess.run(shlex.split(cmds[label]), capture_output=True, text=True, timeout=30, env=env)
        assert out.returncode == 0, out.stderr
        assert float(out.stdout.strip().replace("\\n", "")) > 0
    answer = subprocess.run(shlex.split(cmds["async: the answer itself (202, Location)"]), capture_output=True,
                            text=True, timeout=30, env=env).stdout
    assert answer.startswith("HTTP/1.0 202") and "Location: /orders/ord-" in answer


# --- lifecycle ----------------------------------------------------------------------------------------


def refused(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return False
    except OSError:
        return True


def test_stop_is_idempotent_closes_the_port_and_start_reuses_it(hshop):
    server = OrderApi(lesson.lambda_handler, hshop, workers=1).start()
    port = server.port
    assert request("GET", f"{server.url}/orders/nope").status == 404
    server.stop()
    server.stop()
    assert not server.running and refused(port)
    with pytest.raises(WorkshopError, match="not running"):
        _ = server.url
    with pytest.raises(WorkshopError, match="Nothing answered"):
        request("GET", f"http://127.0.0.1:{port}/orders/x", timeout=2)
    server.start()
    try:
        assert server.port == port and request("GET", f"{server.url}/orders/nope").status == 404
    finally:
        server.stop()


def test_the_context_manager_stops_the_server_and_its_workers(hshop):
    with OrderApi(lesson.lambda_handler, hshop, workers=1) as server:
        port = server.port
        assert server.pool is not None and server.pool.running
        pool = server.pool
    assert refused(port) and not pool.running


def test_start_api_replaces_the_previous_api_on_the_same_port(hshop):
    first = start_api(lesson.lambda_handler, hshop, workers=1)
    try:
        second = start_api(lesson.lambda_handler, hshop, workers=1)
        assert not first.running and second.running and second.port == first._last_port
    finally:
        second.stop()


def test_bad_workers_is_one_sentence(hshop):
    with pytest.raises(WorkshopError, match="whole number from 0 to 32"):
        OrderApi(lesson.lambda_handler, hshop, workers=-1)
    with pytest.raises(WorkshopError, match="handler\\(event, context\\)"):
        OrderApi(hshop, hshop)


def test_the_server_log_records_requests(api):
    request("GET", f"{api.url}/nowhere")
    entry = api.log[-1]
    assert (entry.method, entry.path, entry.status) == ("GET", "/nowhere", 404)


# --- what the customer is told --------------------------------------------------------------------------


def test_what_the_customer_is_told_with_payment_up_and_down(api, hshop):
    from helpers.together.api_client import what_the_customer_is_told

    told = what_the_customer_is_told(api, down="payment", start=10)
    assert len(told.rows) == 6
    up = [r for r in told.rows if r.case == "every service up"]
    assert [r.http_status for r in up] == [201, 201, 202]
    assert all(r.final_status == Status.COMPLETED for r in up)
    down = "the payment service is down"
    assert told.row(down, "/sync/orders").http_status == 502
    assert told.row(down, "/hybrid/orders").http_status == 502
    late = told.row(down, "/async/orders")
    assert late.http_status == 202 and "received" in late.message  # told "received"…
    assert (late.final_status, late.failed_step) == (Status.FAILED, "payment")  # …and it failed later
    assert "FAILED at payment" in str(told.table())
    assert not hshop.shop.service("payment").is_down  # the outage ended


def test_compare_endpoints_takes_the_endpoints_in_turn_unless_asked_not_to(api):
    paths = ("/sync/orders", "/async/orders")
    compare_endpoints(api, n=2, paths=paths, start=3)
    posts = [e.path for e in api.log if e.method == "POST"][-4:]
    assert posts == ["/sync/orders", "/async/orders"] * 2
    cmp = compare_endpoints(api, n=2, paths=paths, start=3, interleave=False)
    posts = [e.path for e in api.log if e.method == "POST"][-4:]
    assert posts == ["/sync/orders"] * 2 + ["/async/orders"] * 2
    assert list(cmp.only("/async/orders").runs) == ["/async/orders"]


# --- the handler on its own: what API Gateway sends and gets back (what 07 deploys) ------------------------


def test_the_handler_answers_an_api_gateway_event_without_any_server(hshop):
    event = proxy_event("POST", "/async/orders", body=json.dumps(payload(hshop, 20)))
    answer = lesson.lambda_handler(event, None)
    assert answer["statusCode"] == 202 and answer["isBase64Encoded"] is False
    body = json.loads(answer["body"])
    assert answer["multiValueHeaders"]["Location"] == [f"/orders/{body['order_id']}"]
    assert body["status"] == Status.ACCEPTED and "received" in body["message"]
    # stored by 03's accept_order; the module's running workers may already be processing it
    assert hshop.shop.store.get_order(body["order_id"]) is not None


def test_behind_a_stage_the_location_keeps_the_stage_prefix(hshop):
    event = proxy_event("POST", "/async/orders", body=json.dumps(payload(hshop, 21)),
                        headers={"Host": "abc.execute-api.ap-northeast-1.amazonaws.com", "X-Forwarded-Proto": "https"})
    event["requestContext"]["path"] = "/prod/async/orders"  # what API Gateway sends for a stage
    answer = lesson.lambda_handler(event, None)
    body = json.loads(answer["body"])
    location = f"/prod/orders/{body['order_id']}"
    assert answer["multiValueHeaders"]["Location"] == [location]
    assert body["status_url"] == f"https://abc.execute-api.ap-northeast-1.amazonaws.com{location}"
    assert order_links(event, "x") == ("/prod/orders/x", "https://abc.execute-api.ap-northeast-1.amazonaws.com/prod/orders/x")


def test_a_body_that_is_not_utf8_travels_base64_and_is_a_400(hshop):
    event = proxy_event("POST", "/sync/orders", body=b"\xff\xfe{")
    assert event["isBase64Encoded"] is True
    answer = lesson.lambda_handler(event, None)
    assert answer["statusCode"] == 400 and "not valid JSON" in json.loads(answer["body"])["error"]


def test_a_handler_that_raises_is_a_500_with_one_sentence(hshop):
    def broken(event, context):
        raise RuntimeError("the database is on fire")

    with OrderApi(broken, hshop, workers=0) as server:
        answer = request("GET", f"{server.url}/orders/x")
    assert answer.status == 500 and "RuntimeError: the database is on fire" in answer.error


def test_the_handler_gets_a_lambda_like_context(hshop):
    seen = {}

    def spy(event, context):
        seen.update(method=event["httpMethod"], path=event["path"], query=event["queryStringParameters"],
                    remaining=context.get_remaining_time_in_millis(), name=context.function_name)
        return {"statusCode": 204, "body": ""}

    with OrderApi(spy, hshop, workers=0) as server:
        assert request("GET", f"{server.url}/orders/ord%201?verbose=1").status == 204
    assert seen["method"] == "GET" and seen["path"] == "/orders/ord 1" and seen["query"] == {"verbose": "1"}
    assert 0 < seen["remaining"] <= 30_000 and seen["name"] == "order-api"


def test_a_japanese_answer_is_readable_utf8_not_escaped(hshop):
    from helpers.core import i18n

    i18n.use_language("ja")
    try:
        answer = lesson.lambda_handler(proxy_event("POST", "/async/orders", body="not json"), None)
    finally:
        i18n.reset_language()
    assert answer["statusCode"] == 400
    error = json.loads(answer["body"])["error"]
    assert any("\u3040" <= ch <= "\u30ff" for ch in error)  # kana: the sentence is Japanese
    assert error[:10] in answer["body"] and "\\u" not in answer["body"]  # as written, so curl shows it as is
