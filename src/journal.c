/*
 * Journal files: a fixed header, then fixed-size records.  Both carry a
 * checksum, so a torn or foreign file is recognised and ignored (the range
 * is copied again), never trusted.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <xxhash.h>

#include "journal.h"
#include "util.h"

#define JOURNAL_MAGIC	"PARCPJ01"
#define BOOT_ID		"/proc/sys/kernel/random/boot_id"
#define RECORD_DURABLE	1

struct header {
	char		 magic[8];
	struct journal_id id;
	char		 boot[40];	/* boot_id of the writing boot */
	uint64_t	 check;		/* XXH64 of the bytes above */
};

struct record {
	uint64_t	 off;
	uint64_t	 len;
	uint32_t	 flags;		/* RECORD_DURABLE */
	uint32_t	 check;		/* XXH32 of the bytes above */
};

/* This boot's id, or all zeros (then only durable records count). */
static void
boot_id(char id[40])
{
	int fd;

	memset(id, 0, 40);
	if ((fd = open(BOOT_ID, O_RDONLY | O_CLOEXEC)) == -1)
		return;
	if (read(fd, id, 39) < 36)
		memset(id, 0, 40);
	(void)close(fd);
}

static uint32_t
record_check(const struct record *r)
{
	return XXH32(r, offsetof(struct record, check), 0x70617263);
}

int
journal_create(int dir, const char *name, const struct journal_id *id,
    struct fault *f)
{
	struct header h;
	int fd;

	memset(&h, 0, sizeof(h));
	memcpy(h.magic, JOURNAL_MAGIC, sizeof(h.magic));
	h.id = *id;
	boot_id(h.boot);
	h.check = XXH64(&h, offsetof(struct header, check), 0);
	if ((fd = openat(dir, name, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW |
	    O_CLOEXEC, 0600)) == -1 || write_full(fd, &h, sizeof(h)) == -1) {
		fault_set(f, FAULT_JOURNAL);
		if (fd != -1)
			(void)close(fd);
		(void)unlinkat(dir, name, 0);
		return -1;
	}
	if (close(fd) == -1) {
		fault_set(f, FAULT_JOURNAL);
		return -1;
	}
	return 0;
}

int
journal_open(int dir, const char *name, struct fault *f)
{
	int fd;

	/* O_APPEND: one write per record, never interleaved with another. */
	if ((fd = openat(dir, name, O_WRONLY | O_APPEND | O_NOFOLLOW |
	    O_CLOEXEC)) == -1)
		fault_set(f, FAULT_JOURNAL);
	return fd;
}

int
journal_append_fd(int fd, off_t off, off_t len, bool durable,
    struct fault *f)
{
	struct record r;

	memset(&r, 0, sizeof(r));
	r.off = (uint64_t)off;
	r.len = (uint64_t)len;
	r.flags = durable ? RECORD_DURABLE : 0;
	r.check = record_check(&r);
	if (write_full(fd, &r, sizeof(r)) == -1) {
		fault_set(f, FAULT_JOURNAL);
		return -1;
	}
	return 0;
}

int
journal_append(int dir, const char *name, off_t off, off_t len,
    bool durable, struct fault *f)
{
	int fd, rv;

	if ((fd = journal_open(dir, name, f)) == -1)
		return -1;
	rv = journal_append_fd(fd, off, len, durable, f);
	if (close(fd) == -1 && rv == 0) {
		fault_set(f, FAULT_JOURNAL);
		rv = -1;
	}
	return rv;
}

static bool
header_ok(const struct header *h, const struct journal_id *id)
{
	return memcmp(h->magic, JOURNAL_MAGIC, sizeof(h->magic)) == 0 &&
	    h->check == XXH64(h, offsetof(struct header, check), 0) &&
	    memcmp(&h->id, id, sizeof(*id)) == 0;
}

/* Keep r if it is intact, inside the source, and trusted. */
static bool
record_ok(const struct record *r, const struct header *h, const char *boot)
{
	return r->check == record_check(r) && r->len > 0 &&
	    r->off <= h->id.size && r->len <= h->id.size - r->off &&
	    ((r->flags & RECORD_DURABLE) || (boot[0] != '\0' &&
	    memcmp(boot, h->boot, sizeof(h->boot)) == 0));
}

ssize_t
journal_load(int dir, const char *name, const struct journal_id *id,
    struct ival **done)
{
	struct header h;
	struct record r;
	struct ival *v = NULL;
	size_t n = 0, cap = 0;
	char boot[40];
	int fd;

	*done = NULL;
	if ((fd = openat(dir, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) == -1)
		return -1;
	if (read_full(fd, &h, sizeof(h)) != sizeof(h) || !header_ok(&h, id)) {
		(void)close(fd);
		return -1;
	}
	boot_id(boot);
	while (read_full(fd, &r, sizeof(r)) == sizeof(r)) {
		if (!record_ok(&r, &h, boot))
			continue;
		if (n == cap)
			v = xreallocarray(v, cap = cap ? 2 * cap : 64,
			    sizeof(*v));
		v[n].off = (off_t)r.off;
		v[n++].end = (off_t)(r.off + r.len);
	}
	(void)close(fd);
	*done = v;
	return (ssize_t)ival_merge(v, n);
}

uint64_t
journal_kept(int dir, const char *name)
{
	struct ival *v;
	struct header h;
	uint64_t sum = 0;
	ssize_t n, i;
	int fd;

	if ((fd = openat(dir, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) == -1)
		return 0;
	n = read_full(fd, &h, sizeof(h));
	(void)close(fd);
	/* its own source's id: whatever file it was for, what it lists */
	if (n != sizeof(h) || !header_ok(&h, &h.id) ||
	    (n = journal_load(dir, name, &h.id, &v)) == -1)
		return 0;
	for (i = 0; i < n; i++)
		sum += (uint64_t)(v[i].end - v[i].off);
	free(v);
	return sum;
}
