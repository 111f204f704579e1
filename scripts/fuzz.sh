#!/usr/bin/env bash
# Runs every Go fuzz target briefly, one at a time (go test -fuzz takes one
# target per package invocation). Seeds live in <pkg>/testdata/fuzz/<Target>/;
# a failure writes its input there too: commit it as a regression seed.
#
#   scripts/fuzz.sh              # every target, 10 s each
#   FUZZTIME=1m scripts/fuzz.sh  # longer
#   scripts/fuzz.sh FuzzCheckID  # only the named targets
set -euo pipefail
cd "$(dirname "$0")/.."

FUZZTIME="${FUZZTIME:-10s}"
# package:target, one per line: every parser of bytes that come from outside
# (OnceHub's answers, clients' headers and arguments, OAuth clients) and the
# text a model reads back.
TARGETS="
./oncehub:FuzzCheckID
./oncehub:FuzzParseLinkHeader
./oncehub:FuzzDecodeAPIError
./oncehub:FuzzDateRange
./oncehub:FuzzParseRetryAfter
./oncehub:FuzzObjectKeepsUnknownFields
./tools:FuzzBindArgs
./tools:FuzzParseWhen
./tools:FuzzTableReadsBack
./transport:FuzzSessionID
./transport:FuzzParseEventID
./internal/oauth:FuzzSealedValue
./internal/oauth:FuzzClientMetadata
./internal/oauth:FuzzDocumentURL
./internal/clip:FuzzString
"

failed=0
for entry in $TARGETS; do
  pkg="${entry%%:*}" target="${entry##*:}"
  if [ "$#" -gt 0 ] && ! printf '%s\n' "$@" | grep -qx "$target"; then
    continue
  fi
  echo "== $target ($pkg, $FUZZTIME)"
  if ! go test -run '^$' -fuzz "^${target}\$" -fuzztime "$FUZZTIME" "$pkg"; then
    echo "FAIL: $target (the failing input is under $pkg/testdata/fuzz/$target/)" >&2
    failed=1
  fi
done
exit "$failed"
