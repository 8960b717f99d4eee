"""Side-by-side timings on served sites: the same request authenticated in several ways, and the
code → token exchange.

Run with the bench's Python while the site is served on 127.0.0.1 (scripts/serve_site.py):

    ~/frappe-bench/env/bin/python benchmarks/bearer_vs_session.py \
        --bench ~/frappe-bench --site mysite.localhost --url http://127.0.0.1:8000 [--rounds 300] \
        [--builtin-site plain.localhost --builtin-url http://127.0.0.1:8001]

With --builtin-*, it measures Frappe's built-in provider too, on a site of the same bench that does
not have oauth_idp installed. It prints medians and ratios; it asserts nothing. The goal for bearer
tokens is at most 1.05x the session-cookie request.
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
APP_NAME = "oauth_idp benchmark"
BUILTIN = "/api/method/frappe.integrations.oauth2."


def prepare(bench: str, site: str, builtin: bool) -> dict:
	"""A user with an API key, a ToDo and clients, made with Frappe in this process."""
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
	todo = frappe.db.get_value("ToDo", {"allocated_to": USER, "description": "benchmark"}) or (
		frappe.get_doc({"doctype": "ToDo", "description": "benchmark", "allocated_to": USER})
		.insert(ignore_permissions=True)
		.name
	)
	setup = {"password": password, "api": f"token {user.api_key}:{api_secret}", "todo": todo, "clients": {}}
	if builtin:
		for name in frappe.get_all("OAuth Client", {"app_name": APP_NAME}, pluck="name"):
			frappe.delete_doc("OAuth Client", name, ignore_permissions=True, force=True)
		client = frappe.get_doc(
			{
				"doctype": "OAuth Client",
				"app_name": APP_NAME,
				"scopes": "all",
				"redirect_uris": REDIRECT_URI,
				"default_redirect_uri": REDIRECT_URI,
				"skip_authorization": 1,
			}
		).insert(ignore_permissions=True)
		setup["clients"]["all"] = (client.name, client.client_secret)
	else:
		for name in frappe.get_all("IdP Client", {"app_name": ["like", APP_NAME + "%"]}, pluck="name"):
			frappe.delete_doc("IdP Client", name, ignore_permissions=True, force=True)
		for scope, fields in (
			("all", {"allowed_scopes": "all"}),
			("ToDo:read", {"allowed_scopes": "openid", "scopes": [{"document_type": "ToDo", "read": 1}]}),
		):
			client = frappe.get_doc(
				{
					"doctype": "IdP Client",
					"app_name": f"{APP_NAME} {scope}",
					"redirect_uris": REDIRECT_URI,
					"skip_consent": 1,
					**fields,
				}
			).insert(ignore_permissions=True)
			setup["clients"][scope] = (client.name, client.client_secret)
	frappe.db.commit()
	frappe.destroy()
	return setup


class Site:
	"""One served site: a logged-in browser, and the provider's authorize and token endpoints."""

	def __init__(self, url: str, setup: dict):
		self.url, self.setup = url, setup
		self.browser = requests.Session()
		self.browser.post(
			f"{url}/api/method/login", data={"usr": USER, "pwd": setup["password"]}
		).raise_for_status()

	def new_code(self, scope: str) -> str:
		client_id, _secret = self.setup["clients"][scope]
		response = self.browser.get(
			self.url + BUILTIN + "authorize",
			params={
				"client_id": client_id,
				"response_type": "code",
				"redirect_uri": REDIRECT_URI,
				"scope": scope,
			},
			allow_redirects=False,
		)
		location = response.headers["Location"]
		if "/api/method/" in location:  # the built-in provider approves through a second redirect
			location = self.browser.get(self.url + location, allow_redirects=False).headers["Location"]
		return parse_qs(urlparse(location).query)["code"][0]

	def exchange(self, scope: str, code: str) -> dict:
		client_id, secret = self.setup["clients"][scope]
		response = requests.post(
			self.url + BUILTIN + "get_token",
			data={
				"grant_type": "authorization_code",
				"code": code,
				"redirect_uri": REDIRECT_URI,
				"client_id": client_id,
				"client_secret": secret,
			},
			timeout=30,
		)
		response.raise_for_status()
		return response.json()

	def ways(self) -> dict:
		"""The same GET, authenticated each way this site offers."""
		ways = {
			"session cookie": (self.browser, {}),
			"API key": (requests.Session(), {"Authorization": self.setup["api"]}),
		}
		for scope in self.setup["clients"]:
			token = self.exchange(scope, self.new_code(scope))["access_token"]
			label = "bearer token" if scope == "all" else f"bearer {scope}"
			ways[label] = (requests.Session(), {"Authorization": f"Bearer {token}"})
		return ways


def timed(call) -> float:
	start = time.perf_counter()
	call()
	return (time.perf_counter() - start) * 1000


def measure(site: Site, rounds: int) -> tuple[dict[str, float], float]:
	"""Medians (ms) of the GET each way, interleaved so that drift hits every way alike, and of the
	code -> token exchange."""
	resource = f"{site.url}/api/resource/ToDo/{site.setup['todo']}"
	ways = site.ways()
	for session, headers in ways.values():  # warm up
		for _ in range(20):
			session.get(resource, headers=headers).raise_for_status()
	samples = {name: [] for name in ways}
	for _ in range(rounds):
		for name, (session, headers) in ways.items():
			samples[name].append(timed(lambda: session.get(resource, headers=headers).raise_for_status()))
	exchanges = []
	for _ in range(max(rounds // 10, 10)):
		code = site.new_code("all")
		exchanges.append(timed(lambda: site.exchange("all", code)))
	return {name: statistics.median(values) for name, values in samples.items()}, statistics.median(exchanges)


def report(title: str, medians: dict[str, float]) -> None:
	baseline = medians["session cookie"]
	print(title)
	for name, median in medians.items():
		print(f"  {name:17s} median {median:7.2f} ms   {median / baseline:5.2f}x session cookie")


def main() -> None:
	parser = argparse.ArgumentParser()
	parser.add_argument("--bench", required=True)
	parser.add_argument("--site", required=True)
	parser.add_argument("--url", required=True)
	parser.add_argument("--builtin-site")
	parser.add_argument("--builtin-url")
	parser.add_argument("--rounds", type=int, default=300)
	args = parser.parse_args()

	ours = Site(args.url, prepare(args.bench, args.site, builtin=False))
	builtin = None
	if args.builtin_site and args.builtin_url:
		builtin = Site(args.builtin_url, prepare(args.bench, args.builtin_site, builtin=True))

	medians, exchange = measure(ours, args.rounds)
	report(f"oauth_idp: GET /api/resource/ToDo/<name>, {args.rounds} rounds, interleaved", medians)
	if builtin:
		builtin_medians, builtin_exchange = measure(builtin, args.rounds)
		report("Frappe's built-in provider, same request", builtin_medians)
	print("code -> token exchange (client_secret_post)")
	print(f"  oauth_idp         median {exchange:7.2f} ms")
	if builtin:
		print(
			f"  built-in          median {builtin_exchange:7.2f} ms   oauth_idp {exchange / builtin_exchange:5.2f}x"
		)


if __name__ == "__main__":
	main()
