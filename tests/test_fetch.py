"""threadpress.fetch against a real HTTP server on 127.0.0.1 (tests/httpserver.py); no httpx mocks."""

from __future__ import annotations

import email.utils
import json
import re
import threading
import time
from pathlib import Path

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from httpserver import Reply, ScriptedServer, free_port
from threadpress import __version__
from threadpress.errors import FetchError
from threadpress.fetch import (
    DEFAULT_USER_AGENT,
    Fetcher,
    FetchResult,
    _decode_entry,
    _DiskCache,
    _parse_retry_after,
)


class Sleeps(list):
    """An injectable `sleep` that records the delays instead of sleeping."""

    def __call__(self, seconds: float) -> None:
        self.append(seconds)


@pytest.fixture
def sleeps():
    return Sleeps()


@pytest.fixture
def fetcher(sleeps):
    with Fetcher(sleep=sleeps, timeout=2.0) as f:
        yield f


def assert_one_line(exc: pytest.ExceptionInfo, url: str, problem: str) -> None:
    message = str(exc.value)
    assert "\n" not in message
    assert message.startswith(url), message
    assert problem in message, message


# -- basics: user agent, result, content type ----------------------------------------------------


def test_get_returns_body_status_headers_and_sends_our_user_agent(server, fetcher):
    server.route("/page", Reply(200, "héllo", {"Content-Type": "text/HTML; charset=utf-8", "X-Thing": "1"}))
    result = fetcher.get(server.url("/page"))
    assert result == FetchResult(server.url("/page"), server.url("/page"), 200, result.headers,
                                 "héllo".encode(), from_cache=False)
    assert result.headers["x-thing"] == "1" and all(k == k.lower() for k in result.headers)
    assert result.content_type == "text/html"
    ua = server.requests_for("/page")[0].headers["user-agent"]
    assert ua == DEFAULT_USER_AGENT
    assert re.match(rf"threadpress/{re.escape(__version__)} \(\+", ua)
    # no hostname (anything dotted other than the version) in the default user agent
    assert not re.search(r"[a-z][a-z0-9-]*\.[a-z]{2,}", ua.replace(__version__, ""), re.I)


def test_custom_user_agent_is_sent(server, sleeps):
    server.route("/", Reply(200, "ok"))
    with Fetcher(user_agent="threadpress-test/9", sleep=sleeps) as f:
        f.get(server.url("/"))
    assert server.requests_for("/")[0].headers["user-agent"] == "threadpress-test/9"


def test_content_type_absent_is_none(server, fetcher):
    server.route("/raw", Reply(200, b"\x00\x01"))
    assert fetcher.get(server.url("/raw")).content_type is None


def test_query_string_is_part_of_the_route(server, fetcher):
    server.route("/t?page=2", Reply(200, "two"))
    server.route("/t", Reply(200, "one"))
    assert fetcher.get(server.url("/t?page=2")).content == b"two"


def test_injected_transport_is_used(server, sleeps):
    class Counting(httpx.BaseTransport):
        def __init__(self) -> None:
            self.inner, self.count = httpx.HTTPTransport(), 0

        def handle_request(self, request: httpx.Request) -> httpx.Response:
            self.count += 1
            return self.inner.handle_request(request)

        def close(self) -> None:
            self.inner.close()

    server.route("/", Reply(200, "ok"))
    transport = Counting()
    with Fetcher(transport=transport, sleep=sleeps) as f:
        assert f.get(server.url("/")).content == b"ok"
    assert transport.count == 2  # robots.txt, then the page


# -- schemes and error messages -------------------------------------------------------------------


@pytest.mark.parametrize("url", ["ftp://127.0.0.1/x", "file:///etc/passwd", "javascript:alert(1)", "/relative",
                                 "data:text/plain,hi"])
def test_non_http_schemes_are_refused(fetcher, url):
    with pytest.raises(FetchError) as exc:
        fetcher.get(url)
    assert_one_line(exc, url, "only http and https")


def test_404_is_one_line_error_without_retry(server, fetcher, sleeps):
    url = server.url("/missing")
    with pytest.raises(FetchError) as exc:
        fetcher.get(url)
    assert str(exc.value) == f"{url}: HTTP 404 Not Found"
    assert sleeps == [] and len(server.requests_for("/missing")) == 1


