/*
 * Archive creation: the driver, and what every member has in common.
 *
 *  output   tar_out.c opens where the archive goes: a locked temp archive
 *           beside FILE, renamed over it only when whole; or standard
 *           output, a FIFO or a device, written in place.
 *  members  In walk order, a member's header is filled from the file
 *           system (archive_read_disk: owner names, xattrs and ACLs under
 *           -a).  A regular file is opened first: one that cannot be read
 *           is left out with a warning before anything of it is written,
 *           as tar does.  A source with holes becomes a pax sparse member
 *           (GNU.sparse 1.0: a map, then the data extents only), which GNU
 *           tar and bsdtar read.
 *  writers  A seekable, uncompressed archive is written in parallel, each
 *           member at an offset computed up front (tar_place.c); anything
 *           else is streamed through libarchive's writer (tar_inorder.c).
 *  never half-true  Once a member's header is in, its data must follow
 *           whole: a read error, a file that shrank, vanished or changed
 *           fails the whole archive, reported once.  The temp archive is
 *           removed (FILE keeps its old contents); a stream is cut short
 *           without its end-of-archive blocks, so readers see it truncated.
 */
#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <archive.h>
#include <archive_entry.h>

#include "compat.h"
#include "extent.h"
#include "quote.h"
#include "sig.h"
#include "tar.h"
#include "tarc.h"
#include "util.h"

const char *
tarc_why(struct archive *a)
{
	const char *s = a ? archive_error_string(a) : NULL;

	return s != NULL ? s : "libarchive reported an error";
}

/* node's source path, for messages (its name if the path is too long). */
static void
name_of(const struct tarc *t, uint32_t node, char *buf, size_t len)
{
	if (flist_path(t->fl, node, FLIST_SRC, buf, len) == -1)
		(void)snprintf(buf, len, "%s", flist_name(t->fl, node));
}

/* One failure more, for the exit status, --progress and --json. */
static void
count_error(struct tarc *t, const char *path, const struct fault *f)
{
	struct copy_stats *st = t->st;

	t->st->failed++;
	t->pr.errors++;
	if (t->status == 0)
		t->status = 1;
	st->errors = xreallocarray(st->errors, st->nerrors + 1,
	    sizeof(*st->errors));
	st->errors[st->nerrors].path = xstrdup(path);
	st->errors[st->nerrors++].fault = *f;
	progress_clear(&t->pr);
}

void
tarc_fail(struct tarc *t, uint32_t node, const struct fault *f,
    const char *why)
{
	char src[PATH_MAX], text[256];

	if (t->failed)
		return;
	t->failed = true;
	if (t->abort != NULL)
		*t->abort = 1;
	t->fl->v[node].state = NS_FAILED;
	name_of(t, node, src, sizeof(src));
	count_error(t, src, f);
	warnx("cannot archive %s: %s", quote(src), why != NULL ? why :
	    fault_format(f, text, sizeof(text)));
}

void
tarc_fail_out(struct tarc *t, int op, int err, const char *why)
{
	struct fault f = { op, err };
	char text[256];

	if (t->failed)
		return;
	t->failed = true;
	if (t->abort != NULL)
		*t->abort = 1;
	count_error(t, t->o->tar_path, &f);
	warnx("%s: %s", quote(t->o->tar_path), why != NULL ? why :
	    fault_format(&f, text, sizeof(text)));
}

void
tarc_left_out(struct tarc *t, uint32_t node, const struct fault *f,
    const char *why)
{
	char src[PATH_MAX];

	t->fl->v[node].state = NS_FAILED;
	name_of(t, node, src, sizeof(src));
	count_error(t, src, f);
	if (why == NULL)
		why = fault_reason(f);
	/* GNU tar's words: "Cannot open: Permission denied" */
	if (*why != '\0')
		warnx("%s: Cannot %s: %s", quote(src), fault_str(f->op), why);
	else
		warnx("%s: %s; not dumped", quote(src), fault_str(f->op));
}

void
tarc_warn(struct tarc *t, uint32_t node, struct archive *a)
{
	char src[PATH_MAX];

	name_of(t, node, src, sizeof(src));
	progress_clear(&t->pr);
	warnx("%s: %s", quote(src), tarc_why(a));
}

