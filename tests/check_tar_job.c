/*
 * tar_extract_job, tar_create_job: the tar drivers' worker views survive
 * the trip as data field by field, and a task run on the unpacked view
 * (as a rank runs it: nothing inherited) writes what it should.  A rank
 * refuses a job whose archive or DEST is not the one rank 0 had, whose
 * tables point outside themselves, or whose blob is cut or changed.
 */
#include "config.h"

#include <sys/mount.h>
#include <sys/stat.h>

#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>

#include "job.h"
#include "tarc.h"
#include "tarx.h"
#include "testutil.h"

extern const struct job_driver tar_extract_driver, tar_create_driver;

/* Every cut of b and a byte flipped at every place fail to unpack. */
static void
assert_cuts_fail(const struct job_driver *drv, const struct blob *b)
{
	struct exec_job job;
	struct blob cut;
	size_t n;

	for (n = 0; n < 2 * b->len; n++) {
		memset(&cut, 0, sizeof(cut));
		blob_put(&cut, b->p, n < b->len ? n : b->len);
		if (n >= b->len)
			cut.p[n - b->len] ^= 0x5a;
		memset(&job, 0, sizeof(job));
		ck_assert_msg(drv->unpack(&cut, &job) == -1,
		    "a blob %s at %zu of %zu unpacked", n < b->len ? "cut" :
		    "changed", n % b->len, b->len);
		drv->release(&job);
		blob_free(&cut);
	}
}

/*
 * The blob as from a rank 0 on another host, whose device numbers are not
 * this host's: every 8-byte copy of dev in it (nodes, identities,
 * anchors) becomes fake, and it is sealed again.
 */
static void
other_host(struct blob *b, uint64_t dev, uint64_t fake)
{
	size_t i, n = 0;

	ck_assert_int_eq(blob_check(b), 0);
	for (i = 0; i + sizeof(dev) <= b->len; i++)
		if (memcmp(b->p + i, &dev, sizeof(dev)) == 0) {
			memcpy(b->p + i, &fake, sizeof(fake));
			n++;
		}
	ck_assert_uint_gt(n, 0);
	blob_seal(b);
}

/*
 * dir becomes a small tmpfs of its own (another device), or false when
 * this process may not mount (not root).  A failed check leaves the
 * test's process at once, so the tests that mount check their results
 * only after unmounting.
 */
static bool
own_device(const char *dir)
{
	if (geteuid() != 0)
		return false;
	ck_assert_int_eq(mount("tmpfs", dir, "tmpfs", 0, "size=1m"), 0);
	return true;
}

static uint64_t
dev_of(const char *path)
{
	struct stat st;

	ck_assert_int_eq(stat(path, &st), 0);
	return st.st_dev;
}

/* A fresh directory in the test's, entered: one per fixture made. */
static void
fresh_dir(void)
{
	static int n;
	char name[32];

	(void)snprintf(name, sizeof(name), "r%d", n++);
	ck_assert_int_eq(mkdir(testutil_path(name), 0755), 0);
	ck_assert_int_eq(chdir(testutil_path(name)), 0);
}

/* ---- extraction ---- */

struct xfix {
	bool		 mounted;	/* DEST is a tmpfs of its own */
	struct tarx	 x;
	struct opts	 o;
	struct copy_stats st;
	char		 tar[PATH_MAX], dest[PATH_MAX];
	char		 data[6000];
};

static void
add(struct archive *a, const char *name, mode_t mode, const char *data,
    size_t len)
{
	struct archive_entry *e = archive_entry_new();

	archive_entry_set_pathname(e, name);
	archive_entry_set_mode(e, mode);
	archive_entry_set_mtime(e, 1000000000, 5);
	if (S_ISLNK(mode))
		archive_entry_set_symlink(e, "a");
	archive_entry_set_size(e, (la_int64_t)len);
	ck_assert_int_eq(archive_write_header(a, e), ARCHIVE_OK);
	if (len > 0)
		ck_assert_int_eq(archive_write_data(a, data, len), (int)len);
	archive_entry_free(e);
}

/* d/, d/a (3000 bytes, one task), d/s (a symlink), d/big (6000, split):
 * indexed and planned as tar_extract would. */
