"""Side-by-side timings on a served site: the same request authenticated three ways, and the
code → token exchange.

Run with the bench's Python while the site is served on 127.0.0.1 (scripts/serve_site.py):

    ~/frappe-bench/env/bin/python benchmarks/bearer_vs_session.py \
        --bench ~/frappe-bench --site mysite.localhost --url http://127.0.0.1:8000 [--rounds 300]

It prints medians and ratios; it asserts nothing. The goal for bearer tokens is at most 1.05x the
session-cookie request.
"""

import argparse
import os
import secrets
import statistics
import time
from urllib.parse import parse_qs, urlparse

import frappe
import requests
from frappe.utils.password import update_password

USER = "oauth-idp-benchmark@example.com"
REDIRECT_URI = "http://127.0.0.1:9/callback"


def prepare(bench: str, site: str) -> dict:
	os.chdir(os.path.join(bench, "sites"))  # Frappe writes its logs relative to the sites folder
	frappe.init(site=site, sites_path=".")
	frappe.connect()
	password = secrets.token_urlsafe(12)
	if not frappe.db.exists("User", USER):
		user = frappe.get_doc(
			{"doctype": "User", "email": USER, "first_name": "Bench", "send_welcome_email": 0}
		)
		user.insert(ignore_permissions=True)
		user.add_roles("System Manager")
	update_password(USER, password)
	user = frappe.get_doc("User", USER)
	api_secret = frappe.generate_hash(length=15)
	user.api_key = user.api_key or frappe.generate_hash(length=15)
	user.api_secret = api_secret
	user.save(ignore_permissions=True)
	todo = frappe.get_doc({"doctype": "ToDo", "description": "benchmark", "allocated_to": USER}).insert(
		ignore_permissions=True
	)
	client = frappe.get_doc(
		{
			"doctype": "IdP Client",
			"app_name": "Benchmark",
			"redirect_uris": REDIRECT_URI,
			"allowed_scopes": "all",
			"skip_consent": 1,
		}
	).insert(ignore_permissions=True)
	scoped = frappe.get_doc(
		{
			"doctype": "IdP Client",
			"app_name": "Benchmark (scoped)",
			"redirect_uris": REDIRECT_URI,
			"allowed_scopes": "openid",
			"skip_consent": 1,
			"scopes": [{"document_type": "ToDo", "read": 1}],
		}
	).insert(ignore_permissions=True)
	frappe.db.commit()
	result = {
		"password": password,
		"api": f"token {user.api_key}:{api_secret}",
		"todo": todo.name,
		"client_id": client.name,
		"client_secret": client.client_secret,
		"scoped_client_id": scoped.name,
		"scoped_client_secret": scoped.client_secret,
	}
	frappe.destroy()
	return result


def new_code(browser: requests.Session, url: str, client_id: str, scope: str = "all") -> str:
	response = browser.get(
		f"{url}/api/method/frappe.integrations.oauth2.authorize",
		params={
			"client_id": client_id,
			"response_type": "code",
			"redirect_uri": REDIRECT_URI,
			"scope": scope,
		},
		allow_redirects=False,
	)
	return parse_qs(urlparse(response.headers["Location"]).query)["code"][0]


def exchange(url: str, credentials: tuple[str, str], code: str) -> dict:
	response = requests.post(
		f"{url}/api/method/frappe.integrations.oauth2.get_token",
		data={"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT_URI},
		auth=credentials,
		timeout=30,
	)
	response.raise_for_status()
	return response.json()


def timed(call) -> float:
	start = time.perf_counter()
	call()
	return (time.perf_counter() - start) * 1000


def main() -> None:
	parser = argparse.ArgumentParser()
	parser.add_argument("--bench", required=True)
	parser.add_argument("--site", required=True)
	parser.add_argument("--url", required=True)
	parser.add_argument("--rounds", type=int, default=300)
	args = parser.parse_args()

	setup = prepare(args.bench, args.site)
	browser = requests.Session()
	browser.post(
		f"{args.url}/api/method/login", data={"usr": USER, "pwd": setup["password"]}
	).raise_for_status()
	credentials = (setup["client_id"], setup["client_secret"])
	bearer = exchange(args.url, credentials, new_code(browser, args.url, setup["client_id"]))["access_token"]
	scoped_code = new_code(browser, args.url, setup["scoped_client_id"], scope="ToDo:read")
	scoped = exchange(args.url, (setup["scoped_client_id"], setup["scoped_client_secret"]), scoped_code)

	resource = f"{args.url}/api/resource/ToDo/{setup['todo']}"
	ways = {
		"session cookie": (browser, {}),
		"API key": (requests.Session(), {"Authorization": setup["api"]}),
		"bearer token": (requests.Session(), {"Authorization": f"Bearer {bearer}"}),
		"bearer ToDo:read": (requests.Session(), {"Authorization": f"Bearer {scoped['access_token']}"}),
	}
	samples = {name: [] for name in ways}
	for session, headers in ways.values():  # warm up
		for _ in range(20):
			session.get(resource, headers=headers).raise_for_status()
	for _ in range(args.rounds):  # interleaved, so drift hits every way alike
		for name, (session, headers) in ways.items():
			samples[name].append(timed(lambda: session.get(resource, headers=headers).raise_for_status()))

	exchanges = []
	for _ in range(max(args.rounds // 10, 10)):
		code = new_code(browser, args.url, setup["client_id"])
		exchanges.append(timed(lambda: exchange(args.url, credentials, code)))

	baseline = statistics.median(samples["session cookie"])
	print(f"GET /api/resource/ToDo/<name>, {args.rounds} rounds, interleaved")
	for name, values in samples.items():
		median = statistics.median(values)
		print(f"  {name:17s} median {median:7.2f} ms   {median / baseline:5.2f}x session cookie")
	print(f"code -> token exchange (Basic client auth), {len(exchanges)} runs")
	print(f"  median {statistics.median(exchanges):7.2f} ms")


if __name__ == "__main__":
	main()