@pytest.mark.parametrize("status", [400, 401, 403, 410, 418])
def test_other_4xx_are_not_retried(server, fetcher, sleeps, status):
    server.route("/x", Reply(status))
    with pytest.raises(FetchError, match=rf": HTTP {status}\b"):
        fetcher.get(server.url("/x"))
    assert sleeps == [] and len(server.requests_for("/x")) == 1


# -- size cap and timeouts ------------------------------------------------------------------------


def test_too_large_content_length_is_rejected_before_reading(server, sleeps):
    # announces 10 MB but sends 5 bytes and hangs up: only an early rejection names the size
    server.route("/big", Reply(200, "small", content_length=10 * 2**20))
    with Fetcher(max_bytes=2**20, sleep=sleeps) as f, pytest.raises(FetchError) as exc:
        f.get(server.url("/big"))
    assert_one_line(exc, server.url("/big"), "response larger than 1 MB (Content-Length 10485760)")


def test_streamed_body_over_the_cap_is_cut_off(server, sleeps):
    server.route("/chunked", Reply(200, b"x" * 300_000, chunked=True))
    with Fetcher(max_bytes=100_000, sleep=sleeps) as f, pytest.raises(FetchError) as exc:
        f.get(server.url("/chunked"))
    assert_one_line(exc, server.url("/chunked"), "response larger than 97.7 KB")
    assert sleeps == []  # not retried


def test_cap_applies_to_decompressed_size(server, sleeps):
    server.route("/bomb", Reply(200, b"\0" * 2_000_000, gzip=True))  # ~2 KB on the wire
    with Fetcher(max_bytes=2**20, sleep=sleeps) as f, pytest.raises(FetchError, match="larger than 1 MB"):
        f.get(server.url("/bomb"))


def test_body_exactly_at_the_cap_is_fine(server, sleeps):
    server.route("/exact", Reply(200, b"y" * 50_000, chunked=True))
    with Fetcher(max_bytes=50_000, sleep=sleeps) as f:
        assert len(f.get(server.url("/exact")).content) == 50_000


def test_read_timeout_is_retried_then_reported(server, sleeps):
    server.route("/slow", Reply(200, "late", delay=0.5))
    with Fetcher(timeout=0.15, retries=2, sleep=sleeps, respect_robots=False) as f:
        assert f._client.timeout == httpx.Timeout(0.15)  # connect, read, write and pool
        with pytest.raises(FetchError) as exc:
            f.get(server.url("/slow"))
    assert str(exc.value) == f"{server.url('/slow')}: timed out after 2 retries"
    assert len(sleeps) == 2 and len(server.requests_for("/slow")) == 3


def test_timeout_then_success(server, sleeps):
    server.route("/flaky", Reply(200, "late", delay=0.5), Reply(200, "on time"))
    with Fetcher(timeout=0.15, sleep=sleeps, respect_robots=False) as f:
        assert f.get(server.url("/flaky")).content == b"on time"
    assert len(sleeps) == 1


# -- retries and backoff --------------------------------------------------------------------------


def test_503_503_200_succeeds_after_two_backoff_sleeps(server, sleeps):
    server.route("/p", Reply(503), Reply(503), Reply(200, "finally"))
    with Fetcher(backoff=1.0, sleep=sleeps, respect_robots=False) as f:
        result = f.get(server.url("/p"))
    assert result.content == b"finally" and result.status == 200
    assert len(sleeps) == 2
    assert 0.5 <= sleeps[0] <= 1.0 and 1.0 <= sleeps[1] <= 2.0  # exponential, with jitter


@pytest.mark.parametrize("status", [429, 500, 502, 503, 504])
def test_retryable_statuses_give_up_after_retries(server, sleeps, status):
    server.route("/down", Reply(status))
    with Fetcher(retries=3, sleep=sleeps, respect_robots=False) as f, pytest.raises(FetchError) as exc:
        f.get(server.url("/down"))
    assert re.fullmatch(rf"{re.escape(server.url('/down'))}: HTTP {status} [A-Za-z ]+ after 3 retries",
                        str(exc.value))
    assert len(server.requests_for("/down")) == 4 and len(sleeps) == 3


def test_retries_zero_means_one_attempt(server, sleeps):
    server.route("/down", Reply(500))
    with Fetcher(retries=0, sleep=sleeps, respect_robots=False) as f, pytest.raises(FetchError) as exc:
        f.get(server.url("/down"))
    assert str(exc.value) == f"{server.url('/down')}: HTTP 500 Internal Server Error"
    assert sleeps == []


