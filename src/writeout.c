/*
 * writeout.c: a worker's early write-out thread (see writeout.h).  The
 * queue is a pipe: the worker writes a piece (an fd of the thread's own
 * and a range), the thread reads it, calls sync_file_range and closes
 * the fd.  A count of pieces in flight keeps the queue short, so the
 * worker never waits, and a stop waits for at most WRITEOUT_QUEUE calls
 * (their write-out started, not done): every hint taken is carried out,
 * even by a fork-mode child that exits right after its last file.
 */
#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tune.h"
#include "writeout.h"

struct writeout {
	pthread_t	 thread;
	int		 rfd, wfd;	/* the queue: read end, write end */
	int		 queued;	/* pieces written and not yet done */
};

struct piece {
	int		 fd;		/* the thread's, read-only */
	off_t		 off, len;
};

/* key's number (kB) in meminfo's text, in bytes; 0 when absent. */
static uint64_t
meminfo(const char *text, const char *key)
{
	const char *p = strstr(text, key);

	return p == NULL ? 0 : strtoull(p + strlen(key), NULL, 10) << 10;
}

/* A sysctl's number, or its kernel default when it cannot be read (a
 * ratio of 0 would hint every copy). */
static uint64_t
sysctl_u64(const char *path, uint64_t dflt)
{
	char buf[32];
	ssize_t n;
	int fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return dflt;
	n = read(fd, buf, sizeof(buf) - 1);
	(void)close(fd);
	if (n <= 0)
		return dflt;
	buf[n] = '\0';
	return strtoull(buf, NULL, 10);
}

int
writeout_mem_parse(struct writeout_mem *m, const char *text)
{
	m->dirty = meminfo(text, "\nDirty:") + meminfo(text, "\nWriteback:");
	m->dirtyable = meminfo(text, "\nMemFree:") +
	    meminfo(text, "\nActive(file):") +
	    meminfo(text, "\nInactive(file):");
	return m->dirtyable == 0 ? -1 : 0;
}

int
writeout_mem_read(struct writeout_mem *m)
{
	const char *env;
	char text[8192];
	ssize_t n;
	int fd;

	memset(m, 0, sizeof(*m));
	if ((fd = open("/proc/meminfo", O_RDONLY | O_CLOEXEC)) == -1)
		return -1;
	n = read(fd, text, sizeof(text) - 1);
	(void)close(fd);
	if (n <= 0)
		return -1;
	text[n] = '\0';
	if (writeout_mem_parse(m, text) == -1)
		return -1;
	m->bg_bytes = sysctl_u64("/proc/sys/vm/dirty_background_bytes", 0);
	m->bg_ratio = sysctl_u64("/proc/sys/vm/dirty_background_ratio", 10);
	/* The tests' threshold, and nothing dirty before the copy. */
	if ((env = getenv("PARCP_WRITEOUT_BG")) != NULL && *env != '\0') {
		m->bg_bytes = strtoull(env, NULL, 10);
		m->dirty = 0;
	}
	return 0;
}

bool
writeout_wanted(const struct writeout_mem *m, uint64_t bytes)
{
	/* As the kernel: the bytes if set, else the ratio of what could be
	 * dirty (global_dirtyable_memory, less its reserves). */
	uint64_t bg = m->bg_bytes != 0 ? m->bg_bytes :
	    m->dirtyable / 100 * m->bg_ratio;

	return m->dirty + bytes > bg;
}

bool
writeout_pays(long fstype, off_t len)
{
	/* In memory there is nothing to write out. */
	return len >= WRITEOUT_MIN && tune_kind(fstype) != FS_MEMORY;
}

static void *
drain(void *arg)
{
	struct writeout *w = arg;
	struct piece p;
	ssize_t n;

	while ((n = read(w->rfd, &p, sizeof(p))) != 0) {
		if (n != (ssize_t)sizeof(p)) {
			if (n == -1 && errno == EINTR)
				continue;
			break;		/* a pipe gives whole pieces */
		}
		(void)sync_file_range(p.fd, p.off, p.len,
		    SYNC_FILE_RANGE_WRITE);
		(void)close(p.fd);
		__atomic_sub_fetch(&w->queued, 1, __ATOMIC_RELEASE);
	}
	return NULL;
}

struct writeout *
writeout_start(void)
{
	struct writeout *w;
	sigset_t all, old;
	int fds[2], rv;

	if ((w = calloc(1, sizeof(*w))) == NULL)
		return NULL;
	if (pipe2(fds, O_CLOEXEC) == -1) {
		free(w);
		return NULL;
	}
	w->rfd = fds[0];
	w->wfd = fds[1];
	/* The worker's end only: the thread blocks on its read. */
	(void)fcntl(w->wfd, F_SETFL, O_NONBLOCK);
	/* Signals stay the worker's: the thread never takes one. */
	(void)sigfillset(&all);
	(void)pthread_sigmask(SIG_SETMASK, &all, &old);
	rv = pthread_create(&w->thread, NULL, drain, w);
	(void)pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rv != 0) {
		(void)close(w->rfd);
		(void)close(w->wfd);
		free(w);
		return NULL;
	}
	(void)pthread_setname_np(w->thread, "parcp-writeout");
	return w;
}

/* A descriptor of fd's file of the thread's own: its own open file
 * description (fd's flock ends when fd is closed), checked to be fd's. */
static int
reopen(int fd)
{
	char proc[32];
	struct stat a, b;
	int own;

	(void)snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
	if ((own = open(proc, O_RDONLY | O_CLOEXEC | O_NOCTTY)) == -1)
		return -1;
	if (fstat(fd, &a) == -1 || fstat(own, &b) == -1 ||
	    a.st_dev != b.st_dev || a.st_ino != b.st_ino) {
		(void)close(own);
		return -1;
	}
	return own;
}

void
writeout_hint(struct writeout *w, int fd, off_t off, off_t len)
{
	struct piece p = { -1, off, len };

	if (w == NULL || __atomic_load_n(&w->queued, __ATOMIC_ACQUIRE) >=
	    WRITEOUT_QUEUE || (p.fd = reopen(fd)) == -1)
		return;
	__atomic_add_fetch(&w->queued, 1, __ATOMIC_ACQ_REL);
	if (write(w->wfd, &p, sizeof(p)) != (ssize_t)sizeof(p)) {
		__atomic_sub_fetch(&w->queued, 1, __ATOMIC_RELEASE);
		(void)close(p.fd);
	}
}

void
writeout_stop(struct writeout *w)
{
	if (w == NULL)
		return;
	(void)close(w->wfd);		/* the thread reads to the end */
	(void)pthread_join(w->thread, NULL);
	(void)close(w->rfd);
	free(w);
}
