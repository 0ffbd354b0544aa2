#!/usr/bin/env bash
# tests/cli/postgresql_commands.sh CUNJI PG_DIR — the commands that fill a PostgreSQL database,
# run as a user would, on the test cluster in PG_DIR (tests/support/pg_cluster): seed-demo onto
# a URI, and migrate-data of a seeded SQLite file, give the same marketplace; migrate-data
# into a database that holds one is refused and changes nothing.
set -euo pipefail
cunji=$1 pg=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
ask() { psql -qAt -v ON_ERROR_STOP=1 "host=$pg user=postgres dbname=$1" -c "$2"; }
uri() { echo "postgresql:///$1?host=$pg&user=postgres"; }
fail() { echo "FAILED: $*" >&2; exit 1; }
a=cli_seeded_$$ b=cli_moved_$$
ask postgres "CREATE DATABASE $a"
ask postgres "CREATE DATABASE $b"

"$cunji" seed-demo --db "$(uri $a)" >"$work/seeded" || fail "seed-demo onto PostgreSQL"
grep -q '^seeded 18 counties' "$work/seeded" || fail "seed-demo says: $(cat "$work/seeded")"
"$cunji" seed-demo --db "$work/demo.db" >/dev/null
"$cunji" migrate-data --from "$work/demo.db" --to "$(uri $b)" >"$work/moved" || fail "migrate-data"
grep -q 'ledger check passed on both sides' "$work/moved" || fail "migrate-data says: $(cat "$work/moved")"
grep -Eq '^listings +2000 rows$' "$work/moved" || fail "migrate-data's listings: $(cat "$work/moved")"

# The same marketplace both ways (the demo data is the same every time), searchable alike.
for sql in "SELECT count(*) FROM accounts" "SELECT count(*) FROM listings WHERE visible = 1" \
           "SELECT sum(price_fen) FROM listings" "SELECT count(*) FROM listings WHERE search_vector @@ '苹'::tsquery" \
           "SELECT string_agg(phone || name || length(password_hash), ',' ORDER BY id) FROM accounts"; do
  x=$(ask $a "$sql") y=$(ask $b "$sql")
  [ -n "$x" ] && [ "$x" != 0 ] && [ "$x" = "$y" ] || fail "$sql: $x and $y"
done

# A second copy into a marketplace is refused, and changes nothing.
before=$(ask $b "SELECT count(*) FROM accounts")
if "$cunji" migrate-data --from "$work/demo.db" --to "$(uri $b)" >"$work/again" 2>&1; then fail "a second copy was taken"; fi
grep -q 'already holds a marketplace' "$work/again" || fail "the refusal says: $(cat "$work/again")"
[ "$(ask $b "SELECT count(*) FROM accounts")" = "$before" ] || fail "the refused copy changed the accounts"
# A missing source file is not taken for an empty marketplace.
if "$cunji" migrate-data --from "$work/none.db" --to "$(uri $a)" >"$work/none" 2>&1; then fail "a missing file was copied"; fi
grep -q 'names no SQLite file' "$work/none" || fail "the missing file: $(cat "$work/none")"
[ ! -e "$work/none.db" ] || fail "the missing file was created"
echo "PostgreSQL commands: ok"
