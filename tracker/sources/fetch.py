"""Fetching a feed or a page over HTTP, bounded: short timeouts and a deadline for the whole
body (a server trickling bytes cannot hold a worker), a size cap, conditional GET, polite
pacing per host, and no request, first or redirected, to a private, loopback or link-local
address, except for the host names `SOURCES_ALLOW_PRIVATE_HOSTS` lists (the tests' local
server).

Only the watcher (the Celery task and `manage.py watch_sources`) calls this: never a request.
"""

import ipaddress
import socket
import threading
import time
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import requests
import urllib3
from django.conf import settings

MAX_REDIRECTS = 5
USER_AGENT = "commitment-tracker/1 (+watched sources; docs/sources.md)"


class FetchError(Exception):
    """Why a fetch was refused or failed, in words an operator can act on."""


@dataclass(frozen=True)
class Fetched:
    url: str  # after redirects
    status: int  # 200, or 304 when the copy we hold is current
    body: bytes
    etag: str
    last_modified: str
    content_type: str


class HostPacer:
    """At most one request to a host every `SOURCES_HOST_INTERVAL_SECONDS`, per process: a
    run that reads several feeds and pages of one site spaces them out."""

    def __init__(self) -> None:
        self._last: dict[str, float] = {}
        self._lock = threading.Lock()

    def wait(self, host: str) -> None:
        interval = settings.SOURCES_HOST_INTERVAL_SECONDS
        with self._lock:
            now = time.monotonic()
            ready = self._last.get(host, 0.0) + interval
            pause = max(0.0, ready - now)
            self._last[host] = now + pause
        if pause:
            time.sleep(pause)


pacer = HostPacer()


def check_address(url: str) -> None:
    """Refuse what is not http(s), and hosts that resolve to a non-public address."""
    try:
        parts = urlsplit(url)
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:  # a port out of range, brackets that do not close
        raise FetchError(f"not a web address: {url[:200]}") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise FetchError(f"not a web address: {url[:200]}")
    if parts.hostname in settings.SOURCES_ALLOW_PRIVATE_HOSTS:
        return
    try:
        infos = socket.getaddrinfo(parts.hostname, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as error:
        raise FetchError(f"cannot resolve {parts.hostname}: {error}") from None
    for info in infos:
        address = ipaddress.ip_address(info[4][0].split("%")[0])
        if not address.is_global:
            raise FetchError(f"refused: {parts.hostname} is a private or local address ({address})")


def fetch(url: str, *, etag: str = "", last_modified: str = "") -> Fetched:
    """GET `url`, following at most MAX_REDIRECTS redirects, each checked like the first."""
    headers = {"User-Agent": USER_AGENT, "Accept-Encoding": "identity"}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    with requests.Session() as session:
        session.trust_env = False  # no proxies or .netrc from the worker's environment
        for _ in range(MAX_REDIRECTS + 1):
            check_address(url)
            pacer.wait(urlsplit(url).hostname or "")
            response = _get(session, url, headers)
            if response.is_redirect:
                location = response.headers.get("Location", "")
                response.close()
                url = urljoin(url, location)
                continue
            return _read(response, url)
    raise FetchError(f"more than {MAX_REDIRECTS} redirects")


def _get(session: requests.Session, url: str, headers: dict) -> requests.Response:
    timeout = (settings.SOURCES_CONNECT_TIMEOUT_SECONDS, settings.SOURCES_READ_TIMEOUT_SECONDS)
    try:
        return session.get(
            url, headers=headers, timeout=timeout, stream=True, allow_redirects=False
        )
    except requests.Timeout:
        raise FetchError("timed out") from None
    except requests.RequestException as error:
        raise FetchError(f"{type(error).__name__}: {str(error)[:200]}") from None


def _read(response: requests.Response, url: str) -> Fetched:
    """The body, up to the size cap and within the deadline, or a FetchError."""
    with response:
        if response.status_code == 304:
            body = b""
        elif response.status_code != 200:
            raise FetchError(f"HTTP {response.status_code} from {url[:200]}")
        else:
            body = _body(response)
        return Fetched(
            url=url,
            status=response.status_code,
            body=body,
            etag=response.headers.get("ETag", "")[:300],
            last_modified=response.headers.get("Last-Modified", "")[:100],
            content_type=response.headers.get("Content-Type", "")[:100],
        )


def _body(response: requests.Response) -> bytes:
    cap = settings.SOURCES_MAX_BYTES
    declared = response.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > cap:
        raise FetchError(f"too large: {int(declared):,} bytes (the limit is {cap:,})")
    deadline = time.monotonic() + settings.SOURCES_FETCH_DEADLINE_SECONDS
    chunks, size = [], 0
    try:
        # `read1` returns what one receive brings: a server trickling a byte at a time meets
        # the deadline, where a read of a whole chunk would wait for the chunk.
        while chunk := response.raw.read1(16_384):
            size += len(chunk)
            if size > cap:
                raise FetchError(f"too large: more than {cap:,} bytes")
            if time.monotonic() > deadline:
                raise FetchError(
                    f"too slow: not read in {settings.SOURCES_FETCH_DEADLINE_SECONDS} seconds"
                )
            chunks.append(chunk)
    except (requests.RequestException, urllib3.exceptions.HTTPError, OSError) as error:
        raise FetchError(f"{type(error).__name__} while reading: {str(error)[:200]}") from None
    return b"".join(chunks)