bool
tarc_is_self(struct tarc *t, uint32_t node)
{
	const struct node *n = &t->fl->v[node];
	char src[PATH_MAX];

	if (!t->have_self || n->dev != t->self.st_dev ||
	    n->ino != t->self.st_ino)
		return false;
	name_of(t, node, src, sizeof(src));
	progress_clear(&t->pr);
	warnx("%s: file is the archive; not dumped", quote(src));
	t->fl->v[node].state = NS_SKIPPED;
	return true;
}

bool
tarc_lost_link(struct tarc *t, uint32_t node)
{
	uint32_t first = t->fl->v[node].link;
	struct fault f = { FAULT_LINK, 0 };

	if (first == NODE_NONE || (t->fl->v[first].state != NS_FAILED &&
	    t->fl->v[first].state != NS_SKIPPED))
		return false;
	tarc_left_out(t, node, &f, "its first name is not in the archive");
	return true;
}

bool
tarc_has_data(const struct tarc *t, uint32_t node)
{
	return t->fl->v[node].type == FT_REG &&
	    t->fl->v[node].link == NODE_NONE;
}

/* Does node's source path resolve through a final symlink (-L, -H)? */
static bool
follows(const struct tarc *t, uint32_t node)
{
	return t->o->deref == DEREF_ALWAYS ||
	    t->fl->v[node].parent == NODE_NONE;
}

int
tarc_open(const struct tarc *t, uint32_t node, const char *src,
    struct fault *f)
{
	const struct node *n = &t->fl->v[node];
	struct stat st;
	int fd;

	if ((fd = open(src, O_RDONLY | O_CLOEXEC |
	    (follows(t, node) ? 0 : O_NOFOLLOW))) == -1) {
		fault_set(f, FAULT_OPEN_SRC);
		return -1;
	}
	if (fstat(fd, &st) == -1 || st.st_dev != n->dev ||
	    st.st_ino != n->ino) {
		fault_setc(f, FAULT_CHANGED, 0);	/* replaced since */
		(void)close(fd);
		return -1;
	}
	return fd;
}

bool
tarc_changed(const struct tarc *t, uint32_t node, const char *src)
{
	const struct node *n = &t->fl->v[node];
	struct stat st;

	if ((follows(t, node) ? stat(src, &st) : lstat(src, &st)) == -1)
		return true;
	return st.st_size != n->size || st.st_dev != n->dev ||
	    st.st_ino != n->ino || st.st_mtim.tv_sec != n->mtime.tv_sec ||
	    st.st_mtim.tv_nsec != n->mtime.tv_nsec;
}

/* One more extent of the member being mapped. */
static void
add_ext(struct tarc *t, off_t off, off_t len, off_t at)
{
	if (t->next == t->extcap)
		t->ext = xreallocarray(t->ext, t->extcap = t->extcap ?
		    2 * t->extcap : 64, sizeof(*t->ext));
	t->ext[t->next].off = off;
	t->ext[t->next].len = len;
	t->ext[t->next++].at = at;
}

int
tarc_map(struct tarc *t, uint32_t node, int fd)
{
	const struct node *n = &t->fl->v[node];
	struct tarc_sparse sp = { node, (uint32_t)t->next, 0 };
	off_t pos, off, len, at = 0;
	int more;

	if (t->o->sparse == SPARSE_NEVER || n->blocks * 512 >= n->size)
		return 0;
	for (pos = 0; (more = extent_next(fd, pos, n->size, &off, &len)) > 0;
	    pos = off + len, at += len, sp.n++)
		add_ext(t, off, len, at);
	if (more == -1 || (sp.n == 1 && t->ext[sp.first].off == 0 &&
	    t->ext[sp.first].len == n->size)) {
		t->next = sp.first;	/* no hole after all (or an error) */
		return more == -1 ? -1 : 0;
	}
	if (t->nsp == t->spcap)
		t->sp = xreallocarray(t->sp, t->spcap = t->spcap ?
		    2 * t->spcap : 16, sizeof(*t->sp));
	t->sp[t->nsp++] = sp;
	return 0;
}

int
tarc_ready(struct tarc *t, uint32_t node, const char *src, struct fault *f)
{
	int fd;

	if ((fd = tarc_open(t, node, src, f)) == -1)
		return -1;
	if (tarc_map(t, node, fd) == -1) {
		fault_set(f, FAULT_SEEK);
		(void)close(fd);
		return -1;
	}
	return fd;
}

