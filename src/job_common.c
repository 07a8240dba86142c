/*
 * job_common.c: what every driver's blob holds (job.h): the option
 * values, the directory relative paths start from, the file list and the
 * plan's ranges, and the devices' anchors.  Each reader checks what it
 * takes: an index that points outside its table fails the unpack.
 */
#include "config.h"

#include <sys/stat.h>

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "compat.h"
#include "job.h"
#include "util.h"

static void
put_opts(struct blob *b, const struct opts *src)
{
	struct opts o = *src;

	o.backup_control = NULL;
	o.backup.suffix = NULL;
	o.manifest = NULL;
	o.tar_path = o.target = NULL;
	memset(&o.exclude, 0, sizeof(o.exclude));
	o.paths = NULL;
	o.npaths = 0;
	blob_put(b, &o, sizeof(o));
	blob_put_str(b, src->backup.suffix);
	blob_put_str(b, src->manifest);
	blob_put_str(b, src->tar_path);
}

static int
get_opts(struct blob *b, struct job_opts *j)
{
	blob_get(b, &j->o, sizeof(j->o));
	j->o.backup.suffix = j->suffix = blob_get_str(b);
	j->o.manifest = j->manifest = blob_get_str(b);
	j->o.tar_path = j->tar_path = blob_get_str(b);
	if (b->bad || j->o.jobs == 0)
		return -1;
	return 0;
}

void
job_opts_free(struct job_opts *j)
{
	free(j->suffix);
	free(j->manifest);
	free(j->tar_path);
	j->suffix = j->manifest = j->tar_path = NULL;
}

static void
put_cwd(struct blob *b)
{
	char cwd[PATH_MAX];

	blob_put_str(b, getcwd(cwd, sizeof(cwd)) ? cwd : NULL);
}

static int
enter_cwd(struct blob *b)
{
	char *cwd = blob_get_str(b);
	int rv = b->bad ? -1 : 0;

	if (cwd != NULL && chdir(cwd) == -1) {
		warn("cannot enter %s", cwd);
		rv = -1;
	}
	free(cwd);
	return rv;
}

void
job_put_head(struct blob *b, uint64_t magic, const struct opts *o)
{
	blob_put_u64(b, magic);
	put_cwd(b);
	put_opts(b, o);
}

int
job_get_head(struct blob *b, uint64_t magic, struct job_opts *o)
{
	if (blob_check(b) == -1 || blob_get_u64(b) != magic ||
	    enter_cwd(b) == -1 || get_opts(b, o) == -1)
		return -1;
	return 0;
}

void
job_put_work(struct blob *b, const struct work *w)
{
	blob_put(b, &w->how, sizeof(w->how));
	blob_put_u64(b, w->bufsz);
}

int
job_get_work(struct blob *b, struct work *w)
{
	blob_get(b, &w->how, sizeof(w->how));
	w->bufsz = blob_get_u64(b);
	w->how.buf = NULL;
	w->how.progress = NULL;
	w->how.tally = NULL;
	w->how.writeout = NULL;
	return b->bad || w->bufsz == 0 || w->bufsz > OPTS_BUFSZ_MAX ? -1 : 0;
}

void
job_put_ranges(struct blob *b, const struct plan *p)
{
	blob_put_u64(b, p->nranges);
	blob_put(b, p->ranges, p->nranges * sizeof(*p->ranges));
}

int
job_get_ranges(struct blob *b, struct plan *p, size_t nfiles)
{
	uint64_t n = blob_get_u64(b);
	size_t i;

	if ((p->ranges = blob_get_array(b, n, sizeof(*p->ranges))) == NULL)
		return -1;
	p->nranges = p->cap = n;
	for (i = 0; i < p->nranges; i++)
		if (p->ranges[i].file >= nfiles || p->ranges[i].off < 0 ||
		    p->ranges[i].len < 0)
			return -1;
	return 0;
}

