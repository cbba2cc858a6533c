"""Which proxy, if any, a request to the model endpoint goes through (from the environment).

httpx2 mounts the environment's proxies only when it builds its own transport; the run
hands it ResilientTransport, so the choice is made here, for the aiohttp client under
that transport and for the start-up check alike: both reach the endpoint the same way.
"""

from __future__ import annotations

import ipaddress
import urllib.request

from extractor.redaction import register_secrets, url_passwords


class EnvironmentProxies:
    """HTTP_PROXY / HTTPS_PROXY / ALL_PROXY and NO_PROXY (curl's and urllib's reading), read once."""

    def __init__(self) -> None:
        # Read when made, not per request: a run's environment does not change under it,
        # and os.environ is scanned in full on each read.
        self._proxies = urllib.request.getproxies_environment()
        self._chosen: dict[tuple[str, str], str | None] = {}
        register_secrets(*(password for proxy in self._proxies.values() for password in url_passwords(proxy)))

    def for_url(self, scheme: str, host: str, port: int | None) -> str | None:
        key = (scheme, f"{host}:{port}" if port is not None else host)
        if key not in self._chosen:
            self._chosen[key] = self._choose(scheme, host, key[1])
        return self._chosen[key]

    def _choose(self, scheme: str, host: str, host_port: str) -> str | None:
        proxy = self._proxies.get(scheme) or self._proxies.get("all")
        if not proxy or _is_loopback(host):
            # Loopback is always reached directly: with HTTP_PROXY set and NO_PROXY unset
            # (a CI machine's proxy for pip), urllib's and httpx2's rules would send
            # 127.0.0.1 to the proxy, and no proxy can reach this machine's own server.
            return None
        # Public in urllib.request on every platform, but missing from typeshed's stubs.
        if urllib.request.proxy_bypass_environment(host_port, self._proxies):  # type: ignore[attr-defined]
            return None
        return proxy if "://" in proxy else f"http://{proxy}"


def _is_loopback(host: str) -> bool:
    host = host.strip("[]")
    if host.lower() == "localhost" or host.lower().endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
