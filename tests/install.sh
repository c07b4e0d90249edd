#!/bin/bash
# make install into a temporary DESTDIR (host, no VM): the binary, one man
# page per command with OVERHEAD and EXAMPLES, rendered by man -l without
# a warning and naming every option the binary's --help has, the bash
# completion working against the installed binary, the kernel patch; then
# make uninstall leaves no file behind.
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1
. tests/lib.sh
d=$(mktemp -d)
trap 'rm -rf "$d"' EXIT
p=/usr

make -s install DESTDIR="$d" PREFIX="$p" >"$d.log" 2>&1
t_eq "make install DESTDIR=... PREFIX=$p: exit status" "$?" 0
[ -s "$d.log" ] && t_diag <"$d.log"
rm -f "$d.log"
bin=$d$p/sbin/mnprof
t_eq "the binary, mode 755" "$(stat -c %a "$bin" 2>/dev/null)" 755
t_eq "... runs: --version" "$("$bin" --version)" "mnprof $(sed -n 's/^#define MNPROF_VERSION "\(.*\)"/\1/p' src/cli.h)"
t_eq "the kernel patch series in share/mnprof/kernel-patch" \
	"$(cd "$d$p/share/mnprof/kernel-patch" 2>/dev/null && ls | tr '\n' ' ')" \
	"$(cd kernel-patch && ls ./*.patch | sed 's|^\./||' | tr '\n' ' ')"

echo "# man pages"
for page in mnprof mnprof-check mnprof-record mnprof-report mnprof-diff mnprof-serve; do
	f=$d$p/share/man/man8/$page.8
	if [ ! -f "$f" ]; then
		t_fail "$page.8 installed"
		continue
	fi
	txt=$(LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -l "$f" 2>"$d/warn")
	t_eq "man -l $page.8: renders without a warning" "$(cat "$d/warn")" ""
	for sec in NAME SYNOPSIS DESCRIPTION OVERHEAD EXAMPLES "SEE ALSO"; do
		grep -qx "$sec" <<<"$txt" || echo "# $page.8 has no $sec section"
	done
	t_check "... with NAME, SYNOPSIS, DESCRIPTION, OVERHEAD, EXAMPLES, SEE ALSO" \
		sh -c "[ \$(printf '%s\n' \"\$1\" | grep -cxE 'NAME|SYNOPSIS|DESCRIPTION|OVERHEAD|EXAMPLES|SEE ALSO') = 6 ]" - "$txt"
	# every option of the command's --help is in its page or in mnprof.8
	cmd=${page#mnprof}
	cmd=${cmd#-}
	all=$(LC_ALL=C.UTF-8 MANWIDTH=200 man -l "$f" "$d$p/share/man/man8/mnprof.8" 2>/dev/null)
	missing=$("$bin" $cmd --help | sed -n 's/^ \{1,\}\(-[[:alnum:]?], \)\{0,1\}\(--[[:alnum:]-]\{1,\}\).*/\2/p' |
		grep -vxE -- '--help|--usage|--version' | while read -r o; do
			grep -qF -- "$o" <<<"$all" || echo "$o"
		done | tr '\n' ' ')
	t_eq "... documents every option of 'mnprof $cmd --help'" "$missing" ""
done

echo "# bash completion"
comp=$d$p/share/bash-completion/completions/mnprof
t_check "installed in share/bash-completion/completions" test -f "$comp"
c() { # c WORD...: what completing the last word offers
	bash -c '. "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _mnprof; echo "${COMPREPLY[*]}"' \
		- "$comp" "$@"
}
t_eq "commands" "$(c "$bin" "")" "check record report diff serve"
t_eq "options of a command, from the installed binary's --help" "$(c "$bin" serve --li)" --listen
t_eq "options of live mnprof" "$(c "$bin" --cu)" --cumulative
t_eq "values of --source" "$(c "$bin" check --source "")" "auto tracepoint fentry"
t_eq "values of --event" "$(c "$bin" --event prot)" "protection_vma protection_page"
t_eq "files for -o" "$(cd "$top" && c "$bin" -o READM)" README.md

make -s uninstall DESTDIR="$d" PREFIX="$p" >/dev/null 2>&1
t_eq "make uninstall: exit status" "$?" 0
t_eq "... leaves no file behind" "$(find "$d" -type f ! -name warn | wc -l)" 0
t_done