void
job_put_lists(struct blob *b, const struct flist *fl, const struct plan *p)
{
	blob_put_u64(b, fl->n);
	blob_put(b, fl->v, fl->n * sizeof(*fl->v));
	blob_put_u64(b, fl->nlen);
	blob_put(b, fl->names, fl->nlen);
	job_put_ranges(b, p);
}

/* Every index in the list points inside it: a worker never reads past
 * the arena or the nodes, whatever the blob said. */
static bool
sane(const struct flist *fl)
{
	const struct node *n;
	size_t i;

	if (fl->nlen == 0 || fl->names[fl->nlen - 1] != '\0')
		return false;
	for (i = 0; i < fl->n; i++) {
		n = &fl->v[i];
		if (n->name >= fl->nlen || (n->parent != NODE_NONE &&
		    n->parent >= i) || (n->parent == NODE_NONE &&
		    n->dst >= fl->nlen) || (n->link != NODE_NONE &&
		    n->link >= fl->n))
			return false;
	}
	return true;
}

int
job_get_lists(struct blob *b, struct flist *fl, struct plan *p)
{
	uint64_t n;

	n = blob_get_u64(b);
	if (n > UINT32_MAX ||
	    (fl->v = blob_get_array(b, n, sizeof(*fl->v))) == NULL)
		return -1;
	fl->n = fl->cap = n;
	n = blob_get_u64(b);
	if ((fl->names = blob_get_array(b, n, 1)) == NULL)
		return -1;
	fl->nlen = fl->ncap = n;
	if (job_get_ranges(b, p, fl->n) == -1)
		return -1;
	return sane(fl) ? 0 : -1;
}

void
job_anchor(struct job_anchors *a, dev_t dev, ino_t ino, bool follow,
    const char *path)
{
	size_t i;

	if (dev == 0 || path == NULL)
		return;
	for (i = 0; i < a->n; i++)
		if (a->v[i].dev == dev)
			return;
	a->v = xreallocarray(a->v, a->n + 1, sizeof(*a->v));
	a->v[a->n].dev = dev;
	a->v[a->n].ino = ino;
	a->v[a->n].follow = follow;
	a->v[a->n++].path = xstrdup(path);
}

void
job_put_anchors(struct blob *b, struct job_anchors *a)
{
	size_t i;

	blob_put_u64(b, a->n);
	for (i = 0; i < a->n; i++) {
		blob_put_u64(b, a->v[i].dev);
		blob_put_u64(b, a->v[i].ino);
		blob_put_u64(b, a->v[i].follow);
		blob_put_str(b, a->v[i].path);
		free(a->v[i].path);
	}
	free(a->v);
	a->v = NULL;
	a->n = 0;
}

int
job_get_anchors(struct blob *b, bool across_hosts, struct job_devmap *m)
{
	uint64_t n = blob_get_u64(b), i, ino, follow;
	struct stat st;
	char *path;
	dev_t dev;

	m->n = 0;
	if (b->bad || n > b->len)
		return -1;
	m->v = xcalloc(n ? n : 1, sizeof(*m->v));
	for (i = 0; i < n && !b->bad; i++) {
		dev = (dev_t)blob_get_u64(b);
		ino = blob_get_u64(b);
		follow = blob_get_u64(b);
		path = blob_get_str(b);
		if (path != NULL && across_hosts && (follow ? stat(path, &st) :
		    lstat(path, &st)) == 0 && st.st_ino == ino &&
		    st.st_dev != dev) {
			m->v[m->n][0] = dev;
			m->v[m->n++][1] = st.st_dev;
		}
		free(path);
	}
	return b->bad ? -1 : 0;
}

dev_t
job_dev(const struct job_devmap *m, dev_t dev)
{
	size_t i;

	for (i = 0; i < m->n; i++)
		if (m->v[i][0] == dev)
			return m->v[i][1];
	return dev;
}

void
job_devmap_free(struct job_devmap *m)
{
	free(m->v);
	m->v = NULL;
	m->n = 0;
}
