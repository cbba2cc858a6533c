"""Checking at start that the endpoint answers, so a typo is a usage error, not N failed lines."""

from __future__ import annotations

import httpx2
import openai

from extractor.backends import Endpoint
from extractor.errors import UserError
from extractor.proxies import EnvironmentProxies
from extractor.redaction import display_url, register_secrets, url_passwords


def check_endpoint(endpoint: Endpoint, timeout: float = 10.0) -> None:
    if endpoint.in_process:
        return  # nothing to reach
    register_secrets(endpoint.api_key, *url_passwords(endpoint.base_url))
    shown = display_url(endpoint.base_url)  # never a password in a message
    # The same proxy (or none) as the run's requests: httpx2's own choice would send a
    # loopback endpoint to HTTP_PROXY when NO_PROXY is unset.
    url = httpx2.URL(endpoint.base_url)
    proxy = EnvironmentProxies().for_url(url.scheme, url.host, url.port)
    http_client = openai.DefaultHttpxClient(transport=httpx2.HTTPTransport(proxy=proxy))
    client = openai.OpenAI(
        base_url=endpoint.base_url, api_key=endpoint.api_key, max_retries=0, timeout=timeout, http_client=http_client
    )
    try:
        client.models.list()
    except openai.AuthenticationError:
        raise UserError(f"{shown} refused the API key; set OPENAI_API_KEY to a valid key") from None
    except openai.APIConnectionError:
        raise UserError(f"cannot reach {shown}; start the server or fix --base-url") from None
    except openai.APIStatusError:
        pass  # reachable; some servers simply do not list models
    except Exception:  # e.g. a web page where the API was expected
        raise UserError(
            f"{shown} does not answer like an OpenAI-compatible API; check --base-url (it usually ends in /v1)"
        ) from None
    finally:
        client.close()
