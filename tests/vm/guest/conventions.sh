#!/bin/bash
# Guest side of tests/vm/conventions.test: the conventions of biolatency
# and friends, on mnsim devices driven by mnload (the ground truth): -i
# prints each interval's figures (they add up to the run's), --cumulative
# the figures so far, INTERVAL COUNT stops by itself, -T stamps each
# output, -o (record: --summary) keeps mnprof's output away from the
# workload's stdout. Prints TAP lines.
set -u
. tests/lib.sh
M=build/mnprof-asan
L=tools/mnload/mnload
out=/tmp/conventions
mkdir -p "$out"
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}
load="$L --quiet --gpus 2 --latency-us 1000 --op munmap"
start=$(date +%s)

echo "# -i: each interval's figures"
$M --json -i 0.3 -- sh -c "$load --iterations 400 >/dev/null" >"$out/iv.json" 2>"$out/iv.err"
t_eq "mnprof --json -i 0.3: exit status" "$?" 0
n=$(jq -s length "$out/iv.json")
t_num "one JSON object per interval" "$n" ">=" 2
t_eq "... numbered 1, 2, ... in order" \
	"$(jq -s '[.[].interval.index] == [range(1; length + 1)]' "$out/iv.json")" true
t_eq "... per interval (not cumulative)" "$(jq -s '[.[].interval.cumulative] | unique' -c "$out/iv.json")" '[false]'
t_eq "the intervals' invalidations add up to mnload's" \
	"$(jq -s '[.[].invalidations.total.count] | add' "$out/iv.json")" 400
t_eq "... and so do the devices' callbacks" \
	"$(jq -s '[.[].devices[] | select(.name == "mnsim0") | .first_pass] | add' "$out/iv.json")" 400
t_num "... spread over more than one interval (reset, not repeated)" \
	"$(jq -s '[.[] | select(.invalidations.total.count > 0)] | length' "$out/iv.json")" ">=" 2
t_eq "each names the time it was read" \
	"$(jq -s 'all(.[]; .time | test("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}[-+][0-9]{4}$"))' "$out/iv.json")" true

echo "# --cumulative: the figures so far"
$M --json -i 0.3 --cumulative -- sh -c "$load --iterations 400 >/dev/null" >"$out/cum.json" 2>"$out/cum.err"
t_eq "mnprof --json -i 0.3 --cumulative: exit status" "$?" 0
t_eq "the last one has every invalidation" \
	"$(jq -s '.[-1].invalidations.total.count' "$out/cum.json")" 400
t_eq "... and the counts never decrease" \
	"$(jq -s '[.[].invalidations.total.count] | . == sort' "$out/cum.json")" true
t_eq "... marked cumulative" "$(jq -s '[.[].interval.cumulative] | unique' -c "$out/cum.json")" '[true]'

echo "# INTERVAL COUNT, -T"
timeout 60 $M -T 0.2 3 >"$out/count.txt" 2>"$out/count.err"
t_eq "mnprof -T 0.2 3 (no workload) ends by itself: exit status" "$?" 0
t_eq "... after 3 intervals, each stamped HH:MM:SS" \
	"$(grep -cE '^[0-9]{2}:[0-9]{2}:[0-9]{2} *$' "$out/count.txt")" 3
timeout 60 $M --json 0.2 2 >"$out/count.json" 2>>"$out/count.err"
t_eq "mnprof --json 0.2 2: two objects" "$(jq -s length "$out/count.json")" 2

echo "# -o: mnprof's output in a file, the workload's on stdout"
$M --json -o "$out/o.json" -- sh -c "echo workload-out; $load --iterations 50 >/dev/null" \
	>"$out/o.stdout" 2>"$out/o.err"
t_eq "mnprof --json -o FILE: exit status" "$?" 0
t_eq "... stdout holds the workload's output only" "$(cat "$out/o.stdout")" workload-out
t_eq "... FILE the JSON, with every invalidation" "$(jq .invalidations.total.count "$out/o.json")" 50
$M check --json -o "$out/check.json" -- sh -c "echo workload-out; $load --iterations 20 --mode two-pass >/dev/null" \
	>"$out/check.stdout" 2>"$out/check.err"
t_eq "mnprof check --json -o FILE: exit status 0 (clean two-pass)" "$?" 0
t_eq "... stdout holds the workload's output only" "$(cat "$out/check.stdout")" workload-out
t_eq "... FILE the verdict" "$(jq -r .verdict "$out/check.json")" ok
$M record -o "$out/t.mnt" --json --summary "$out/rec.json" -- sh -c "echo workload-out; $load --iterations 30 >/dev/null" \
	>"$out/rec.stdout" 2>"$out/rec.err"
t_eq "mnprof record --summary FILE: exit status" "$?" 0
t_eq "... stdout holds the workload's output only" "$(cat "$out/rec.stdout")" workload-out
t_eq "... FILE the closing summary" "$(jq .invalidations.total.count "$out/rec.json")" 30
$M report --json -o "$out/report.json" "$out/t.mnt" >"$out/report.stdout" 2>"$out/report.err"
t_eq "mnprof report -o FILE: exit status" "$?" 0
t_eq "... nothing on stdout, FILE the figures" \
	"$(wc -c <"$out/report.stdout") $(jq 'has("invalidations")' "$out/report.json")" "0 true"
$M diff -o "$out/diff.txt" "$out/t.mnt" "$out/t.mnt" >"$out/diff.stdout" 2>"$out/diff.err"
t_eq "mnprof diff -o FILE: exit status" "$?" 0
t_check "... nothing on stdout, FILE the comparison" \
	sh -c "[ ! -s '$out/diff.stdout' ] && grep -q '^mnprof diff' '$out/diff.txt'"
$M -d 0.1 -o /nonexistent/dir/x.json >/dev/null 2>"$out/bad.err"
t_eq "-o into a directory that does not exist: exit status 2" "$?" 2
t_check "... saying so" grep -q "cannot write '/nonexistent/dir/x.json'" "$out/bad.err"
echo "# $(($(date +%s) - start)) s in the VM"
t_done
