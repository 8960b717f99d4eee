"""Races on 127.0.0.1: one authorization code redeemed 20 times at once (RFC 6749 §4.1.2, §10.5),
one refresh token used 20 times at once (OAuth 2.1 §4.3.1). Every request has a timeout."""

import threading
from concurrent.futures import ThreadPoolExecutor

from oauth_e2e import TIMEOUT, assert_invalid_token, bearer_get

PARALLEL = 20


def _race(call) -> list:
	"""Run `call` PARALLEL times, released together by a barrier; return the responses."""
	barrier = threading.Barrier(PARALLEL, timeout=TIMEOUT)

	def run(_):
		barrier.wait()
		return call()

	with ThreadPoolExecutor(max_workers=PARALLEL) as pool:
		return list(pool.map(run, range(PARALLEL), timeout=4 * TIMEOUT))


def test_one_code_redeemed_20_times_at_once_succeeds_once_rfc6749_4_1_2(make_client, user_session):
	client = make_client(skip_consent=1)
	code, _verifier, _params = client.get_code(user_session, pkce=False)
	responses = _race(lambda: client.redeem(code, None))
	statuses = sorted(response.status_code for response in responses)
	assert not [s for s in statuses if s >= 500], statuses
	winners = [response for response in responses if response.status_code == 200]
	assert len(winners) == 1, statuses
	losers = [response for response in responses if response.status_code != 200]
	assert all(r.status_code == 400 and r.json()["error"] == "invalid_grant" for r in losers), [
		(r.status_code, r.text[:100]) for r in losers
	]
	# The replays revoked what the one success got (§4.1.2: "SHOULD revoke ... all tokens").
	assert_invalid_token(bearer_get(winners[0].json()["access_token"]))


def test_one_refresh_token_used_20_times_at_once_succeeds_at_most_once_oauth21_4_3_1(
	make_client, user_session
):
	client = make_client(skip_consent=1)
	token = client.tokens(user_session, pkce=False)
	responses = _race(lambda: client.refresh(token["refresh_token"]))
	statuses = sorted(response.status_code for response in responses)
	assert not [s for s in statuses if s >= 500], statuses
	assert statuses.count(200) <= 1, statuses
	assert all(r.json().get("error") == "invalid_grant" for r in responses if r.status_code != 200), [
		r.text[:100] for r in responses
	]
	for response in responses:
		if response.status_code == 200:
			# Reuse of a rotated refresh token ends the grant: the winner's tokens die too.
			assert_invalid_token(bearer_get(response.json()["access_token"]))
