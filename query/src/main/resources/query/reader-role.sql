-- The query API's read-only role on PostgreSQL 15+ (the local Redshift stand-in). Idempotent; run as a superuser
-- (bin/stack does at every `up`):
--   TRIBUTARY_PG_READER_PASSWORD=... psql -v role=tributary_reader -v db=tributary -f reader-role.sql
-- pg_read_all_data (PostgreSQL 14+) reads every table of every schema, including tables the job's sinks create
-- later and the tests' own schemas, and grants nothing else; sessions are read-only by default on top of that.
-- Amazon Redshift has no pg_read_all_data: see docs/query-api.md for its GRANTs.
\getenv pw TRIBUTARY_PG_READER_PASSWORD
SELECT format('CREATE ROLE %I LOGIN', :'role') WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'role') \gexec
ALTER ROLE :"role" WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD :'pw';
ALTER ROLE :"role" SET default_transaction_read_only = on;
GRANT pg_read_all_data TO :"role";
GRANT CONNECT ON DATABASE :"db" TO :"role";