static void
xmake_on(struct xfix *f, bool own)
{
	struct archive *a = archive_write_new();
	char cwd[PATH_MAX - 16];
	size_t i;
	int root;

	memset(f, 0, sizeof(*f));
	for (i = 0; i < sizeof(f->data); i++)
		f->data[i] = (char)(i * 7 + 3);
	fresh_dir();
	ck_assert_ptr_nonnull(getcwd(cwd, sizeof(cwd)));
	(void)snprintf(f->tar, sizeof(f->tar), "%s/a.tar", cwd);
	(void)snprintf(f->dest, sizeof(f->dest), "%s/dst", cwd);
	ck_assert_int_eq(archive_write_set_format_pax_restricted(a),
	    ARCHIVE_OK);
	ck_assert_int_eq(archive_write_open_filename(a, f->tar), ARCHIVE_OK);
	add(a, "d/", S_IFDIR | 0755, NULL, 0);
	add(a, "d/a", S_IFREG | 0640, f->data, 3000);
	add(a, "d/s", S_IFLNK | 0777, NULL, 0);
	add(a, "d/big", S_IFREG | 0600, f->data, 6000);
	ck_assert_int_eq(archive_write_close(a), ARCHIVE_OK);
	ck_assert_int_eq(archive_write_free(a), ARCHIVE_OK);
	ck_assert_int_eq(mkdir(f->dest, 0755), 0);
	f->mounted = own && own_device(f->dest);
	ck_assert_int_eq(mkdir("dst/d", 0755), 0);
	f->o.jobs = 2;
	f->o.bufsz = 65536;
	f->o.tar_path = f->tar;
	f->x.o = &f->o;
	f->x.st = &f->st;
	f->x.dest = f->dest;
	ck_assert_int_eq(tarx_index(&f->x), 0);
	ck_assert_uint_eq(f->x.n, 4);
	ck_assert_int_ne(root = open(f->dest, O_RDONLY | O_DIRECTORY), -1);
	tarw_init(&f->x.w, &f->o, root);
	f->x.m[1].name = strdup("d/a");
	f->x.m[3].name = strdup("d/big");
	f->x.m[3].split = true;
	f->x.m[3].dev = 11;
	f->x.m[3].ino = 12;
	ck_assert_int_eq(plan_add_whole(&f->x.plan, 1, 3000), 0);
	ck_assert_int_eq(plan_add(&f->x.plan, 3, 0, 6000, 2048), 0);
	f->x.split = calloc(1, sizeof(*f->x.split));
	f->x.split[0] = 3;			/* its finish: a later task */
	f->x.nsplit = 1;
	work_init(&f->x.work, &f->o, &f->x);
	f->x.work.task = tarx_task;
}

static void
xmake(struct xfix *f)
{
	xmake_on(f, false);
}

static void
xunmake(struct xfix *f)
{
	size_t i;

	for (i = 0; i < f->x.n; i++) {
		archive_entry_free(f->x.m[i].e);
		free(f->x.m[i].name);
	}
	free(f->x.m);
	free(f->x.split);
	plan_free(&f->x.plan);
	(void)close(f->x.w.root);
	tarw_free(&f->x.w);
	(void)close(f->x.afd);
	if (f->mounted)
		ck_assert_int_eq(umount2(f->dest, MNT_DETACH), 0);
}

static int
xunpack(struct xfix *f, struct exec_job *job, struct blob *b)
{
	memset(b, 0, sizeof(*b));
	tar_extract_driver.pack(&f->x, b);
	memset(job, 0, sizeof(*job));
	return tar_extract_driver.unpack(b, job);
}