const struct tarc_sparse *
tarc_sparse(const struct tarc *t, uint32_t node)
{
	size_t lo = 0, hi = t->nsp, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (t->sp[mid].node == node)
			return &t->sp[mid];
		if (t->sp[mid].node < node)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

off_t
tarc_data_len(const struct tarc *t, uint32_t node)
{
	const struct tarc_sparse *sp;
	const struct tarc_ext *last;

	if (!tarc_has_data(t, node))
		return 0;
	if ((sp = tarc_sparse(t, node)) == NULL)
		return t->fl->v[node].size;
	if (sp->n == 0)
		return 0;
	last = &t->ext[sp->first + sp->n - 1];
	return last->at + last->len;
}

/* The struct stat the walk saw, for archive_read_disk. */
static void
node_stat(const struct node *n, struct stat *st)
{
	static const mode_t fmt[] = { S_IFREG, S_IFDIR, S_IFLNK, S_IFIFO,
	    S_IFCHR, S_IFBLK };

	memset(st, 0, sizeof(*st));
	st->st_mode = fmt[n->type] | (n->mode & 07777);
	st->st_uid = n->uid;
	st->st_gid = n->gid;
	/* a symlink: room for its target, which libarchive reads */
	st->st_size = n->type == FT_REG ? n->size : n->type == FT_LNK ?
	    PATH_MAX : 0;
	st->st_atim = n->atime;
	st->st_mtim = n->mtime;
	st->st_ctim = n->mtime;
	st->st_rdev = n->rdev;
	st->st_dev = n->dev;
	st->st_ino = n->ino;
	st->st_nlink = 1;	/* hard links: the walk's groups */
}

/* The sparse map of node, if it has one, into t->e (size set). */
static void
entry_map(struct tarc *t, uint32_t node)
{
	const struct tarc_sparse *sp = tarc_sparse(t, node);
	uint32_t i;

	if (sp == NULL)
		return;
	for (i = 0; i < sp->n; i++)
		archive_entry_sparse_add_entry(t->e, t->ext[sp->first + i].off,
		    t->ext[sp->first + i].len);
	if (sp->n == 0)		/* all hole: a map that says so */
		archive_entry_sparse_add_entry(t->e, t->fl->v[node].size, 0);
}

int
tarc_entry(struct tarc *t, uint32_t node, const char *src,
    const char *member, const char **why)
{
	const struct node *n = &t->fl->v[node];
	char first[PATH_MAX];
	struct stat st;
	int r;

	node_stat(n, &st);
	archive_entry_clear(t->e);
	archive_entry_copy_sourcepath(t->e, src);
	archive_entry_copy_pathname(t->e, member);
	if ((r = archive_read_disk_entry_from_file(t->disk, t->e, -1, &st)) <
	    ARCHIVE_WARN) {
		*why = tarc_why(t->disk);
		return -1;
	}
	archive_entry_copy_pathname(t->e, member);
	archive_entry_sparse_clear(t->e);
	if (n->type != FT_REG)
		archive_entry_set_size(t->e, 0);
	if (n->link != NODE_NONE) {
		if (flist_path(t->fl, n->link, FLIST_DST, first,
		    sizeof(first)) == -1) {
			*why = strerror(ENAMETOOLONG);
			return -1;
		}
		archive_entry_copy_hardlink(t->e, first);
		archive_entry_set_size(t->e, 0);
	} else
		entry_map(t, node);
	return r;
}

int
tarc_format(struct archive *a)
{
	/* xattrs only as SCHILY.xattr.*, which GNU tar knows too */
	if (archive_write_set_format_pax(a) != ARCHIVE_OK ||
	    archive_write_set_format_option(a, "pax", "xattrheader",
	    "SCHILY") != ARCHIVE_OK)
		return ARCHIVE_FATAL;
	return ARCHIVE_OK;
}

void
tarc_done(struct tarc *t, uint32_t node)
{
	struct node *n = &t->fl->v[node];

	n->state = NS_DONE;
	t->pr.files++;
	if (n->type == FT_DIR)
		t->st->dirs++;
	else
		t->st->files++;
	if (n->type == FT_REG) {
		t->st->bytes += (uint64_t)n->size;
		t->st->engines |= 1u << n->engine;
	}
}

int
tarc_reader(struct tarc *t)
{
	int flags = ARCHIVE_READDISK_NO_FFLAGS | ARCHIVE_READDISK_NO_SPARSE;

	if (!(t->o->preserve & PRESERVE_XATTR))
		flags |= ARCHIVE_READDISK_NO_XATTR | ARCHIVE_READDISK_NO_ACL;
	if ((t->disk = archive_read_disk_new()) == NULL ||
	    (t->e = archive_entry_new()) == NULL ||
	    archive_read_disk_set_standard_lookup(t->disk) != ARCHIVE_OK ||
	    archive_read_disk_set_behavior(t->disk, flags) != ARCHIVE_OK) {
		warnx("libarchive: %s", t->disk ? tarc_why(t->disk) :
		    strerror(ENOMEM));
		return -1;
	}
	return 0;
}

/* The metadata reader, the output, and what it must not archive. */
static int
setup(struct tarc *t)
{
	struct fault f;
	struct stat st;

	if (tarc_reader(t) == -1)
		return -1;
	t->umask = umask(0);
	(void)umask(t->umask);
	/* an archive being replaced is left out of itself, as tar does */
	t->have_self = stat(t->o->tar_path, &t->self) == 0 &&
	    S_ISREG(t->self.st_mode);
	if (tar_out_open(&t->out, t->o->tar_path, &f) == -1) {
		if (sig_caught() == 0)
			tarc_fail_out(t, f.op, f.err, NULL);
		return -1;
	}
	if (t->out.stream) {	/* standard output may be a file */
		t->have_self = false;
		if (fstat(t->out.fd, &st) == 0 && S_ISREG(st.st_mode)) {
			t->self = st;
			t->have_self = true;
		}
	}
	return 0;
}

/* Hard links share their first name's hash; then FILE is written. */
static void
write_manifest(struct tarc *t)
{
	uint32_t i;

	for (i = 0; i < t->fl->n; i++)
		if (t->fl->v[i].link != NODE_NONE &&
		    t->fl->v[i].state == NS_DONE)
			manifest_copy(&t->man, i, t->fl->v[i].link);
	if (manifest_write(&t->man, t->fl, t->o->manifest) != 0 &&
	    t->status == 0)
		t->status = 1;
}

/* Write the archive; then give it its name.  0, or a signal. */
static int
run(struct tarc *t)
{
	struct fault f;
	int sig;

	if (t->out.stream || t->o->compress != COMPRESS_NONE)
		sig = tar_inorder(t);
	else
		sig = tar_place(t);
	if (sig != 0 || t->failed)
		return sig;
	if (tar_out_commit(&t->out, 0666 & ~t->umask, t->o->fsync, &f) == -1)
		tarc_fail_out(t, f.op, f.err, NULL);
	else if (t->o->manifest != NULL)
		write_manifest(t);
	return 0;
}

static void
teardown(struct tarc *t)
{
	tar_out_close(&t->out);
	archive_entry_free(t->e);
	archive_read_free(t->disk);
	manifest_free(&t->man);
	plan_free(&t->plan);
	free(t->sp);
	free(t->ext);
	free(t->data);
	free(t->hlens);
	free(t->hsums);
	free(t->aoff);
	free(t->arena);
	free(t->hdr);
	free(t->hashed);
}

int
tar_create(const struct opts *o, struct flist *fl, struct copy_stats *st)
{
	struct tarc t;
	uint32_t i;
	int sig = 0;

	memset(&t, 0, sizeof(t));
	memset(st, 0, sizeof(*st));
	t.o = o;
	t.fl = fl;
	t.st = st;
	t.out.fd = -1;
	st->lane_bytes = xcalloc(o->jobs, sizeof(*st->lane_bytes));
	if (o->verify && tar_out_is_stream(o->tar_path)) {
		warnx("--verify cannot read back a streamed archive");
		return 1;	/* a usage error, found late: 1 as cp's */
	}
	for (i = 0; i < fl->n; i++)
		if (fl->v[i].parent == NODE_NONE && o->paths[0] != NULL &&
		    flist_name(fl, i)[0] == '/') {
			warnx("removing leading '/' from member names");
			break;
		}
	if (o->manifest != NULL)
		manifest_init(&t.man, fl->n);
	if (setup(&t) == 0)
		sig = run(&t);
	else if ((sig = sig_caught()) == 0 && t.status == 0)
		t.status = 1;
	if (sig != 0)
		progress_clear(&t.pr);
	else
		progress_end(&t.pr, t.pr.errors == 0);
	for (i = 0, st->written = 0; i < o->jobs; i++)
		st->written += st->lane_bytes[i];
	teardown(&t);
	return sig != 0 ? 128 + sig : t.status;
}
