#!/usr/bin/env bash
# RSS of a --kind run over time (issue 25): N accounts x 17 regions, 100 ms, c=256, the fake with
# scenario 11's flags; samples VmRSS every 5 s. TOOL and FAKE default to target/release.
#   bench/rss_trace.sh 2000 [KINDS]
set -euo pipefail
N=$1; KINDS=${2:-all}
TOOL=${TOOL:-target/release/rds-inventory}; FAKE=${FAKE:-target/release/fake-aws}
REGIONS=us-east-1,eu-west-1,us-west-2,eu-central-1,ap-northeast-1,ap-southeast-2,us-east-2,eu-west-2,ap-south-1,ca-central-1,sa-east-1,eu-north-1,ap-southeast-1,ap-northeast-2,us-west-1,eu-west-3,ap-northeast-3
unset AWS_PROFILE AWS_DEFAULT_PROFILE AWS_SESSION_TOKEN AWS_ENDPOINT_URL http_proxy https_proxy HTTP_PROXY HTTPS_PROXY
export AWS_EC2_METADATA_DISABLED=true AWS_CONFIG_FILE=/nonexistent/c AWS_SHARED_CREDENTIALS_FILE=/nonexistent/c
export AWS_ACCESS_KEY_ID=AKIDBASE AWS_SECRET_ACCESS_KEY=x AWS_REGION=us-east-1 AWS_DEFAULT_REGION=us-east-1 NO_PROXY=127.0.0.1,localhost
D=$(mktemp -d /tmp/rsstrace.XXXXXX)
python3 - "$N" "$REGIONS" > $D/accounts.toml <<'PY'
import sys
n=int(sys.argv[1]); regs=sys.argv[2].split(",")
print("regions = [" + ", ".join(f'"{r}"' for r in regs) + "]")
for i in range(n):
    print(f'\n[[accounts]]\nid = "{100000000000 + i:012d}"\nname = "acct-{i}"')
PY
"$FAKE" --accounts $N --regions $REGIONS --instances 1 --latency-ms 100 --seed 1 --clusters 1 \
  --automated-backups 1 --cluster-automated-backups 1 --proxies 1 --blue-green 1 --global-clusters 1 --awsbackup-snapshots 0 > $D/fake.out 2>/dev/null &
FP=$!
trap 'kill $FP 2>/dev/null || true; rm -rf "$D"' EXIT
sleep 1; URL=$(head -1 $D/fake.out | grep -o 'http://[0-9.:]*')
mkdir $D/out
"$TOOL" -c $D/accounts.toml --endpoint-url $URL --no-progress -f ndjson --concurrency 256 --kind $KINDS -o "$D/out/{kind}.ndjson" 2> $D/err.txt &
TP=$!
t=0
while kill -0 $TP 2>/dev/null; do
  rss=$(awk '/VmRSS/{print $2}' /proc/$TP/status 2>/dev/null || echo 0)
  hwm=$(awk '/VmHWM/{print $2}' /proc/$TP/status 2>/dev/null || echo 0)
  echo "t=${t}s rss=$((rss/1024))MiB hwm=$((hwm/1024))MiB"
  sleep 5; t=$((t+5))
done
wait $TP || true
tail -1 $D/err.txt
