/*
 * job: a copy's worker view survives the trip as data (packed by the
 * parent, unpacked where nothing is inherited) field by field, and a
 * blob cut short or corrupted anywhere fails to unpack, never reads past
 * its end (the sanitizer build checks that).
 */
#include "config.h"

#include <sys/stat.h>

#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>

#include "copyx.h"
#include "dest.h"
#include "job.h"
#include "testutil.h"

struct fixture {
	struct copy	 c;
	struct opts	 o;
	struct flist	 fl;
};

static void
make(struct fixture *x)
{
	struct stat st;
	uint32_t root, i;

	memset(x, 0, sizeof(*x));
	x->o.jobs = 3;
	x->o.bufsz = 65536;
	x->o.preserve = PRESERVE_ALL;
	x->o.backup.kind = BACKUP_SIMPLE;
	x->o.backup.suffix = "~old";
	x->o.manifest = "sums";
	x->o.durable_ranges = true;
	ck_assert_int_eq(stat(".", &st), 0);
	root = flist_add(&x->fl, NODE_NONE, "src", &st);
	flist_set_dst(&x->fl, root, "dst");
	for (i = 0; i < 4; i++)
		(void)flist_add(&x->fl, root, i % 2 ? "a" : "bb", &st);
	x->fl.v[2].split = true;
	x->c.o = &x->o;
	x->c.fl = &x->fl;
	ck_assert_int_eq(plan_add(&x->c.plan, 2, 0, 5000, 1000), 0);
	ck_assert_int_eq(plan_add_whole(&x->c.plan, 3, 7), 0);
	tree_init(&x->c.tree, &x->fl, false, true);
	x->c.tree.ndst = x->fl.n;
	x->c.tree.dst = calloc(x->fl.n, sizeof(*x->c.tree.dst));
	x->c.tree.dst[0].dev = 77;
	x->c.tree.dst[0].ino = 78;
	x->c.held = calloc(x->fl.n, sizeof(*x->c.held));
	x->c.held[2].fd = 99;
	x->c.held[2].jfd = 98;
	x->c.held[2].dev = 5;
	x->c.held[2].ino = 6;
	x->c.wc.umask = 022;
	x->c.wc.owner = 4242;
	memcpy(x->c.wc.token, "0123456789abcdef", 17);
	work_init(&x->c.work, &x->o, &x->c);
}

static void
unmake(struct fixture *x)
{
	tree_free(&x->c.tree);
	free(x->c.held);
	plan_free(&x->c.plan);
	flist_free(&x->fl);
}

START_TEST(test_job_copy_round_trip_field_by_field)
{
	struct fixture x;
	struct exec_job job;
	struct blob b;
	const struct copy *c;
	char cwd[PATH_MAX];

	make(&x);
	memset(&b, 0, sizeof(b));
	copy_driver.pack(&x.c, &b);
	memset(&job, 0, sizeof(job));
	ck_assert_int_eq(copy_driver.unpack(&b, &job), 0);
	ck_assert_ptr_eq(job.ops, &work_tasks);
	c = ((struct work *)job.arg)->arg;
	ck_assert_ptr_eq(((struct work *)job.arg)->task, copy_task);
	ck_assert_uint_eq(c->o->jobs, 3);
	ck_assert_uint_eq(c->o->preserve, PRESERVE_ALL);
	ck_assert_str_eq(c->o->backup.suffix, "~old");
	ck_assert_str_eq(c->o->manifest, "sums");
	ck_assert(c->o->durable_ranges);
	ck_assert_ptr_null(c->o->paths);
	ck_assert_uint_eq(c->work.bufsz, 65536);
	ck_assert_uint_eq(c->fl->n, x.fl.n);
	ck_assert_mem_eq(c->fl->v, x.fl.v, x.fl.n * sizeof(*x.fl.v));
	ck_assert_uint_eq(c->fl->nlen, x.fl.nlen);
	ck_assert_mem_eq(c->fl->names, x.fl.names, x.fl.nlen);
	ck_assert_str_eq(flist_name(c->fl, 1), "bb");
	ck_assert_uint_eq(c->plan.nranges, x.c.plan.nranges);
	ck_assert_mem_eq(c->plan.ranges, x.c.plan.ranges,
	    x.c.plan.nranges * sizeof(*x.c.plan.ranges));
	ck_assert_uint_eq(c->tree.ndst, x.fl.n);
	ck_assert_uint_eq(c->tree.dst[0].dev, 77);
	ck_assert_uint_eq(c->tree.dst[0].ino, 78);
	ck_assert(c->tree.dst_links);
	ck_assert(!c->tree.deref);
	ck_assert_uint_eq(c->held[2].dev, 5);
	ck_assert_uint_eq(c->held[2].ino, 6);
	ck_assert_int_eq(c->held[2].fd, -1);	/* descriptors stay home */
	ck_assert_int_eq(c->held[2].jfd, -1);
	ck_assert_uint_eq(c->wc.umask, 022);
	ck_assert_int_eq(c->wc.owner, 4242);
	ck_assert_str_eq(c->wc.token, "0123456789abcdef");
	ck_assert_ptr_eq(c->wc.tree, &c->tree);
	ck_assert_ptr_eq(c->wc.fl, c->fl);
	ck_assert_ptr_nonnull(getcwd(cwd, sizeof(cwd)));
	copy_driver.release(&job);
	ck_assert_ptr_null(job.arg);
	blob_free(&b);
	unmake(&x);
}
END_TEST