START_TEST(test_tar_job_extract_round_trip_and_a_task_runs)
{
	struct xfix f;
	struct exec_job job;
	struct blob b;
	struct engine_buf eb;
	struct fault fault = { FAULT_NONE, 0 };
	unsigned char out[WORK_OUT];
	const struct tarx *x;
	char got[3001];
	size_t i;
	int fd;

	xmake(&f);
	ck_assert_int_eq(xunpack(&f, &job, &b), 0);
	ck_assert_ptr_eq(job.ops, &work_tasks);
	x = ((struct work *)job.arg)->arg;
	ck_assert_ptr_eq(((struct work *)job.arg)->task, tarx_task);
	ck_assert(x->quiet);
	ck_assert_uint_eq(x->o->jobs, 2);
	ck_assert_str_eq(x->o->tar_path, f.tar);
	ck_assert_str_eq(x->dest, f.dest);
	ck_assert_uint_eq(x->n, 4);
	for (i = 0; i < 4; i++) {
		ck_assert_int_eq(x->m[i].data, f.x.m[i].data);
		ck_assert_uint_eq(archive_entry_mode(x->m[i].e),
		    archive_entry_mode(f.x.m[i].e));
		ck_assert_int_eq(archive_entry_size(x->m[i].e),
		    archive_entry_size(f.x.m[i].e));
	}
	ck_assert_str_eq(x->m[1].name, "d/a");
	ck_assert_str_eq(x->m[3].name, "d/big");
	ck_assert_ptr_null(x->m[0].name);	/* no task: no name */
	ck_assert_ptr_null(x->m[2].name);
	ck_assert(x->m[3].split && !x->m[1].split);
	ck_assert_uint_eq(x->m[3].dev, 11);	/* one host: kept */
	ck_assert_uint_eq(x->m[3].ino, 12);
	ck_assert_uint_eq(x->nsplit, 1);
	ck_assert_uint_eq(x->split[0], 3);
	ck_assert_uint_eq(x->plan.nranges, f.x.plan.nranges);
	ck_assert_mem_eq(x->plan.ranges, f.x.plan.ranges,
	    f.x.plan.nranges * sizeof(*f.x.plan.ranges));
	ck_assert_str_eq(x->w.token, f.x.w.token);
	ck_assert_int_eq(x->w.pid, f.x.w.pid);
	ck_assert_uint_eq(x->w.umask, f.x.w.umask);
	ck_assert_int_ne(x->afd, f.x.afd);	/* its own descriptors */
	ck_assert_int_ne(x->w.root, f.x.w.root);
	/* The whole member's task, run on the rank's view. */
	eb = ((struct work *)job.arg)->how;
	eb.size = 65536;
	ck_assert_ptr_nonnull(eb.buf = malloc(eb.size));
	memset(out, 0, sizeof(out));
	ck_assert_int_ge(tarx_task(((struct work *)job.arg)->arg, 0, &eb,
	    &fault, out), 0);
	free(eb.buf);
	ck_assert_int_ne(fd = open("dst/d/a", O_RDONLY), -1);
	ck_assert_int_eq(read(fd, got, sizeof(got)), 3000);
	(void)close(fd);
	ck_assert_mem_eq(got, f.data, 3000);
	tar_extract_driver.release(&job);
	ck_assert_ptr_null(job.arg);
	assert_cuts_fail(&tar_extract_driver, &b);
	blob_free(&b);
	xunmake(&f);
}
END_TEST

START_TEST(test_tar_job_extract_refuses_another_archive)
{
	struct xfix f;
	struct exec_job job;
	struct blob b;
	struct timespec ts[2] = { { 0, UTIME_OMIT }, { 12345, 0 } };
	struct stat st;

	/* Changed after rank 0 indexed it, before the job was packed. */
	xmake(&f);
	ck_assert_int_eq(utimensat(AT_FDCWD, f.tar, ts, 0), 0);
	ck_assert_int_eq(xunpack(&f, &job, &b), -1);	/* mtime */
	tar_extract_driver.release(&job);
	blob_free(&b);
	xunmake(&f);

	xmake(&f);
	ck_assert_int_eq(stat(f.tar, &st), 0);
	ck_assert_int_eq(truncate(f.tar, st.st_size + 512), 0);
	ck_assert_int_eq(xunpack(&f, &job, &b), -1);	/* size */
	tar_extract_driver.release(&job);
	blob_free(&b);
	xunmake(&f);
}
END_TEST

START_TEST(test_tar_job_extract_refuses_another_dest)
{
	struct xfix f;
	struct exec_job job;
	struct blob b;

	xmake(&f);
	ck_assert_int_eq(rename(f.dest, "old"), 0);
	ck_assert_int_eq(mkdir(f.dest, 0755), 0);
	ck_assert_int_eq(xunpack(&f, &job, &b), -1);
	tar_extract_driver.release(&job);
	blob_free(&b);
	xunmake(&f);
}
END_TEST

