# Guest half of `make check`: run the selftests (patterns in "$@", default all).
exec sh "$K4A_ROOT/selftests/run.sh" "$@"
