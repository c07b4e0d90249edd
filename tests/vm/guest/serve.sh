#!/bin/bash
# Guest side of tests/vm/serve.test: mnprof serve on loopback, a real
# Prometheus server (Debian's) scraping it with a generated config, mnsim
# devices at a known latency driven by mnload. Prints TAP lines.
set -u
. tests/lib.sh
M=${MNPROF:-build/mnprof-asan}
L=tools/mnload/mnload
out=/tmp/serve
mkdir -p "$out"
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}
# The devices' latencies sit at different places of the histogram's
# octaves (1000 us near the top of [512, 1024), 3000 low in [2048, 4096),
# 7000 high in [4096, 8192), 12000 mid [8192, 16384)): the exporter's
# buckets split each octave in 8, so PromQL's histogram_quantile(), which
# interpolates linearly inside a bucket, is within 12.5% of the true
# median wherever it falls. The true median is mnsim's own, from the
# latencies it measured (mnload's device_p50_us).
# stop_serve WHAT STDERR: SIGTERM to the exporter ($spid), which must exit 0
stop_serve() {
	local rc
	kill "$spid"
	wait "$spid"
	rc=$?
	spid=
	t_eq "$1" "$rc" 0
	[ "$rc" = 0 ] || tail -n 30 "$2" | t_diag
}

lat=${SERVE_LATENCY_US:-1000,3000,7000,12000}
iters=${SERVE_ITERATIONS:-150}
gpus=4
exporter=127.0.0.1:9477
start=$(date +%s)
prom=127.0.0.1:9090

# wait_for SECONDS CMD...: until CMD succeeds; 1 if it never did
wait_for() {
	local n=$(($1 * 5))
	shift
	while [ "$n" -gt 0 ]; do
		"$@" >/dev/null 2>&1 && return 0
		sleep 0.2
		n=$((n - 1))
	done
	return 1
}

# pq QUERY: the query's result vector, as "device value" lines sorted; an
# empty result is shown with the answer and Prometheus's log
pq() {
	local r
	r=$(curl -s --max-time 60 "http://$prom/api/v1/query" --data-urlencode "query=$1")
	if [ -z "$(echo "$r" | jq -r '.data.result[]?')" ]; then
		echo "query $1: $r" | t_diag >&2
		tail -n 5 "$out/prometheus.log" | t_diag >&2
	fi
	echo "$r" | jq -r '.data.result[] | "\(.metric.device // "-") \(.value[1])"' | sort
}

cleanup() {
	[ -n "${ppid:-}" ] && kill "$ppid" 2>/dev/null
	[ -n "${spid:-}" ] && kill "$spid" 2>/dev/null
	wait 2>/dev/null
}
trap cleanup EXIT

echo "# mnprof serve on $exporter"
$M serve --listen "$exporter" >"$out/serve.out" 2>"$out/serve.err" &
spid=$!
if ! wait_for 60 curl -sf "http://$exporter/metrics"; then
	t_fail "mnprof serve answers on $exporter"
	t_diag <"$out/serve.err"
	exit 1
fi
t_ok "mnprof serve answers on $exporter"
t_check "... and says where on stderr" grep -q "http://$exporter/metrics" "$out/serve.err"
code=$(curl -s -o /dev/null -w '%{http_code}' "http://$exporter/nothing")
t_eq "... 404 for another path" "$code" 404

echo "# a Prometheus server scraping it"
cat >"$out/prometheus.yml" <<EOF
global:
  scrape_interval: 1s
  scrape_timeout: 1s
scrape_configs:
  - job_name: mnprof
    static_configs:
      - targets: ['$exporter']
EOF
promtool check config "$out/prometheus.yml" >"$out/promtool-config.out" 2>&1
t_eq "promtool accepts the generated config" "$?" 0
prometheus --config.file="$out/prometheus.yml" --storage.tsdb.path="$out/tsdb" \
	--web.listen-address="$prom" --log.level=warn >"$out/prometheus.log" 2>&1 &
ppid=$!
if ! wait_for 90 curl -sf "http://$prom/-/ready"; then
	t_fail "prometheus starts"
	tail -n 20 "$out/prometheus.log" | t_diag
	exit 1
fi
t_ok "prometheus starts"
wait_for 30 sh -c "curl -s 'http://$prom/api/v1/targets' | jq -e '.data.activeTargets[0].health == \"up\"'"
t_eq "... and finds the target up" \
	"$(curl -s "http://$prom/api/v1/targets" | jq -r '.data.activeTargets[0].health')" up

echo "# $gpus two-pass mnsim devices at $lat us, $iters munmaps"
$L --json --quiet --gpus "$gpus" --latency-us "$lat" --op munmap \
	--iterations "$iters" --mode two-pass >"$out/load.json"
t_eq "mnload exit status" "$?" 0

echo "# one scrape through promtool"
curl -s -D "$out/scrape.hdr" "http://$exporter/metrics" >"$out/scrape.txt"
t_check "Content-Type is the text format 0.0.4" \
	grep -qi '^content-type: text/plain; version=0.0.4' "$out/scrape.hdr"
promtool check metrics <"$out/scrape.txt" >"$out/promtool.out" 2>&1
rc=$?
t_eq "promtool check metrics accepts the scrape ($(wc -l <"$out/scrape.txt") lines)" "$rc" 0
[ "$rc" = 0 ] || head -n 20 "$out/promtool.out" | t_diag
t_check "no kernel address in any label" \
	sh -c "! grep -E '\\{[^}]*0x[0-9a-f]{8}' '$out/scrape.txt'"
