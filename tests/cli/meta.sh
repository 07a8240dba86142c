#!/bin/bash
# Metadata that cannot be applied, quickly (strace injects the error): an
# extended attribute -p would keep, the mode an overwritten file keeps; a
# symlink and a FIFO that cannot be made.
# Each fails the file with one line naming it and the operation, exit 1;
# the new copy never lands, the old file stays as it was.
. "$TESTLIB"
command -v strace >/dev/null || { echo "no strace: skipped"; exit 77; }
cd "$T"

echo data >src
setfattr -n user.k -v val src 2>/dev/null ||
    { echo "no user xattrs here: skipped"; exit 77; }

# inject CALLS PARCP-ARGS...: parcp with CALLS failing with EIO.
inject() {
	local calls=$1
	shift
	run traced -f -o /dev/null -e inject="$calls":error=EIO "$PARCP" "$@"
}

inject fsetxattr,setxattr,lsetxattr -j 2 --preserve=xattr src new
expect_rc 1 "setxattr"
expect_err "^parcp: new: setxattr: Input/output error$"
[ ! -e new ] || fail "setxattr: the copy landed"
no_temps .
pass

echo old >old
chmod 640 old
# fchmod: the copy's own mode; chmod: glibc's fchmodat(AT_SYMLINK_NOFOLLOW)
# through /proc, giving it the mode old has (cp keeps it).
for calls in fchmod,fchmodat chmod; do
	inject $calls -j 2 src old
	expect_rc 1 "$calls"
	expect_err "^parcp: old: chmod: Input/output error$"
	[ "$(cat old)" = old ] && [ "$(stat -c %a old)" = 640 ] ||
	    fail "$calls: old is now $(stat -c %a old) $(cat old)"
	no_temps .
done
pass

# Special files: a symlink and a FIFO that cannot be made (-a).
ln -s target link
mkfifo fifo
for k in link:symlinkat,symlink:symlink fifo:mknodat,mknod:mknod; do
	name=${k%%:*}
	calls=${k#*:}
	what=${calls#*:}
	calls=${calls%:*}
	inject "$calls" -a $name $name.copy
	expect_rc 1 "$name"
	expect_err "^parcp: $name.copy: $what: Input/output error$"
	[ ! -e $name.copy ] && [ ! -L $name.copy ] ||
	    fail "$name: the copy landed"
	no_temps .
done
pass
done_tests
