#!/usr/bin/env bash
# The test command: installs what the tests need that npm does not (OpenLDAP slapd, ldap-utils,
# Chromium, PostgreSQL, MariaDB) when missing, builds, then runs every test, and the store-dependent suites
# once more on PostgreSQL. Usage: npm test [-- jest args] (with args: only jest with them)
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
command -v slapd >/dev/null 2>&1 || [ -x /usr/sbin/slapd ] || missing+=(slapd)
command -v ldapsearch >/dev/null 2>&1 || missing+=(ldap-utils)
[ -x /usr/bin/chromium ] || missing+=(chromium)
command -v openssl >/dev/null 2>&1 || missing+=(openssl)
[ -x /usr/sbin/samba ] && command -v samba-tool >/dev/null 2>&1 || missing+=(samba)
compgen -G '/usr/lib/postgresql/*/bin/pg_ctl' >/dev/null || missing+=(postgresql)
[ -x /usr/sbin/mariadbd ] || missing+=(mariadb-server)
if [ ${#missing[@]} -gt 0 ]; then
  echo "test: installing ${missing[*]} (Debian packages the tests need)"
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  # slapd asks no questions non-interactively; its own service is not used (tests start their own).
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# The service's own slapd (if the package started one) is not needed by the tests.
npm run --silent build
npx jest --ci "$@"

# The suites that depend on the helpdesk store run a second time on a throw-away PostgreSQL
# (HELPDESK_TEST_POSTGRES=1: test/helpers/test-app.ts puts every test app on its own database).
# Left out: files about one engine's own faults (SQLite locks and files, the SQLite kill harness;
# their PostgreSQL counterparts are in test/postgres/) and those that never open a store.
if [ $# -eq 0 ]; then
  HELPDESK_TEST_POSTGRES=1 npx jest --ci test/api test/roundtrips test/hardening \
    --testPathIgnorePatterns 'test/api/(schema|codegen|schema-lint|app-codegen|start)\.test\.ts' 'test/hardening/(faults|ldap-faults|durability)\.test\.ts'
fi