def test_retry_after_seconds_is_honoured(server, sleeps):
    server.route("/busy", Reply(429, headers={"Retry-After": "3"}), Reply(200, "ok"))
    with Fetcher(sleep=sleeps, respect_robots=False) as f:
        assert f.get(server.url("/busy")).content == b"ok"
    assert sleeps == [3.0]


def test_retry_after_http_date_is_honoured(server, sleeps):
    when = email.utils.formatdate(time.time() + 10, usegmt=True)
    server.route("/busy", Reply(503, headers={"Retry-After": when}), Reply(200, "ok"))
    with Fetcher(sleep=sleeps, respect_robots=False) as f:
        f.get(server.url("/busy"))
    assert len(sleeps) == 1 and 8.0 <= sleeps[0] <= 10.0


def test_retry_after_is_capped_at_max_backoff(server, sleeps):
    server.route("/busy", Reply(503, headers={"Retry-After": "86400"}), Reply(200, "ok"))
    with Fetcher(max_backoff=30.0, sleep=sleeps, respect_robots=False) as f:
        f.get(server.url("/busy"))
    assert sleeps == [30.0]


def test_exponential_backoff_is_capped_at_max_backoff(server, sleeps):
    server.route("/down", Reply(502))
    with Fetcher(backoff=10.0, max_backoff=15.0, retries=4, sleep=sleeps, respect_robots=False) as f:
        with pytest.raises(FetchError):
            f.get(server.url("/down"))
    assert len(sleeps) == 4 and all(s <= 15.0 for s in sleeps) and sleeps[-1] >= 7.5


def test_jitter_varies_the_delays(server, sleeps):
    server.route("/down", Reply(503))
    with Fetcher(backoff=1.0, max_backoff=1.0, retries=8, sleep=sleeps, respect_robots=False) as f:
        with pytest.raises(FetchError):
            f.get(server.url("/down"))
    assert len(set(sleeps)) > 1 and all(0.5 <= s <= 1.0 for s in sleeps)


def test_connection_refused_is_retried_then_reported(sleeps):
    url = f"http://127.0.0.1:{free_port()}/x"
    with Fetcher(retries=2, sleep=sleeps, respect_robots=False) as f, pytest.raises(FetchError) as exc:
        f.get(url)
    assert_one_line(exc, url, "could not connect")
    assert str(exc.value).endswith("after 2 retries") and len(sleeps) == 2


def test_connection_reset_is_retried(server, sleeps):
    server.route("/reset", Reply(drop=True), Reply(200, "back"))
    with Fetcher(sleep=sleeps, respect_robots=False) as f:
        assert f.get(server.url("/reset")).content == b"back"
    assert len(sleeps) == 1 and len(server.requests_for("/reset")) == 2


@pytest.mark.parametrize(("value", "expected"), [("3", 3.0), (" 0 ", 0.0), ("120", 120.0), ("-1", None),
                                                 ("soon", None), ("", None), ("1.5", None)])
def test_parse_retry_after_delta_seconds(value, expected):
    assert _parse_retry_after(value, now=0.0) == expected


def test_parse_retry_after_http_date():
    now = 1_767_000_000.0
    assert _parse_retry_after(email.utils.formatdate(now + 42, usegmt=True), now=now) == 42.0
    assert _parse_retry_after(email.utils.formatdate(now - 42, usegmt=True), now=now) == 0.0  # past: go now
    assert _parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", now=784111777.0) == 0.0


# -- redirects ------------------------------------------------------------------------------------


def test_redirects_are_followed_and_final_url_recorded(server, fetcher):
    server.route("/old", Reply(301, headers={"Location": "/mid?x=1"}))
    server.route("/mid?x=1", Reply(302, headers={"Location": server.url("/new")}))
    server.route("/new", Reply(200, "here"))
    result = fetcher.get(server.url("/old"))
    assert (result.url, result.final_url, result.content) == (server.url("/old"), server.url("/new"), b"here")


@pytest.mark.parametrize("location", ["ftp://127.0.0.1/x", "file:///etc/passwd", "javascript:alert(1)"])
def test_redirect_to_non_http_scheme_is_refused(server, fetcher, location):
    server.route("/go", Reply(302, headers={"Location": location}))
    with pytest.raises(FetchError) as exc:
        fetcher.get(server.url("/go"))
    assert_one_line(exc, server.url("/go"), "redirect")


