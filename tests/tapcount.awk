# Checks a suite reported (tests/run): "P F" from its summary lines
# ("N passed, M failed"; a suite may run several programs, each with its
# own) or, without any, from its TAP lines. What a VM attempt printed that
# tools/vmtest/run discarded (from its "vmtest: booting" line to its
# "vmtest: discarding this attempt" line) does not count.
function commit() {
	P += p; F += f; SP += sp; SF += sf; S += s
	p = f = sp = sf = s = 0
}
/^vmtest: booting / { commit(); next }
/^vmtest: discarding this attempt/ { p = f = sp = sf = s = 0; next }
/^[0-9]+ passed, [0-9]+ failed$/ { sp += $1; sf += $3; s++ }
/^ok [0-9]+/ { p++ }
/^not ok [0-9]+/ { f++ }
END { commit(); if (S) print SP, SF; else print P, F }