/*
 * Across hosts the archive's and DEST's devices are mapped by their
 * anchors (each on a device of its own here, when root: each anchor
 * shows); on one host nothing is mapped, so the same blob fails.
 */
START_TEST(test_tar_job_extract_maps_devices_across_hosts)
{
	struct xfix f;
	struct exec_job job;
	struct blob b, copy;
	uint64_t adev, ddev;
	int across, rv[2];
	bool apart[2];

	for (across = 0; across < 2; across++) {
		xmake_on(&f, true);
		adev = dev_of(f.tar);
		ddev = dev_of(f.dest);
		apart[across] = !f.mounted || adev != ddev;
		f.o.durable_ranges = across;
		memset(&b, 0, sizeof(b));
		tar_extract_driver.pack(&f.x, &b);
		other_host(&b, adev, adev + 4099);
		if (ddev != adev)
			other_host(&b, ddev, ddev + 8191);
		memset(&copy, 0, sizeof(copy));
		blob_put(&copy, b.p, b.len);
		memset(&job, 0, sizeof(job));
		rv[across] = tar_extract_driver.unpack(&copy, &job);
		tar_extract_driver.release(&job);
		blob_free(&copy);
		blob_free(&b);
		xunmake(&f);
	}
	ck_assert(apart[0] && apart[1]);
	ck_assert_int_eq(rv[0], -1);		/* one host: not mapped */
	ck_assert_int_eq(rv[1], 0);		/* across hosts: mapped */
}
END_TEST

/* Members and ranges rank 0 would never send: each fails the unpack. */
START_TEST(test_tar_job_extract_refuses_bad_members)
{
	struct xfix f;
	struct exec_job job;
	struct blob b;
	int i;

	for (i = 0; i < 5; i++) {
		xmake(&f);
		if (i == 4)			/* a whole one's finish */
			f.x.split[0] = 1;
		else if (i == 0)
			f.x.m[1].data += 512;	/* not where it starts */
		else if (i == 1) {		/* the symlink as data */
			f.x.m[2].name = strdup("d/s");
			ck_assert_int_eq(plan_add_whole(&f.x.plan, 2, 0), 0);
		} else if (i == 2)		/* past the member's end */
			f.x.plan.ranges[f.x.plan.nranges - 1].len += 1;
		else				/* a range of a whole one */
			f.x.plan.ranges[0].whole = 0;
		ck_assert_msg(xunpack(&f, &job, &b) == -1, "case %d", i);
		tar_extract_driver.release(&job);
		blob_free(&b);
		xunmake(&f);
	}
}
END_TEST

/* ---- creation ---- */

struct cfix {
	bool		 mounted;	/* the archive's directory: a tmpfs */
	struct tarc	 t;
	struct opts	 o;
	struct flist	 fl;
	struct copy_stats st;
	int		 abort;
	char		 out[PATH_MAX];
};

/* A tree of src/ and src/f (100 bytes), an archive laid out for it: f's
 * header (one block of 'H') in the arena, its data at 1024. */
static void
cmake_on(struct cfix *f, bool own)
{
	struct stat st;
	uint32_t root, file;
	int fd;

	memset(f, 0, sizeof(*f));
	fresh_dir();
	ck_assert_int_eq(mkdir("src", 0755), 0);
	testutil_make_file("src/f", 100, 7);
	ck_assert_int_eq(mkdir("out", 0755), 0);
	f->mounted = own && own_device("out");
	(void)snprintf(f->out, sizeof(f->out), "out/o.tar");
	ck_assert_int_ne(fd = open(f->out, O_RDWR | O_CREAT, 0600), -1);
	ck_assert_int_eq(ftruncate(fd, 10240), 0);
	f->o.jobs = 2;
	f->o.bufsz = 65536;
	ck_assert_int_eq(stat("src", &st), 0);
	root = flist_add(&f->fl, NODE_NONE, "src", &st);
	flist_set_dst(&f->fl, root, "src");
	ck_assert_int_eq(stat("src/f", &st), 0);
	file = flist_add(&f->fl, root, "f", &st);
	f->t.o = &f->o;
	f->t.fl = &f->fl;
	f->t.st = &f->st;
	f->t.abort = &f->abort;
	f->t.out.fd = fd;
	f->t.out.path = f->out;
	f->t.data = calloc(2, sizeof(*f->t.data));
	f->t.hlens = calloc(2, sizeof(*f->t.hlens));
	f->t.aoff = calloc(2, sizeof(*f->t.aoff));
	f->t.aoff[0] = UINT64_MAX;		/* a directory: no data */
	f->t.data[file] = 1024;
	f->t.hlens[file] = 512;
	f->t.arena = malloc(f->t.alen = 512);
	memset(f->t.arena, 'H', 512);
	f->t.umask = 022;
	ck_assert_int_eq(plan_add_whole(&f->t.plan, file, 100), 0);
	work_init(&f->t.work, &f->o, &f->t);
	f->t.work.task = tarc_task;
}