/* Every cut of the blob, and a byte flipped at every place: no crash, and
 * neither unpacks (the checksum is checked before any field is read). */
START_TEST(test_job_short_or_corrupt_blobs_fail_cleanly)
{
	struct fixture x;
	struct exec_job job;
	struct blob b, cut;
	size_t n;

	make(&x);
	memset(&b, 0, sizeof(b));
	copy_driver.pack(&x.c, &b);
	for (n = 0; n < b.len; n++) {
		memset(&cut, 0, sizeof(cut));
		blob_put(&cut, b.p, n);
		memset(&job, 0, sizeof(job));
		ck_assert_msg(copy_driver.unpack(&cut, &job) == -1,
		    "a blob cut at %zu of %zu unpacked", n, b.len);
		copy_driver.release(&job);
		blob_free(&cut);
	}
	for (n = 0; n < b.len; n++) {
		memset(&cut, 0, sizeof(cut));
		blob_put(&cut, b.p, b.len);
		cut.p[n] ^= 0xff;
		memset(&job, 0, sizeof(job));
		ck_assert_msg(copy_driver.unpack(&cut, &job) == -1,
		    "a blob changed at %zu of %zu unpacked", n, b.len);
		copy_driver.release(&job);
		blob_free(&cut);
	}
	blob_free(&b);
	unmake(&x);
}
END_TEST

START_TEST(test_job_blob_reads_stop_at_the_end)
{
	struct blob b;
	unsigned char two[2];
	char *s;

	memset(&b, 0, sizeof(b));
	blob_put_str(&b, "hi");
	blob_put_str(&b, NULL);
	ck_assert_str_eq(s = blob_get_str(&b), "hi");
	free(s);
	ck_assert_ptr_null(blob_get_str(&b));
	ck_assert(!b.bad);
	blob_get(&b, two, sizeof(two));
	ck_assert(b.bad);
	ck_assert_uint_eq(two[0], 0);
	ck_assert_ptr_null(blob_get_array(&b, 1, 1));
	blob_free(&b);
	blob_put_u64(&b, 1000);		/* a length past the end */
	ck_assert_ptr_null(blob_get_str(&b));
	ck_assert(b.bad);
	blob_free(&b);
	blob_put_u64(&b, 3);
	ck_assert_ptr_null(blob_get_array(&b, SIZE_MAX / 2, 4));
	ck_assert(b.bad);
	blob_free(&b);
}
END_TEST

/*
 * Another host numbers devices its own way: a rank maps rank 0's device
 * numbers to its own through the anchors (a path and its inode), and
 * leaves a device whose anchor's inode does not match as it was.
 */
