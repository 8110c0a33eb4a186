#!/bin/sh
# First start of the postgres container (docker-entrypoint-initdb.d): the owner that migrations
# run as and the role the application connects as. POSTGRES_USER stays the only superuser and
# nothing of the platform connects as it. Grants: `manage.py db_roles smartrix_app` (migrate).
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
    -v owner_password="$SMARTRIX_OWNER_PASSWORD" -v app_password="$SMARTRIX_APP_PASSWORD" <<'SQL'
CREATE ROLE smartrix LOGIN PASSWORD :'owner_password'
    NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS;
CREATE ROLE smartrix_app LOGIN PASSWORD :'app_password'
    NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS NOINHERIT;
CREATE DATABASE smartrix OWNER smartrix;
REVOKE ALL ON DATABASE smartrix FROM PUBLIC;
GRANT CONNECT, TEMPORARY ON DATABASE smartrix TO smartrix_app;
SQL