def test_redirect_loop_is_stopped(server, fetcher):
    server.route("/a", Reply(302, headers={"Location": "/b"}))
    server.route("/b", Reply(302, headers={"Location": "/a"}))
    with pytest.raises(FetchError) as exc:
        fetcher.get(server.url("/a"))
    assert_one_line(exc, server.url("/a"), "more than 10 redirects")


def test_redirect_target_is_checked_against_its_own_robots_txt(fetcher):
    with ScriptedServer() as a, ScriptedServer() as b:
        a.route("/go", Reply(302, headers={"Location": b.url("/secret")}))
        b.robots("User-agent: *\nDisallow: /secret\n")
        with pytest.raises(FetchError) as exc:
            fetcher.get(a.url("/go"))
        assert_one_line(exc, a.url("/go"), "disallowed by robots.txt")
        assert b.url("/secret") in str(exc.value)
        assert b.paths() == ["/robots.txt"]


def test_error_after_redirect_names_both_urls(server, fetcher):
    server.route("/go", Reply(302, headers={"Location": "/gone"}))
    with pytest.raises(FetchError) as exc:
        fetcher.get(server.url("/go"))
    assert str(exc.value) == f"{server.url('/go')} (redirected to {server.url('/gone')}): HTTP 404 Not Found"


# -- robots.txt -----------------------------------------------------------------------------------


ROBOTS = """\
User-agent: *
Disallow: /

User-agent: threadpress
Disallow: /private
Disallow: /*?sort=
Allow: /
"""


def test_robots_rules_for_our_token_are_applied(server, fetcher):
    server.robots(ROBOTS)
    server.route("/thread", Reply(200, "ok"))
    assert fetcher.get(server.url("/thread")).content == b"ok"  # allowed for us, though not for "*"
    for path in ("/private/1", "/thread?sort=new"):
        with pytest.raises(FetchError) as exc:
            fetcher.get(server.url(path))
        assert str(exc.value) == f"{server.url(path)}: disallowed by robots.txt"
    assert server.paths() == ["/robots.txt", "/thread"]  # robots.txt fetched once, refused pages never


def test_robots_wildcard_for_everyone_applies_to_us(server, fetcher):
    server.robots("User-agent: *\nDisallow: /*.json$\n")
    server.route("/t.json", Reply(200, "{}"))
    server.route("/t.json?x", Reply(200, "{}"))
    with pytest.raises(FetchError, match="disallowed by robots.txt"):
        fetcher.get(server.url("/t.json"))
    assert fetcher.get(server.url("/t.json?x")).content == b"{}"


@pytest.mark.parametrize("status", [401, 403, 404, 410])
def test_robots_4xx_means_allow_all(server, fetcher, status):
    server.route("/robots.txt", Reply(status))
    server.route("/x", Reply(200, "ok"))
    assert fetcher.get(server.url("/x")).content == b"ok"


@pytest.mark.parametrize("status", [500, 503])
def test_robots_5xx_means_disallow_all(server, sleeps, status):
    server.route("/robots.txt", Reply(status))
    server.route("/x", Reply(200, "ok"))
    with Fetcher(retries=1, sleep=sleeps) as f, pytest.raises(FetchError) as exc:
        f.get(server.url("/x"))
    assert_one_line(exc, server.url("/x"), f"disallowed by robots.txt (robots.txt answered HTTP {status}")
    assert "/x" not in server.paths() and len(server.requests_for("/robots.txt")) == 2  # retried once


def test_robots_unreachable_means_disallow_all(server, sleeps):
    server.route("/robots.txt", Reply(drop=True))
    server.route("/x", Reply(200, "ok"))
    with Fetcher(retries=0, sleep=sleeps) as f, pytest.raises(FetchError) as exc:
        f.get(server.url("/x"))
    assert_one_line(exc, server.url("/x"), "disallowed by robots.txt (robots.txt unreachable")
    assert "/x" not in server.paths()


def test_robots_redirect_is_followed(server, fetcher):
    server.route("/robots.txt", Reply(301, headers={"Location": "/real-robots.txt"}))
    server.route("/real-robots.txt", Reply(200, "User-agent: *\nDisallow: /no\n"))
    with pytest.raises(FetchError, match="disallowed"):
        fetcher.get(server.url("/no"))


