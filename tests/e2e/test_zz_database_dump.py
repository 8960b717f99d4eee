"""Runs last: a dump of the site's database holds none of the plaintext client secrets, codes,
access tokens or refresh tokens that the tests saw (RFC 6819 §5.1.4.1.3, §5.2.3.1: store hashes of
credentials; OAuth 2.1 §7.x). conftest.py sorts this module to the end of the run."""

import hashlib
import json
import os
import shutil
import subprocess
import tempfile

import pytest
from oauth_e2e import BENCH, SITE, remember


def _dump() -> bytes:
	with open(os.path.join(BENCH, "sites", SITE, "site_config.json")) as config_file:
		config = json.load(config_file)
	tool = shutil.which("mariadb-dump") or shutil.which("mysqldump")
	if tool is None:
		pytest.fail("neither mariadb-dump nor mysqldump is installed")
	db_name = config["db_name"]
	env = {**os.environ, "MYSQL_PWD": config["db_password"]}
	with tempfile.TemporaryFile() as out:
		result = subprocess.run(
			[
				tool,
				"--host=127.0.0.1",
				f"--port={config.get('db_port') or 3306}",
				f"--user={db_name}",
				"--single-transaction",
				"--no-tablespaces",
				"--skip-extended-insert",
				db_name,
			],
			stdout=out,
			stderr=subprocess.PIPE,
			env=env,
			timeout=120,
			check=False,
		)
		assert result.returncode == 0, result.stderr.decode(errors="replace")
		out.seek(0)
		return out.read()


def test_database_dump_holds_no_plaintext_secret_code_or_token_rfc6819_5_1_4_1_3(
	seen, make_client, user_session
):
	# This test's own flow, so that it checks something even when run alone.
	client = make_client(skip_consent=1)
	token = client.tokens(user_session, pkce=False)
	refreshed = client.refresh(token["refresh_token"]).json()
	remember(client.secret, token["access_token"], token["refresh_token"], refreshed.get("access_token"))

	dump = _dump()
	# It is the right database: the token is there, as its SHA-256.
	assert hashlib.sha256(token["access_token"].encode()).hexdigest().encode() in dump

	values = sorted({value for value in seen if len(value) >= 16})
	assert len(values) >= 5, values
	found = [value for value in values if value.encode() in dump]
	assert not found, (
		f"{len(found)} of {len(values)} plaintext secrets/codes/tokens are in the database dump: {found[:5]}"
	)
