"""Serve one Frappe site on a loopback port (the end-to-end tests, the benchmark, trying the app).

`bench serve` binds every interface and runs the debugger; this serves the same WSGI application,
threaded, on 127.0.0.1 only. Run it with the bench's Python from the bench's `sites` folder:

    ../env/bin/python /path/to/oauth_idp/scripts/serve_site.py SITE PORT
"""

import os
import sys

import frappe.app
from werkzeug.serving import run_simple


def main() -> None:
	site, port = sys.argv[1], int(sys.argv[2])
	frappe.app._site = site
	frappe.app._sites_path = os.getcwd()
	application = frappe.app.application_with_statics()  # /assets and /files, as `bench serve` has
	run_simple("127.0.0.1", port, application, threaded=True, use_reloader=False, use_debugger=False)


if __name__ == "__main__":
	main()