def test_robots_txt_is_cached_in_memory_for_24_hours(server, fetcher):
    server.robots("User-agent: *\nDisallow: /no\n")
    server.route("/yes", Reply(200, "ok"))
    now = [1_000_000.0]
    fetcher._clock = lambda: now[0]
    fetcher.get(server.url("/yes"))
    now[0] += 23 * 3600
    fetcher.get(server.url("/yes"))
    assert len(server.requests_for("/robots.txt")) == 1
    now[0] += 2 * 3600
    server.robots("User-agent: *\nDisallow: /yes\n")
    with pytest.raises(FetchError, match="disallowed by robots.txt"):
        fetcher.get(server.url("/yes"))
    assert len(server.requests_for("/robots.txt")) == 2


def test_robots_txt_is_cached_on_disk(server, sleeps, tmp_path):
    server.robots("User-agent: *\nDisallow: /no\n")
    server.route("/yes", Reply(200, "ok"))
    with Fetcher(cache_dir=tmp_path, sleep=sleeps) as f:
        f.get(server.url("/yes"))
    with Fetcher(cache_dir=tmp_path, sleep=sleeps) as f:
        f.get(server.url("/yes"))
        with pytest.raises(FetchError, match="disallowed"):
            f.get(server.url("/no"))
    assert len(server.requests_for("/robots.txt")) == 1
    # older than 24 h on disk: fetched again
    with Fetcher(cache_dir=tmp_path, sleep=sleeps) as f:
        f._clock = lambda: time.time() + 25 * 3600
        f.get(server.url("/yes"))
    assert len(server.requests_for("/robots.txt")) == 2


def test_robots_failure_is_not_cached_on_disk(server, sleeps, tmp_path):
    server.route("/robots.txt", Reply(503), Reply(200, "User-agent: *\nAllow: /\n"))
    server.route("/x", Reply(200, "ok"))
    with Fetcher(cache_dir=tmp_path, retries=0, sleep=sleeps) as f, pytest.raises(FetchError):
        f.get(server.url("/x"))
    with Fetcher(cache_dir=tmp_path, retries=0, sleep=sleeps) as f:
        assert f.get(server.url("/x")).content == b"ok"


def test_robots_failure_is_remembered_only_briefly(server, fetcher):
    server.route("/robots.txt", Reply(503), Reply(404))
    server.route("/x", Reply(200, "ok"))
    now = [1_000_000.0]
    fetcher.retries = 0
    fetcher._clock = lambda: now[0]
    for _ in range(2):
        with pytest.raises(FetchError, match="disallowed by robots.txt"):
            fetcher.get(server.url("/x"))
    assert len(server.requests_for("/robots.txt")) == 1
    now[0] += 11 * 60  # the "disallow all" verdict of a 5xx lasts 10 minutes, not 24 hours
    assert fetcher.get(server.url("/x")).content == b"ok"


def test_huge_robots_txt_is_truncated_not_fatal(server, fetcher):
    server.robots("User-agent: *\nDisallow: /no\n" + "# padding\n" * 100_000)  # ~1 MB
    server.route("/yes", Reply(200, "ok"))
    assert fetcher.get(server.url("/yes")).content == b"ok"
    with pytest.raises(FetchError, match="disallowed"):
        fetcher.get(server.url("/no"))


def test_respect_robots_false_skips_robots_txt(server, sleeps):
    server.robots("User-agent: *\nDisallow: /\n")
    server.route("/x", Reply(200, "ok"))
    with Fetcher(respect_robots=False, sleep=sleeps) as f:
        assert f.get(server.url("/x")).content == b"ok"
    assert server.paths() == ["/x"]


def test_crawl_delay_paces_requests(server, sleeps):
    server.robots("User-agent: threadpress\nCrawl-delay: 7\nAllow: /\n")
    server.route("/x", Reply(200, "ok"))
    with Fetcher(sleep=sleeps) as f:
        f.get(server.url("/x"))
        f.get(server.url("/x"))
    # after robots.txt, and between the two pages
    assert len(sleeps) == 2 and all(6.0 < s <= 7.0 for s in sleeps)


# -- on-disk cache and conditional requests ---------------------------------------------------------


