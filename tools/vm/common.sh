# Sourced by the bench scripts: paths shared by all of them.
# K4A_ROOT: the repository; K4A_BUILD: build output; K4A_CACHE: downloads and images that
# survive `make clean` (kernels, guest rootfs, checkpatch, kselftest headers).
K4A_ROOT=${K4A_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
K4A_BUILD=${K4A_BUILD:-$K4A_ROOT/build}
K4A_CACHE=${K4A_CACHE:-$K4A_BUILD/cache}
# Kernel series the bench boots: Debian 12's own and the one from bookworm-backports.
K4A_SUITES=${K4A_SUITES:-"bookworm bookworm-backports"}
# Reference kernels, booted only to run stock drivers against the emulator: the newest
# Debian kernel (trixie-backports), whose uvcvideo is the current upstream one.
K4A_REF_SUITES=${K4A_REF_SUITES-"trixie-backports"}
export K4A_ROOT K4A_BUILD K4A_CACHE

k4a_log() { printf '%s: %s\n' "${0##*/}" "$*" >&2; }
k4a_die() { k4a_log "$*"; exit 1; }

# A script running under `set -e` that stops on a failed command says which one and where,
# instead of exiting without a word. errtrace (-E) reaches failures inside functions; the
# report is made only in the script's own shell (not inside $(...) or a pipeline element,
# where a failure need not stop the script): when such a failure does stop it, the command
# that received it is the one reported.
k4a_on_err() {
	[ "$BASH_SUBSHELL" = 0 ] && [[ $- == *e* ]] || return 0
	printf '%s: FAILED (exit %s) at %s:%s: %s\n' "${0##*/}" "$1" "${4##*/}" "$3" "$2" >&2
}
if [[ $- == *e* ]]; then
	set -E
	trap 'k4a_on_err $? "$BASH_COMMAND" "$LINENO" "${BASH_SOURCE[0]}"' ERR
fi
