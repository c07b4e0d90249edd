# bash completion for mnprof(8)                             -*- shell-script -*-
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#
# Commands, the options of each (read from `mnprof COMMAND --help`, so they
# follow the installed binary), the values of --source and --event,
# process ids, files where a file goes, and after "--" the workload's own
# command line. Needs nothing but bash (not the bash-completion package).

_mnprof_opts()
{
	# "  -d, --duration=SECONDS  ..." and "      --json  ...": the long names
	"$1" ${2:+"$2"} --help 2>/dev/null |
		sed -n 's/^ \{1,\}\(-[[:alnum:]?], \)\{0,1\}\(--[[:alnum:]-]\{1,\}\).*/\2/p'
}

_mnprof()
{
	local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD - 1]}
	local prog=${COMP_WORDS[0]} cmd="" i
	local cmds="check record report diff serve"

	for ((i = 1; i < COMP_CWORD; i++)); do
		if [[ ${COMP_WORDS[i]} == -- ]]; then
			# the workload: a command, then its arguments as files
			if ((i + 1 == COMP_CWORD)); then
				COMPREPLY=($(compgen -c -- "$cur" | sort -u))
			else
				COMPREPLY=($(compgen -f -- "$cur"))
			fi
			return
		fi
	done
	[[ $COMP_CWORD -gt 1 && " $cmds " == *" ${COMP_WORDS[1]} "* ]] && cmd=${COMP_WORDS[1]}

	case $prev in
	-o | --output | --summary | --perfetto | --html)
		COMPREPLY=($(compgen -f -- "$cur"))
		return
		;;
	--source)
		COMPREPLY=($(compgen -W "auto tracepoint fentry" -- "$cur"))
		return
		;;
	--event)
		COMPREPLY=($(compgen -W "unmap clear protection_vma protection_page soft_dirty release migrate exclusive" -- "$cur"))
		return
		;;
	-p | --pid | --mm-of)
		COMPREPLY=($(compgen -W "$(cd /proc 2>/dev/null && echo [0-9]*)" -- "$cur"))
		return
		;;
	-d | --duration | -i | --interval | -c | --count | -b | --ringbuf-size | \
	--pass1-budget | --listen | --device)
		return	# a value of the user's
		;;
	esac

	if [[ $cur == -* ]]; then
		COMPREPLY=($(compgen -W "$(_mnprof_opts "$prog" "$cmd") --" -- "$cur"))
		return
	fi
	case $cmd in
	"")
		((COMP_CWORD == 1)) && COMPREPLY=($(compgen -W "$cmds" -- "$cur"))
		;;
	report | diff)
		COMPREPLY=($(compgen -f -- "$cur"))
		;;
	esac
}
complete -F _mnprof mnprof