static void
cmake(struct cfix *f)
{
	cmake_on(f, false);
}

static void
cunmake(struct cfix *f)
{
	(void)close(f->t.out.fd);
	plan_free(&f->t.plan);
	flist_free(&f->fl);
	free(f->t.data);
	free(f->t.hlens);
	free(f->t.aoff);
	free(f->t.arena);
	free(f->t.sp);
	free(f->t.ext);
	free(f->t.hashed);
	archive_entry_free(f->t.e);
	archive_read_free(f->t.disk);
	if (f->mounted)
		ck_assert_int_eq(umount2("out", MNT_DETACH), 0);
}

static int
cunpack(struct cfix *f, struct exec_job *job, struct blob *b)
{
	memset(b, 0, sizeof(*b));
	tar_create_driver.pack(&f->t, b);
	memset(job, 0, sizeof(*job));
	return tar_create_driver.unpack(b, job);
}

START_TEST(test_tar_job_create_round_trip_and_a_task_runs)
{
	struct cfix f;
	struct exec_job job;
	struct blob b;
	struct engine_buf eb;
	struct fault fault = { FAULT_NONE, 0 };
	unsigned char out[WORK_OUT];
	char got[612], want[100];
	const struct tarc *t;
	int fd;

	cmake(&f);
	ck_assert_int_eq(cunpack(&f, &job, &b), 0);
	t = ((struct work *)job.arg)->arg;
	ck_assert_ptr_eq(((struct work *)job.arg)->task, tarc_task);
	ck_assert_uint_eq(t->fl->n, 2);
	ck_assert_mem_eq(t->fl->v, f.fl.v, 2 * sizeof(*f.fl.v));
	ck_assert_mem_eq(t->data, f.t.data, 2 * sizeof(*t->data));
	ck_assert_mem_eq(t->hlens, f.t.hlens, 2 * sizeof(*t->hlens));
	ck_assert_mem_eq(t->aoff, f.t.aoff, 2 * sizeof(*t->aoff));
	ck_assert_uint_eq(t->alen, 512);
	ck_assert_mem_eq(t->arena, f.t.arena, 512);
	ck_assert_uint_eq(t->umask, 022);
	ck_assert_ptr_null(t->hashed);
	ck_assert_ptr_null(t->disk);	/* every header is in the arena */
	ck_assert_int_eq(*t->abort, 0);
	ck_assert_int_ne(t->out.fd, f.t.out.fd);
	/* Member f's task on the rank's view: its header, then its data. */
	eb = ((struct work *)job.arg)->how;
	eb.size = 65536;
	ck_assert_ptr_nonnull(eb.buf = malloc(eb.size));
	memset(out, 0, sizeof(out));
	ck_assert_int_ge(tarc_task(((struct work *)job.arg)->arg, 0, &eb,
	    &fault, out), 0);
	free(eb.buf);
	ck_assert_int_eq(pread(f.t.out.fd, got, sizeof(got), 512), 612);
	ck_assert_int_ne(fd = open("src/f", O_RDONLY), -1);
	ck_assert_int_eq(read(fd, want, sizeof(want)), 100);
	(void)close(fd);
	ck_assert_mem_eq(got, f.t.arena, 512);
	ck_assert_mem_eq(got + 512, want, 100);
	tar_create_driver.release(&job);
	ck_assert_ptr_null(job.arg);
	assert_cuts_fail(&tar_create_driver, &b);
	blob_free(&b);
	cunmake(&f);
}
END_TEST