def test_etag_revalidation_serves_cached_body(server, sleeps, tmp_path):
    server.route("/t", Reply(200, "body v1", {"Content-Type": "text/html"}, etag='"v1"'))
    with Fetcher(cache_dir=tmp_path, sleep=sleeps) as f:
        first = f.get(server.url("/t"))
        second = f.get(server.url("/t"))
    assert first.from_cache is False and first.content == b"body v1"
    assert second.from_cache is True and second.status == 200 and second.content == b"body v1"
    assert second.content_type == "text/html" and second.headers["etag"] == '"v1"'
    sent = server.requests_for("/t")
    assert "if-none-match" not in sent[0].headers and sent[1].headers["if-none-match"] == '"v1"'


def test_last_modified_revalidation(server, sleeps, tmp_path):
    server.route("/t", Reply(200, "dated", last_modified=1_700_000_000))
    with Fetcher(cache_dir=tmp_path, sleep=sleeps) as f:
        f.get(server.url("/t"))
    with Fetcher(cache_dir=tmp_path, sleep=sleeps) as f:  # a new process: the cache is on disk
        again = f.get(server.url("/t"))
    assert again.from_cache and again.content == b"dated"
    assert server.requests_for("/t")[1].headers["if-modified-since"] == email.utils.formatdate(
        1_700_000_000, usegmt=True)


def test_changed_page_replaces_cache_entry(server, sleeps, tmp_path):
    server.route("/t", Reply(200, "v1", etag='"1"'), Reply(200, "v2", etag='"2"'), Reply(200, "v2", etag='"2"'))
    with Fetcher(cache_dir=tmp_path, sleep=sleeps) as f:
        assert f.get(server.url("/t")).content == b"v1"
        changed = f.get(server.url("/t"))
        assert changed.content == b"v2" and not changed.from_cache
        assert f.get(server.url("/t")).from_cache
    assert [r.headers.get("if-none-match") for r in server.requests_for("/t")] == [None, '"1"', '"2"']


def test_no_cache_dir_sends_no_validators(server, fetcher):
    server.route("/t", Reply(200, "x", etag='"v"'))
    fetcher.get(server.url("/t"))
    again = fetcher.get(server.url("/t"))
    assert not again.from_cache and "if-none-match" not in server.requests_for("/t")[1].headers


def test_cache_file_is_named_by_url_hash_and_written_atomically(server, sleeps, tmp_path):
    import hashlib

    server.route("/t", Reply(200, "x", etag='"v"'))
    with Fetcher(cache_dir=tmp_path, sleep=sleeps, respect_robots=False) as f:
        f.get(server.url("/t"))
    files = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert [p.name for p in files] == [hashlib.sha256(server.url("/t").encode()).hexdigest() + ".cache"]


def test_page_without_validators_is_not_cached(server, sleeps, tmp_path):
    server.route("/t", Reply(200, "x", etag='"v"'), Reply(200, "y"), Reply(200, "z"))
    with Fetcher(cache_dir=tmp_path, sleep=sleeps, respect_robots=False) as f:
        f.get(server.url("/t"))
        f.get(server.url("/t"))  # lost its ETag: the entry goes
        f.get(server.url("/t"))
    assert [r.headers.get("if-none-match") for r in server.requests_for("/t")] == ['"v"' if i == 1 else None
                                                                                 for i in range(3)]
    assert not list(tmp_path.rglob("*.cache"))


@pytest.mark.parametrize("damage", [b"", b"garbage", b"threadpress-cache 1\n{not json\nbody",
                                    "truncate", "flip", "wrong-url"])
def test_corrupt_cache_file_is_ignored(server, sleeps, tmp_path, damage):
    url = server.url("/t")
    server.route("/t", Reply(200, "original body", etag='"v"'))
    with Fetcher(cache_dir=tmp_path, sleep=sleeps, respect_robots=False) as f:
        f.get(url)
    (path,) = tmp_path.rglob("*.cache")
    data = path.read_bytes()
    if damage == "truncate":
        data = data[:-3]
    elif damage == "flip":
        data = data[:-1] + b"X"
    elif damage == "wrong-url":
        data = data.replace(url.encode(), url.encode() + b"?other")
    else:
        data = damage
    path.write_bytes(data)
    with Fetcher(cache_dir=tmp_path, sleep=sleeps, respect_robots=False) as f:
        result = f.get(url)
    assert result.content == b"original body" and not result.from_cache
    assert "if-none-match" not in server.requests_for("/t")[1].headers
    assert _decode_entry(path.read_bytes(), url) is not None  # rewritten whole


