# The two commands of the README.
#   make run   — set up, migrate SQLite, load the demo and serve the app on http://127.0.0.1:5000
#   make test  — set up and run the whole test suite on SQLite, then on PostgreSQL, browser tests included
.PHONY: run test install translations

run:
	bash scripts/run.sh

test:
	bash scripts/test.sh

install:
	bash scripts/install.sh

translations:
	.venv/bin/pybabel extract -F babel.cfg -k _l -o prizeapp/translations/messages.pot --no-location --sort-output .
	.venv/bin/pybabel update -i prizeapp/translations/messages.pot -d prizeapp/translations --no-fuzzy-matching