/* A header not in the arena: the rank sets up the disk reader to encode
 * it again.  The hash pass: its tasks and their members. */
START_TEST(test_tar_job_create_reader_and_hash_pass)
{
	struct cfix f;
	struct exec_job job;
	struct blob b;
	const struct tarc *t;

	cmake(&f);
	f.t.aoff[1] = UINT64_MAX;
	ck_assert_int_eq(cunpack(&f, &job, &b), 0);
	t = ((struct work *)job.arg)->arg;
	ck_assert_ptr_nonnull(t->disk);
	ck_assert_ptr_nonnull(t->e);
	tar_create_driver.release(&job);
	blob_free(&b);
	f.t.hashed = calloc(1, sizeof(*f.t.hashed));
	f.t.hashed[0] = 1;
	f.t.nhashed = 1;
	ck_assert_int_eq(cunpack(&f, &job, &b), 0);
	t = ((struct work *)job.arg)->arg;
	ck_assert_ptr_eq(((struct work *)job.arg)->task, tarc_hash_task);
	ck_assert_uint_eq(t->nhashed, 1);
	ck_assert_uint_eq(t->hashed[0], 1);
	tar_create_driver.release(&job);
	blob_free(&b);
	cunmake(&f);
}
END_TEST

/* Tables pointing outside themselves, another archive: refused. */
START_TEST(test_tar_job_create_refuses_bad_tables)
{
	struct cfix f;
	struct exec_job job;
	struct blob b;
	int i, fd;

	for (i = 0; i < 7; i++) {
		cmake(&f);
		if (i == 0)
			f.t.hlens[1] = 513;	/* past the arena */
		else if (i == 5)		/* a range of no node */
			f.t.plan.ranges[0].file = 2;
		else if (i == 6)		/* no buffer */
			f.t.work.bufsz = 0;
		else if (i == 1) {		/* a sparse map of no node */
			f.t.sp = calloc(1, sizeof(*f.t.sp));
			f.t.sp[0].node = 2;
			f.t.nsp = 1;
		} else if (i == 2) {		/* extents it does not have */
			f.t.sp = calloc(1, sizeof(*f.t.sp));
			f.t.sp[0].node = 1;
			f.t.sp[0].n = 1;
			f.t.nsp = 1;
		} else if (i == 3) {		/* a hash of no node */
			f.t.hashed = calloc(1, sizeof(*f.t.hashed));
			f.t.hashed[0] = 2;
			f.t.nhashed = 1;
		} else if (i == 4) {		/* the archive replaced */
			ck_assert_int_eq(unlink(f.out), 0);
			ck_assert_int_ne(fd = open(f.out, O_RDWR | O_CREAT,
			    0600), -1);
			(void)close(fd);
		}
		ck_assert_msg(cunpack(&f, &job, &b) == -1, "case %d", i);
		tar_create_driver.release(&job);
		blob_free(&b);
		cunmake(&f);
	}
}
END_TEST

/* Across hosts the sources' and the archive's devices are mapped by
 * their anchors (each on its own device here, when root); on one host
 * the same blob fails. */
START_TEST(test_tar_job_create_maps_devices_across_hosts)
{
	struct cfix f;
	struct exec_job job;
	struct blob b, copy;
	const struct tarc *t;
	uint64_t sdev, adev, got[2] = { 0, 0 };
	int across, rv[2];
	bool apart[2];

	for (across = 0; across < 2; across++) {
		cmake_on(&f, true);
		sdev = dev_of("src");
		adev = dev_of(f.out);
		apart[across] = !f.mounted || adev != sdev;
		f.o.durable_ranges = across;
		memset(&b, 0, sizeof(b));
		tar_create_driver.pack(&f.t, &b);
		other_host(&b, sdev, sdev + 4099);
		if (adev != sdev)
			other_host(&b, adev, adev + 8191);
		memset(&copy, 0, sizeof(copy));
		blob_put(&copy, b.p, b.len);
		memset(&job, 0, sizeof(job));
		if ((rv[across] = tar_create_driver.unpack(&copy, &job)) == 0) {
			t = ((struct work *)job.arg)->arg;
			got[0] = t->fl->v[0].dev;
			got[1] = t->fl->v[1].dev;
		}
		tar_create_driver.release(&job);
		blob_free(&copy);
		blob_free(&b);
		cunmake(&f);
	}
	ck_assert(apart[0] && apart[1]);
	ck_assert_int_eq(rv[0], -1);		/* one host: not mapped */
	ck_assert_int_eq(rv[1], 0);		/* across hosts: mapped */
	ck_assert_uint_eq(got[0], sdev);
	ck_assert_uint_eq(got[1], sdev);
}
END_TEST

