"""Essaimage: the innovation records of the public catalogue and what makes them spread.

content       the fields of a record, their sections and what a record needs before it is checked
records       a record's life: started from a project, saved as versions, checked, published, withdrawn
documents     the documents and tools to reuse attached to a record (checked as every upload is)
search        the full-text index (PostgreSQL French configuration with unaccent, or SQLite FTS5)
catalogue     the public list: search, filters, sorts, facets
replications  territories taking an innovation up, and their timelines; calls for replication
sponsors      parrains: their profiles, their assignment to records, their opinions of readiness
opendata      exports of the catalogue and replications (CSV, JSON, JSON-LD), SCDL grants, the API's shapes
"""
