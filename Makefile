# The two commands of the README.
#   make run   — set up, migrate SQLite, load the demo and serve the app on http://127.0.0.1:5000
#   make test  — set up and run the whole test suite on SQLite, then on PostgreSQL, browser tests included
.PHONY: run test install translations lock audit

run:
	bash scripts/run.sh

test:
	bash scripts/test.sh

install:
	bash scripts/install.sh

translations:
	.venv/bin/pybabel extract -F babel.cfg -k _l -o prizeapp/translations/messages.pot --no-location --sort-output .
	.venv/bin/pybabel update -i prizeapp/translations/messages.pot -d prizeapp/translations --no-fuzzy-matching

# Pinned dependencies with their hashes, from pyproject.toml (run after changing a dependency there).
lock:
	.venv/bin/python -m pip install --quiet pip-tools
	for extras in production dev test; do \
	  flags=""; [ $$extras = dev ] && flags="--extra dev"; [ $$extras = test ] && flags="--extra test --extra dev"; \
	  .venv/bin/pip-compile --quiet --strip-extras --generate-hashes --no-emit-index-url --no-emit-find-links \
	    $$flags -o requirements/$$extras.txt pyproject.toml; \
	done

# Known vulnerabilities in the pinned production dependencies (needs access to the PyPI and OSV databases).
audit:
	.venv/bin/python -m pip install --quiet pip-audit
	.venv/bin/pip-audit --require-hashes --disable-pip --no-deps -r requirements/production.txt