/* Run member f's task on the rank's view of f's job: its result. */
static int
create_task(struct cfix *f, struct fault *fault, size_t *hlen)
{
	struct exec_job job;
	struct blob b;
	struct engine_buf eb;
	unsigned char out[WORK_OUT];
	struct tarc *t;
	int rv;

	ck_assert_int_eq(cunpack(f, &job, &b), 0);
	t = ((struct work *)job.arg)->arg;
	eb = t->work.how;
	eb.size = 65536;
	ck_assert_ptr_nonnull(eb.buf = malloc(eb.size));
	fault->op = FAULT_NONE;
	rv = tarc_task(t, 0, &eb, fault, out);
	*hlen = t->hlen;
	free(eb.buf);
	tar_create_driver.release(&job);
	blob_free(&b);
	return rv;
}

/* A header the arena did not keep is encoded again on the rank: when it
 * comes out another size than rank 0's the member fails (its source
 * changed, say); when it matches, it is written before the data. */
START_TEST(test_tar_job_create_encodes_a_header_again)
{
	struct cfix f;
	struct fault fault;
	char got[512], want[100];
	size_t hlen;
	int fd;

	cmake(&f);
	f.t.aoff[1] = UINT64_MAX;
	ck_assert_int_eq(create_task(&f, &fault, &hlen), -1);
	ck_assert_int_eq(fault.op, FAULT_CHANGED);
	ck_assert_uint_gt(hlen, 512);		/* pax: more than a block */
	ck_assert_uint_eq(hlen % 512, 0);
	f.t.hlens[1] = (uint32_t)hlen;
	f.t.data[1] = (off_t)(512 + hlen);
	ck_assert_int_ge(create_task(&f, &fault, &hlen), 0);
	ck_assert_int_eq(pread(f.t.out.fd, got, 512, (off_t)hlen), 512);
	ck_assert_mem_eq(got + 257, "ustar", 5);	/* the last block */
	ck_assert_str_eq(got, "src/f");
	ck_assert_int_eq(pread(f.t.out.fd, got, 100, f.t.data[1]), 100);
	ck_assert_int_ne(fd = open("src/f", O_RDONLY), -1);
	ck_assert_int_eq(read(fd, want, sizeof(want)), 100);
	(void)close(fd);
	ck_assert_mem_eq(got, want, 100);
	cunmake(&f);
}
END_TEST

START_TEST(test_tar_job_drivers_by_name)
{
	ck_assert_ptr_eq(job_driver("tar-extract"), &tar_extract_driver);
	ck_assert_ptr_eq(job_driver("tar-create"), &tar_create_driver);
}
END_TEST

static Suite *
tar_job_suite(void)
{
	Suite *s = suite_create("tar_job");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, 60);
	tcase_add_checked_fixture(tc, testutil_setup, testutil_teardown);
	tcase_add_test(tc, test_tar_job_extract_round_trip_and_a_task_runs);
	tcase_add_test(tc, test_tar_job_extract_refuses_another_archive);
	tcase_add_test(tc, test_tar_job_extract_refuses_another_dest);
	tcase_add_test(tc, test_tar_job_extract_refuses_bad_members);
	tcase_add_test(tc, test_tar_job_create_round_trip_and_a_task_runs);
	tcase_add_test(tc, test_tar_job_create_reader_and_hash_pass);
	tcase_add_test(tc, test_tar_job_create_refuses_bad_tables);
	tcase_add_test(tc, test_tar_job_extract_maps_devices_across_hosts);
	tcase_add_test(tc, test_tar_job_create_maps_devices_across_hosts);
	tcase_add_test(tc, test_tar_job_create_encodes_a_header_again);
	tcase_add_test(tc, test_tar_job_drivers_by_name);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return testutil_run(tar_job_suite());
}
