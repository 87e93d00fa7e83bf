"""Open data: the catalogue's public records and the replications their teams answered, as CSV, JSON and
JSON-LD; a call's awarded amounts as an SCDL « subventions » file; the shapes the API serves (JSON Schemas).

columns   the datasets' columns (Column and the column lists), the data's licence, the loading of public records
exports   the catalogue and the replications as CSV, JSON and JSON-LD, and when that public data last changed
grants    a call's awarded amounts as SCDL « subventions » (GRANT_COLUMNS, grants, grants_csv)
schemas   the JSON Schemas of the API's records and of the exports, built from the columns

Only what is public leaves: records that are published (their approved version), replications once the team
or a parrain answered them (before that a request is private) without their requester nor motivation, and
awarded decisions of calls whose results are published. Of people, only the team members a record names as
its public contacts appear (name and email), as on its page; never a requester, a parrain or anyone else.

Files: UTF-8 without a byte-order mark, commas between cells, a point in decimals, dates in ISO 8601, as
schema.data.gouv.fr recommends for open data (the platform's other CSV exports, for spreadsheets, use
semicolons and a BOM); cells a spreadsheet would run as formulas are defused as in every export of the app.
"""
