#!/usr/bin/env bash
# The long fuzzing mode (issue 12): every property-based fuzz target for at least FUZZ_MINUTES
# (default 10; FUZZ_SECONDS overrides) of wall time, in rounds of ROUND_CASES cases with a fresh random seed each round,
# stopping at the first failure. Prints one line per target: rounds, cases, minutes, result.
# The short pass of the same targets runs in the test command (`cargo test`).
#
#   scripts/fuzz-long.sh                 # all targets, 10 minutes each (about 100 minutes)
#   FUZZ_SECONDS=60 scripts/fuzz-long.sh torznab   # targets whose name contains "torznab"
#
# Seeds: the inputs are mutations of the committed fixtures (tests/fixtures/: Torznab feeds and
# caps, HDBits answers, the .torrent built in tests/fuzz/bencode.rs, the config template,
# release-titles.tsv) plus structure-aware generators; a failure is kept by proptest in
# proptest-regressions/ and replayed first on every later run.
set -uo pipefail
cd "$(dirname "$0")/.."
seconds="${FUZZ_SECONDS:-$(( ${FUZZ_MINUTES:-10} * 60 ))}"
filter="${1:-}"

cargo test --locked --no-run -p reelarr --lib --test fuzz >/dev/null 2>&1 || {
  echo "build failed"; exit 1; }
lib=$(cargo test --locked --no-run -p reelarr --lib --message-format=json 2>/dev/null |
  grep -o '"executable":"[^"]*"' | cut -d'"' -f4 | tail -1)
fuzz=$(cargo test --locked --no-run -p reelarr --test fuzz --message-format=json 2>/dev/null |
  grep -o '"executable":"[^"]*"' | cut -d'"' -f4 | tail -1)

# target name | test binary | exact test path | cases per round
targets=(
  "torznab-arbitrary|$lib|clients::torznab::tests::parsers_never_panic_on_arbitrary_input|200000"
  "torznab-mutated|$lib|clients::torznab::tests::parsers_never_panic_on_mutated_fixtures|200000"
  "hdbits-arbitrary|$lib|clients::hdbits::tests::parser_never_panics_on_arbitrary_input|200000"
  "hdbits-mutated|$lib|clients::hdbits::tests::parser_never_panics_on_mutated_fixtures|200000"
  "parser-printable|$lib|domain::parser::tests::never_panics_on_any_printable|200000"
  "parser-release-like|$lib|domain::parser::tests::never_panics_on_release_like|200000"
  "bencode-bytes|$fuzz|bencode::arbitrary_bytes_never_panic|200000"
  "bencode-shapes|$fuzz|bencode::bencode_shapes_never_panic|200000"
  "bencode-mutated|$fuzz|bencode::mutated_torrents_never_panic|200000"
  "config-file|$fuzz|config::any_file_text_loads_or_names_problems|5000"
  "config-key|$fuzz|config::any_key_and_value_loads_or_names_the_key|5000"
  "config-env|$fuzz|config::any_environment_loads_or_names_the_variable|5000"
  "api-bodies|$fuzz|api_bodies::any_json_body_gets_a_4xx_or_success_never_a_500|5000"
)

status=0
printf '%-20s %7s %11s %8s  %s\n' target rounds cases minutes result
for t in "${targets[@]}"; do
  IFS='|' read -r name bin test cases <<<"$t"
  [[ -n "$filter" && "$name" != *"$filter"* ]] && continue
  start=$SECONDS rounds=0 result=ok
  while (( rounds == 0 || SECONDS - start < seconds )); do
    if ! out=$(PROPTEST_CASES=$cases "$bin" --exact "$test" --test-threads 1 2>&1); then
      result=FAILED status=1
      echo "$out" | tail -40 >&2
      break
    fi
    grep -q "1 passed" <<<"$out" || { result="missing test"; status=1; break; }
    rounds=$((rounds + 1))
  done
  printf '%-20s %7d %11d %8.1f  %s\n' "$name" "$rounds" $((rounds * cases)) \
    "$(echo "($SECONDS - $start) / 60" | bc -l)" "$result"
done
exit $status