def test_unwritable_cache_dir_is_not_fatal(server, sleeps, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    server.route("/t", Reply(200, "x", etag='"v"'))
    with Fetcher(cache_dir=blocker, sleep=sleeps) as f:
        assert f.get(server.url("/t")).content == b"x"


@settings(max_examples=60, deadline=None)
@given(body=st.binary(max_size=200), etag=st.text(max_size=20), cut=st.integers(min_value=0, max_value=400))
def test_cache_entries_round_trip_and_any_truncation_is_rejected(tmp_path_factory, body, etag, cut):
    cache = _DiskCache(tmp_path_factory.mktemp("c"))
    url = "http://127.0.0.1:1/t"
    cache.store(url, {"etag": etag}, body)
    entry = cache.load(url)
    assert entry is not None and entry.content == body and entry.headers == {"etag": etag}
    (path,) = (cache.root / "http").iterdir()
    data = path.read_bytes()
    if cut < len(data):
        assert _decode_entry(data[:cut], url) is None


# -- one request at a time per host, pacing -------------------------------------------------------


def test_one_request_at_a_time_per_host(server, fetcher):
    server.route("/slow", Reply(200, "ok", delay=0.25))
    threads = [threading.Thread(target=fetcher.get, args=(server.url("/slow"),)) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    # counted by the server itself, from a request's arrival until its reply starts to be written
    # (the ends of responses are recorded after the client may already have them, so they race)
    assert len(server.requests_for("/slow")) == 3 and server.max_in_flight == 1
    assert len(server.requests_for("/robots.txt")) == 1  # and robots.txt once, despite the race


def test_different_hosts_proceed_in_parallel(fetcher):
    with ScriptedServer() as a, ScriptedServer() as b:
        for s in (a, b):
            s.route("/slow", Reply(200, "ok", delay=1.0))
        threads = [threading.Thread(target=fetcher.get, args=(s.url("/slow"),)) for s in (a, b)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        # one after the other, the second request would arrive at least 1 s (the first one's delay)
        # after the first; arrival times are recorded before any reply, so this does not race
        first, second = a.requests_for("/slow")[0], b.requests_for("/slow")[0]
        assert abs(first.started - second.started) < 0.8


def test_min_interval_between_requests_to_same_host(server, sleeps):
    server.route("/x", Reply(200, "ok"))
    with Fetcher(min_interval=5.0, sleep=sleeps, respect_robots=False) as f:
        f.get(server.url("/x"))
        assert sleeps == []
        f.get(server.url("/x"))
    assert len(sleeps) == 1 and 4.0 < sleeps[0] <= 5.0


def test_min_interval_is_per_host(sleeps):
    with ScriptedServer() as a, ScriptedServer() as b:
        a.route("/x", Reply(200, "ok"))
        b.route("/x", Reply(200, "ok"))
        with Fetcher(min_interval=5.0, sleep=sleeps, respect_robots=False) as f:
            f.get(a.url("/x"))
            f.get(b.url("/x"))
    assert sleeps == []


def test_fetch_result_is_frozen():
    result = FetchResult("http://h/", "http://h/", 200, {}, b"", from_cache=False)
    with pytest.raises(AttributeError):
        result.status = 404  # type: ignore[misc]


def test_robots_disk_cache_is_readable_json(server, sleeps, tmp_path: Path):
    server.robots("User-agent: *\nDisallow: /no\n")
    server.route("/x", Reply(200, "ok"))
    with Fetcher(cache_dir=tmp_path, sleep=sleeps) as f:
        f.get(server.url("/x"))
    (path,) = (tmp_path / "robots").iterdir()
    meta = json.loads(path.read_text())
    assert meta["origin"] == server.origin and "Disallow: /no" in meta["text"]


def test_final_failure_carries_retry_after(server):
    """A caller that polls (watch) learns how long the server asked it to wait."""
    server.route("/busy", Reply(503, headers={"Retry-After": "7200"}))
    sleeps = Sleeps()
    with Fetcher(retries=1, sleep=sleeps, respect_robots=False, max_backoff=5) as f:
        with pytest.raises(FetchError) as err:
            f.get(server.url("/busy"))
    assert err.value.retry_after == 7200
    assert sleeps == [5]  # within the fetch the wait is capped; the full ask is left to the caller
