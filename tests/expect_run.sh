#!/usr/bin/env bash
# tests/expect_run.sh STATUS REGEX CMD...: runs CMD and requires exit status
# STATUS and output (stdout+stderr) matching the extended regex REGEX.
set -u
want=$1 regex=$2
shift 2
out=$("$@" 2>&1)
rc=$?
echo "$out"
if [ "$rc" != "$want" ]; then
	echo "FAIL: exit status $rc, expected $want"
	exit 1
fi
if ! grep -Eq -- "$regex" <<<"$out"; then
	echo "FAIL: output does not match /$regex/"
	exit 1
fi
echo "ok: status $rc, output matches"
