/*
 * Faults: the operation that failed and why, as text.  A table keeps every
 * operation's name, the side of the copy it concerns, and whether its err
 * field is an errno, a signal, or nothing, in one place.
 */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "fault.h"

enum reason { R_ERRNO, R_SIGNAL, R_NONE };

static const struct {
	const char	*name;
	bool		 dst;
	enum reason	 reason;
} ops[FAULT_NOP] = {
	[FAULT_NONE] =		{ "no error", false, R_NONE },
	[FAULT_OPEN_SRC] =	{ "open", false, R_ERRNO },
	[FAULT_OPEN_DST] =	{ "open", true, R_ERRNO },
	[FAULT_READ] =		{ "read", false, R_ERRNO },
	[FAULT_WRITE] =		{ "write", true, R_ERRNO },
	[FAULT_SHRANK] =	{ "file shrank while being copied", false,
				    R_NONE },
	[FAULT_CHANGED] =	{ "file changed while being copied", false,
				    R_NONE },
	[FAULT_CLOSE_DST] =	{ "close", true, R_ERRNO },
	[FAULT_CREATE] =	{ "create", true, R_ERRNO },
	[FAULT_TRUNCATE] =	{ "truncate", true, R_ERRNO },
	[FAULT_SEEK] =		{ "seek", false, R_ERRNO },
	[FAULT_CHMOD] =		{ "chmod", true, R_ERRNO },
	[FAULT_RENAME] =	{ "rename", true, R_ERRNO },
	[FAULT_KILLED] =	{ "worker killed by signal", false, R_SIGNAL },
	[FAULT_WORKER] =	{ "worker failed", false, R_ERRNO },
	[FAULT_INTR] =		{ "interrupted", false, R_NONE },
	[FAULT_CHOWN] =		{ "chown", true, R_ERRNO },
	[FAULT_GETXATTR] =	{ "getxattr", false, R_ERRNO },
	[FAULT_SETXATTR] =	{ "setxattr", true, R_ERRNO },
	[FAULT_UTIMES] =	{ "utimes", true, R_ERRNO },
	[FAULT_READLINK] =	{ "readlink", false, R_ERRNO },
	[FAULT_SYMLINK] =	{ "symlink", true, R_ERRNO },
	[FAULT_MKNOD] =		{ "mknod", true, R_ERRNO },
	[FAULT_MKDIR] =		{ "mkdir", true, R_ERRNO },
	[FAULT_LINK] =		{ "link", true, R_ERRNO },
	[FAULT_PATH] =		{ "path", false, R_ERRNO },
	[FAULT_COPY] =		{ "copy", true, R_ERRNO },
	[FAULT_VERIFY] =	{ "verification failed: copy differs from "
				    "source after a retry", true, R_NONE },
	[FAULT_READBACK] =	{ "read back", true, R_ERRNO },
	[FAULT_SYNC] =		{ "fsync", true, R_ERRNO },
	[FAULT_JOURNAL] =	{ "journal", true, R_ERRNO },
	[FAULT_CLONE] =		{ "clone", true, R_ERRNO },
	[FAULT_OWNED] =		{ "another parcp is copying to it (its "
				    "part file is locked)", true, R_NONE },
	[FAULT_MOVED] =		{ "its directory was replaced while being "
				    "copied into", true, R_NONE },
};

void
fault_set(struct fault *f, int op)
{
	fault_setc(f, op, errno);
}

void
fault_setc(struct fault *f, int op, int err)
{
	f->op = op;
	f->err = err;
}

const char *
fault_str(int op)
{
	if (op < 0 || op >= FAULT_NOP)
		return "unknown operation";
	return ops[op].name;
}

bool
fault_is_dst(int op)
{
	return op > 0 && op < FAULT_NOP && ops[op].dst;
}

char *
fault_format(const struct fault *f, char *buf, size_t len)
{
	const char *what = fault_str(f->op);

	if (f->op < 0 || f->op >= FAULT_NOP || ops[f->op].reason == R_NONE)
		(void)snprintf(buf, len, "%s", what);
	else if (ops[f->op].reason == R_SIGNAL)
		(void)snprintf(buf, len, "%s %d (%s)", what, f->err,
		    strsignal(f->err));
	else
		(void)snprintf(buf, len, "%s: %s", what, strerror(f->err));
	return buf;
}

const char *
fault_reason(const struct fault *f)
{
	if (f->op <= 0 || f->op >= FAULT_NOP || ops[f->op].reason == R_NONE)
		return "";
	if (ops[f->op].reason == R_SIGNAL)
		return strsignal(f->err);
	return strerror(f->err);
}
