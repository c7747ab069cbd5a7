#!/usr/bin/env bash
# npm test: the whole suite in one process, then the integration suite split
# across four nodes (the deployments' node groups) over RabbitMQ with the Redis cacher. Ends with one
# "N passed, N failed" line for both runs together.
set -uo pipefail
cd "$(dirname "$0")/.."

passed=0; failed=0; status=0
run() {
  local topology=$1; shift
  echo "=== topology: $topology ==="
  local log; log=$(mktemp)
  TEST_TOPOLOGY=$topology npx mocha "$@" 2>&1 | tee "$log"
  local rc=${PIPESTATUS[0]}
  local p f
  p=$(grep -Eo '^ +[0-9]+ passing' "$log" | tail -1 | grep -Eo '[0-9]+' || echo 0)
  f=$(grep -Eo '^ +[0-9]+ failing' "$log" | tail -1 | grep -Eo '[0-9]+' || echo 0)
  passed=$((passed + ${p:-0})); failed=$((failed + ${f:-0}))
  if [ "$rc" -ne 0 ]; then status=1; [ "${f:-0}" -eq 0 ] && failed=$((failed + 1)); fi
  rm -f "$log"
}

# The fault journeys (nodes killed, RabbitMQ restarted, Redis clients dropped) run last in the split run,
# on their own split stack: they disturb the shared RabbitMQ and Redis for whatever else is running.
FAULTS='test/integration/journeys/faults.test.ts'
split_runs() {
  run split --ignore "$FAULTS" 'test/integration/**/*.test.ts'
  run split "$FAULTS"
}

case "${1:-all}" in
  single) run single 'test/unit/**/*.test.ts' 'test/integration/**/*.test.ts' ;;
  split) split_runs ;;
  *) run single 'test/unit/**/*.test.ts' 'test/integration/**/*.test.ts'; split_runs ;;
esac

echo "$passed passed, $failed failed"
exit $status