t_check "buckets are cumulative (never decrease along le)" \
	awk -F'[{}]' '/_bucket\{/ { key = $2; sub(/,?le="[^"]*"/, "", key); split($3, v, " ");
		if (key == last && v[2] + 0 < prev) bad = 1; last = key; prev = v[2] + 0 }
		END { exit bad }' "$out/scrape.txt"

echo "# PromQL, once Prometheus has scraped the end of the run"
want=$((gpus * iters))
wait_for 60 sh -c "[ \"\$(curl -s 'http://$prom/api/v1/query' --data-urlencode 'query=sum(mnprof_device_callbacks_total)' | jq -r '.data.result[0].value[1]')\" = $want ]"
t_eq "sum(mnprof_device_callbacks_total) is mnload's callbacks" \
	"$(pq 'sum(mnprof_device_callbacks_total)' | cut -d' ' -f2)" "$want"
t_eq "mnprof_invalidations_total{event=\"unmap\"} is mnload's munmaps" \
	"$(pq 'sum(mnprof_invalidations_total{event="unmap"})' | cut -d' ' -f2)" "$iters"
t_eq "per device, _count of the device latency is mnsim's own flush count" \
	"$(pq 'sum by (device) (mnprof_device_latency_seconds_count)' | tr '\n' ' ')" \
	"$(jq -r '.devices[] | "\(.name) \(.flushes)"' "$out/load.json" | sort | tr '\n' ' ')"

pq 'histogram_quantile(0.5, sum by (device, le) (mnprof_device_latency_seconds_bucket))' >"$out/p50"
pq 'sum by (device) (mnprof_device_latency_seconds_sum) / sum by (device) (mnprof_device_latency_seconds_count)' >"$out/mean"
echo "# PromQL median: $(tr '\n' ' ' <"$out/p50")"
echo "# PromQL mean: $(tr '\n' ' ' <"$out/mean")"
jq -r '.devices[] | "\(.name) \(.device_mean_us) \(.device_p50_us) \(.latency_us)"' \
	"$out/load.json" | sort >"$out/mnsim_lat"
for d in $(cut -d' ' -f1 "$out/mnsim_lat"); do
	read -r m m50 set < <(awk -v d="$d" '$1 == d { print $2, $3, $4 }' "$out/mnsim_lat")
	p50=$(awk -v d="$d" '$1 == d { print $2 * 1e6 }' "$out/p50")
	mean=$(awk -v d="$d" '$1 == d { print $2 * 1e6 }' "$out/mean")
	echo "# $d (set $set us): mnsim's mean $m us, median $m50 us; PromQL: mean $mean us, histogram_quantile(0.5) $p50 us"
	t_num "$d: mean device latency in PromQL within 5% of mnsim's own mean" \
		"$(awk -v a="$mean" -v b="$m" 'BEGIN { d = a / b - 1; print d < 0 ? -d : d }')" "<=" 0.05
	t_num "$d: histogram_quantile(0.5) of the device latency within 15% of mnsim's own median ($set us set)" \
		"$(awk -v a="$p50" -v b="$m50" 'BEGIN { d = a / b - 1; print d < 0 ? -d : d }')" "<=" 0.15
	# (not against the set latency: how late the flushes complete is the
	# host's load, up to 5 ms late on this machine beside a kernel build)
done
grep "mnprof_device_latency_seconds_bucket{device=\"mnsim0\"" "$out/scrape.txt" | awk '$2 > 0' | head -12 | t_diag

stop_serve "mnprof serve ends on SIGTERM with status 0 (ASan: no leak, no error)" "$out/serve.err"
kill "$ppid"
wait "$ppid" 2>/dev/null
ppid=

echo "# serve --check: one device sleeping in pass 1"
$M serve --check --listen "$exporter" >"$out/check.out" 2>"$out/check.err" &
spid=$!
wait_for 60 curl -sf "http://$exporter/metrics"
$L --json --quiet --gpus 4 --latency-us 2000 --op munmap --iterations 20 \
	--mode two-pass,two-pass,pass1-wait,two-pass >"$out/check.load.json"
t_eq "mnload exit status" "$?" 0
curl -s "http://$exporter/metrics" >"$out/check.txt"
promtool check metrics <"$out/check.txt" >"$out/promtool-check.out" 2>&1
t_eq "promtool check metrics accepts the scrape with check's families" "$?" 0
sample() { # sample NAME{LABELS}: its value in the scrape
	awk -v k="$1" 'index($0, k " ") == 1 { print $2 }' "$out/check.txt"
}
n=$(sample 'mnprof_check_callbacks_total{device="mnsim2",driver="mnsim_pass1_wait_ops",finding="sleep_in_pass1"}')
# a pass1-wait callback whose flush completed before it waited did not sleep
t_num "mnsim2's callbacks that slept in pass 1: most of its 20" "${n:-0}" ">=" 10
t_eq "... a violation" \
	"$(sample 'mnprof_check_finding_severity{device="mnsim2",driver="mnsim_pass1_wait_ops",finding="sleep_in_pass1"}')" 2
t_eq "no other device sleeps in pass 1" \
	"$(grep -c '^mnprof_check_callbacks_total{.*finding="sleep_in_pass1"' "$out/check.txt")" 1
t_eq "mnprof_check_status is check's exit status for violations" "$(sample mnprof_check_status)" 1
stop_serve "mnprof serve --check ends on SIGTERM with status 0" "$out/check.err"
echo "# $(($(date +%s) - start)) s in the VM"
t_done