START_TEST(test_job_devices_are_mapped_by_anchor)
{
	struct fixture x;
	struct exec_job job;
	struct blob b;
	const struct copy *c;
	struct stat src, dst, pst;
	char here[PATH_MAX], part[PATH_MAX];
	int fd;
	const dev_t far = 0x7777, other = 0x6666;

	ck_assert_ptr_nonnull(getcwd(here, sizeof(here)));
	ck_assert_int_eq(chdir(testutil_path("")), 0);
	ck_assert_int_eq(mkdir("src", 0755), 0);
	ck_assert_int_eq(mkdir("dst", 0755), 0);
	ck_assert_int_eq(stat("src", &src), 0);
	ck_assert_int_eq(stat("dst", &dst), 0);
	make(&x);
	x.fl.v[0].dev = far;			/* "src", as rank 0 numbered it */
	x.fl.v[0].ino = src.st_ino;
	x.fl.v[1].dev = other;			/* no anchor matches: kept */
	x.fl.v[1].ino = src.st_ino + 1;
	x.fl.v[2].dev = far;			/* on src's device too */
	x.c.tree.dst[0].dev = far + 1;		/* "dst" */
	x.c.tree.dst[0].ino = dst.st_ino;
	x.c.held[2].dev = far + 1;		/* a part, on dst's device */
	/* The operand itself split: its part is an anchor of its own. */
	ck_assert_int_eq(dest_partname("dst", "part", part, sizeof(part)), 0);
	ck_assert_int_ne(fd = open(part, O_CREAT | O_WRONLY, 0600), -1);
	ck_assert_int_eq(fstat(fd, &pst), 0);
	(void)close(fd);
	x.fl.v[0].split = true;
	x.c.held[0].dev = far + 2;
	x.c.held[0].ino = pst.st_ino;
	memset(&b, 0, sizeof(b));
	copy_driver.pack(&x.c, &b);
	memset(&job, 0, sizeof(job));
	ck_assert_int_eq(copy_driver.unpack(&b, &job), 0);
	c = ((struct work *)job.arg)->arg;
	ck_assert_uint_eq(c->fl->v[0].dev, src.st_dev);
	ck_assert_uint_eq(c->fl->v[2].dev, src.st_dev);
	ck_assert_uint_eq(c->fl->v[1].dev, other);
	ck_assert_uint_eq(c->tree.dst[0].dev, dst.st_dev);
	ck_assert_uint_eq(c->held[2].dev, dst.st_dev);
	ck_assert_uint_eq(c->held[0].dev, pst.st_dev);
	copy_driver.release(&job);
	blob_free(&b);
	/* Ranks on one host: nothing is mapped (nor resolved by path). */
	x.o.durable_ranges = false;
	memset(&b, 0, sizeof(b));
	copy_driver.pack(&x.c, &b);
	memset(&job, 0, sizeof(job));
	ck_assert_int_eq(copy_driver.unpack(&b, &job), 0);
	c = ((struct work *)job.arg)->arg;
	ck_assert_uint_eq(c->fl->v[0].dev, far);
	ck_assert_uint_eq(c->tree.dst[0].dev, far + 1);
	copy_driver.release(&job);
	blob_free(&b);
	unmake(&x);
	ck_assert_int_eq(chdir(here), 0);
}
END_TEST

START_TEST(test_job_blob_seal_and_check)
{
	struct blob b;

	memset(&b, 0, sizeof(b));
	blob_put_u64(&b, 42);
	blob_seal(&b);
	ck_assert_int_eq(blob_check(&b), 0);
	ck_assert_uint_eq(b.len, 8);
	ck_assert_uint_eq(blob_get_u64(&b), 42);
	blob_free(&b);
	blob_put_u64(&b, 42);
	blob_seal(&b);
	b.p[0] ^= 1;
	ck_assert_int_eq(blob_check(&b), -1);
	ck_assert(b.bad);
	blob_free(&b);
	blob_put(&b, "abc", 3);			/* shorter than a checksum */
	ck_assert_int_eq(blob_check(&b), -1);
	blob_free(&b);
}
END_TEST

START_TEST(test_job_drivers_by_name)
{
	ck_assert_ptr_eq(job_driver("copy"), &copy_driver);
	ck_assert_ptr_null(job_driver("tar"));
	ck_assert_ptr_null(job_driver(NULL));
}
END_TEST

static Suite *
job_suite(void)
{
	Suite *s = suite_create("job");
	TCase *tc;

	tc = tcase_create("blob");
	tcase_set_timeout(tc, 60);
	tcase_add_checked_fixture(tc, testutil_setup, testutil_teardown);
	tcase_add_test(tc, test_job_copy_round_trip_field_by_field);
	tcase_add_test(tc, test_job_short_or_corrupt_blobs_fail_cleanly);
	tcase_add_test(tc, test_job_blob_reads_stop_at_the_end);
	tcase_add_test(tc, test_job_drivers_by_name);
	tcase_add_test(tc, test_job_blob_seal_and_check);
	tcase_add_test(tc, test_job_devices_are_mapped_by_anchor);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return testutil_run(job_suite());
}
