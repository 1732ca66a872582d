#!/bin/sh
# Run by the temporal-setup service (temporalio/admin-tools) once the Temporal server
# answers: creates the namespace Smart Sync uses and registers Smart Sync's search
# attributes in it, before any api or worker replica starts. Smart Sync would add missing
# attributes itself at start-up, but four replicas starting together would race to add the
# same ones; done here once, every replica finds them registered. Idempotent.
#
# The Temporal CLI reads TEMPORAL_ADDRESS from the environment.
set -eu
NAMESPACE="${NAMESPACE:?set NAMESPACE}"
RETENTION="${NAMESPACE_RETENTION:-72h}"

# Name and type of each of Smart Sync's search attributes (src/workflow-contract,
# SEARCH_ATTRIBUTE_KEYS; test/deploy/docker-compose.test.ts checks the two agree).
SEARCH_ATTRIBUTES='
SmartSyncContractId Int
SmartSyncSaleId Int
SmartSyncOutcome Keyword
SmartSyncTrigger Keyword
SmartSyncCallbackId Keyword
'

tries=0
# -w: NOT_SERVING must not count as SERVING.
until temporal operator cluster health | grep -qw SERVING; do
  tries=$((tries + 1))
  if [ "$tries" -ge 60 ]; then
    echo "Temporal at $TEMPORAL_ADDRESS did not answer SERVING within 2 minutes" >&2
    exit 1
  fi
  sleep 2
done

if ! temporal operator namespace describe --namespace "$NAMESPACE" >/dev/null 2>&1; then
  temporal operator namespace create --namespace "$NAMESPACE" --retention "$RETENTION"
fi

# A namespace just created takes a moment to reach the server's namespace cache.
tries=0
until existing="$(temporal operator search-attribute list --namespace "$NAMESPACE")"; do
  tries=$((tries + 1))
  if [ "$tries" -ge 30 ]; then
    echo "namespace $NAMESPACE did not become available" >&2
    exit 1
  fi
  sleep 1
done

echo "$SEARCH_ATTRIBUTES" | while read -r name type; do
  [ -n "$name" ] || continue
  if echo "$existing" | grep -qw "$name"; then
    echo "search attribute $name is registered"
  else
    temporal operator search-attribute create --namespace "$NAMESPACE" --name "$name" --type "$type"
  fi
done
echo "namespace $NAMESPACE is ready for Smart Sync"
