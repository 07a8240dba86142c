/* plan: ranges cover every byte exactly once, at every edge. */
#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "plan.h"
#include "testutil.h"

/* Assert that the ranges of file cover [off, off + len) exactly once. */
static void
assert_covers(const struct plan *p, uint32_t file, off_t off, off_t len,
    off_t chunk)
{
	off_t at = off;
	size_t i, n = 0;
	int found;

	do {
		found = 0;
		for (i = 0; i < p->nranges; i++) {
			if (p->ranges[i].file != file || p->ranges[i].off != at)
				continue;
			ck_assert_int_gt(p->ranges[i].len, 0);
			ck_assert_int_le(p->ranges[i].len, chunk);
			at += p->ranges[i].len;
			n++;
			found = 1;
			break;
		}
	} while (found && at < off + len);
	ck_assert_int_eq(at, off + len);
	for (i = 0, found = 0; i < p->nranges; i++)
		found += p->ranges[i].file == file;
	ck_assert_uint_eq((size_t)found, n);	/* no extra ranges */
}

START_TEST(test_plan_sizes_around_chunk_multiples_are_covered_once)
{
	static const off_t chunks[] = { 1, 7, 4096, 12345 };
	off_t chunk = chunks[_i / 8], sizes[8];
	struct plan p = { .ranges = NULL };
	off_t size;

	sizes[0] = 0; sizes[1] = 1; sizes[2] = chunk - 1; sizes[3] = chunk;
	sizes[4] = chunk + 1; sizes[5] = 3 * chunk - 1; sizes[6] = 3 * chunk;
	sizes[7] = 3 * chunk + 1;
	size = sizes[_i % 8];
	ck_assert_int_eq(plan_add(&p, 3, 0, size, chunk), 0);
	ck_assert_uint_eq(p.nranges, (size_t)(size / chunk + (size % chunk != 0)));
	assert_covers(&p, 3, 0, size, chunk);
	plan_free(&p);
}
END_TEST

START_TEST(test_plan_empty_file_gets_no_range)
{
	struct plan p = { .ranges = NULL };

	ck_assert_int_eq(plan_add(&p, 0, 0, 0, 4096), 0);
	ck_assert_uint_eq(p.nranges, 0);
	plan_free(&p);
}
END_TEST

START_TEST(test_plan_chunk_larger_than_file_gives_one_range)
{
	struct plan p = { .ranges = NULL };

	ck_assert_int_eq(plan_add(&p, 0, 0, 100, (off_t)1 << 40), 0);
	ck_assert_uint_eq(p.nranges, 1);
	ck_assert_int_eq(p.ranges[0].len, 100);
	plan_free(&p);
}
END_TEST

START_TEST(test_plan_half_chunk_is_the_two_halves)
{
	struct plan p = { .ranges = NULL };

	ck_assert_int_eq(plan_add(&p, 0, 0, 1001, 501), 0);
	ck_assert_uint_eq(p.nranges, 2);
	ck_assert_int_eq(p.ranges[0].off, 0);
	ck_assert_int_eq(p.ranges[0].len, 501);
	ck_assert_int_eq(p.ranges[1].off, 501);
	ck_assert_int_eq(p.ranges[1].len, 500);
	plan_free(&p);
}
END_TEST

START_TEST(test_plan_offsets_past_4gib)
{
	struct plan p = { .ranges = NULL };
	off_t off = (off_t)5 << 30;

	ck_assert_int_eq(plan_add(&p, 1, off, (10 << 20) + 1, 4 << 20), 0);
	ck_assert_uint_eq(p.nranges, 3);
	assert_covers(&p, 1, off, (10 << 20) + 1, 4 << 20);
	ck_assert_int_eq(p.ranges[2].off, off + (8 << 20));
	plan_free(&p);
}
END_TEST

START_TEST(test_plan_extent_ending_at_int64_max)
{
	struct plan p = { .ranges = NULL };

	ck_assert_int_eq(plan_add(&p, 0, INT64_MAX - 10, 10, 3), 0);
	ck_assert_uint_eq(p.nranges, 4);
	assert_covers(&p, 0, INT64_MAX - 10, 10, 3);
	ck_assert_int_eq(p.ranges[3].off + p.ranges[3].len, INT64_MAX);
	plan_free(&p);
}
END_TEST

START_TEST(test_plan_rejects_overflow_and_bad_arguments)
{
	struct plan p = { .ranges = NULL };

	ck_assert_int_eq(plan_add(&p, 0, INT64_MAX - 10, 11, 3), -1);
	ck_assert_int_eq(errno, EOVERFLOW);
	ck_assert_int_eq(plan_add(&p, 0, 0, 10, 0), -1);
	ck_assert_int_eq(errno, EINVAL);
	ck_assert_int_eq(plan_add(&p, 0, -1, 10, 1), -1);
	ck_assert_int_eq(errno, EINVAL);
	ck_assert_int_eq(plan_add(&p, 0, 0, -1, 1), -1);
	ck_assert_int_eq(errno, EINVAL);
	ck_assert_uint_eq(p.nranges, 0);
	plan_free(&p);
}
END_TEST

START_TEST(test_plan_too_many_ranges_is_enomem_not_a_crash)
{
	struct plan p = { .ranges = NULL };

	ck_assert_int_eq(plan_add(&p, 0, 0, INT64_MAX, 1), -1);
	ck_assert_int_eq(errno, ENOMEM);
	ck_assert_uint_eq(p.nranges, 0);
	plan_free(&p);
}
END_TEST

START_TEST(test_plan_sort_puts_largest_first)
{
	struct plan p = { .ranges = NULL };
	size_t i;

	ck_assert_int_eq(plan_add(&p, 0, 0, 10, 4), 0);	/* 4 4 2 */
	ck_assert_int_eq(plan_add(&p, 1, 0, 5, 5), 0);		/* 5 */
	ck_assert_int_eq(plan_add(&p, 2, 100, 1, 4), 0);	/* 1 */
	plan_sort(&p);
	ck_assert_int_eq(p.ranges[0].len, 5);
	for (i = 1; i < p.nranges; i++)
		ck_assert_int_ge(p.ranges[i - 1].len, p.ranges[i].len);
	ck_assert_int_eq(p.ranges[1].off, 0);	/* ties by offset */
	ck_assert_int_eq(p.ranges[2].off, 4);
	plan_free(&p);
}
END_TEST

START_TEST(test_plan_chunk_explicit_wins)
{
	ck_assert_int_eq(plan_chunk((off_t)1 << 30, 4, 12345), 12345);
	ck_assert_int_eq(plan_chunk((off_t)1 << 30, 4, 1), 1);	/* a byte */
}
END_TEST

START_TEST(test_plan_chunk_auto_is_aligned_and_clamped)
{
	static const struct {
		off_t		size;
		unsigned	jobs;
		off_t		want;
	} cases[] = {
		{ 0, 4, PLAN_CHUNK_MIN },
		{ 1, 1, PLAN_CHUNK_MIN },
		{ (off_t)100 << 20, 2, (off_t)13 << 20 },	/* 12.5M up */
		{ (off_t)8 << 20, 2, (off_t)1 << 20 },
		{ (off_t)1 << 30, 2, PLAN_CHUNK_MAX },
		{ (off_t)1 << 30, 0, PLAN_CHUNK_MAX },	/* jobs 0 as 1 */
		{ INT64_MAX, 1024, PLAN_CHUNK_MAX },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		ck_assert_int_eq(plan_chunk(cases[i].size, cases[i].jobs, 0),
		    cases[i].want);
}
END_TEST

START_TEST(test_plan_except_plans_only_the_gaps)
{
	struct plan p = { .ranges = NULL };
	struct ival done[] = { { 0, 10 }, { 30, 40 }, { 90, 200 } };

	/* [0,100) minus done: [10,30) and [40,90), cut at 25 */
	ck_assert_int_eq(plan_add_except(&p, 1, 0, 100, 25, done, 3), 0);
	ck_assert_uint_eq(p.nranges, 3);
	ck_assert_int_eq(p.ranges[0].off, 10);
	ck_assert_int_eq(p.ranges[0].len, 20);
	ck_assert_int_eq(p.ranges[1].off, 40);
	ck_assert_int_eq(p.ranges[1].len, 25);
	ck_assert_int_eq(p.ranges[2].off, 65);
	ck_assert_int_eq(p.ranges[2].len, 25);
	plan_free(&p);
}
END_TEST

START_TEST(test_plan_except_edges)
{
	struct plan p = { .ranges = NULL };
	struct ival all[] = { { 0, 100 } }, inside[] = { { 20, 30 } };
	struct ival past[] = { { 150, 160 } };

	ck_assert_int_eq(plan_add_except(&p, 1, 0, 100, 64, all, 1), 0);
	ck_assert_uint_eq(p.nranges, 0);		/* all done */
	ck_assert_int_eq(plan_add_except(&p, 1, 0, 100, 64, NULL, 0), 0);
	assert_covers(&p, 1, 0, 100, 64);		/* nothing done */
	plan_free(&p);
	/* an extent [50, 100) of which [20, 30) is irrelevant */
	ck_assert_int_eq(plan_add_except(&p, 2, 50, 50, 64, inside, 1), 0);
	assert_covers(&p, 2, 50, 50, 64);
	ck_assert_int_eq(plan_add_except(&p, 3, 0, 100, 64, past, 1), 0);
	assert_covers(&p, 3, 0, 100, 64);
	ck_assert_int_eq(plan_add_except(&p, 4, -1, 10, 64, NULL, 0), -1);
	/* an end past the largest offset: refused, as plan_add does */
	errno = 0;
	ck_assert_int_eq(plan_add_except(&p, 5, INT64_MAX - 10, 11, 64, NULL,
	    0), -1);
	ck_assert_int_eq(errno, EOVERFLOW);
	plan_free(&p);
}
END_TEST

START_TEST(test_plan_ival_merge_sorts_and_joins)
{
	struct ival v[] = { { 50, 60 }, { 0, 10 }, { 10, 20 }, { 55, 70 },
	    { 100, 101 }, { 5, 8 } };

	ck_assert_uint_eq(ival_merge(v, 6), 3);
	ck_assert_int_eq(v[0].off, 0);
	ck_assert_int_eq(v[0].end, 20);		/* touching: joined */
	ck_assert_int_eq(v[1].off, 50);
	ck_assert_int_eq(v[1].end, 70);		/* overlapping: joined */
	ck_assert_int_eq(v[2].off, 100);
	ck_assert_uint_eq(ival_merge(v, 0), 0);
}
END_TEST

/* Whole-entry tasks: one range each, counted in the plan's bytes. */
START_TEST(test_plan_whole_entries_and_bytes)
{
	struct plan p = { .ranges = NULL };

	ck_assert_uint_eq(plan_bytes(&p), 0);
	ck_assert_int_eq(plan_add_whole(&p, 7, 12345), 0);
	ck_assert_int_eq(plan_add_whole(&p, 8, 0), 0);	/* empty: a task */
	ck_assert_int_eq(plan_add(&p, 9, 0, 10, 4), 0);
	ck_assert_uint_eq(p.nranges, 5);
	ck_assert_int_eq(p.ranges[0].off, 0);
	ck_assert_int_eq(p.ranges[0].len, 12345);
	ck_assert_uint_eq(p.ranges[0].file, 7);
	ck_assert_uint_eq(p.ranges[0].whole, 1);
	ck_assert_uint_eq(p.ranges[1].file, 8);
	ck_assert_int_eq(p.ranges[1].len, 0);
	ck_assert_uint_eq(p.ranges[1].whole, 1);
	ck_assert_uint_eq(p.ranges[2].whole, 0);
	ck_assert_uint_eq(plan_bytes(&p), 12345 + 10);
	plan_free(&p);
	ck_assert_ptr_null(p.ranges);
	ck_assert_uint_eq(p.nranges, 0);
	ck_assert_uint_eq(p.cap, 0);
}
END_TEST

/* Small whole entries go last in file order; split ranges and large
 * whole entries first, largest first. */
START_TEST(test_plan_sort_small_keeps_small_files_in_walk_order)
{
	struct plan p = { .ranges = NULL };
	static const uint32_t want[] = { 7, 9, 9, 2, 4, 5, 8 };
	size_t i;

	ck_assert_int_eq(plan_add_whole(&p, 8, 10), 0);
	ck_assert_int_eq(plan_add_whole(&p, 2, 50), 0);
	ck_assert_int_eq(plan_add_whole(&p, 7, 400), 0);	/* large */
	ck_assert_int_eq(plan_add(&p, 9, 0, 200, 100), 0);	/* split */
	ck_assert_int_eq(plan_add_whole(&p, 5, 99), 0);
	ck_assert_int_eq(plan_add_whole(&p, 4, 1), 0);
	plan_sort_small(&p, 100);
	ck_assert_uint_eq(p.nranges, 7);
	for (i = 0; i < 7; i++)
		ck_assert_msg(p.ranges[i].file == want[i], "%zu: file %u",
		    i, p.ranges[i].file);
	ck_assert_int_eq(p.ranges[1].off, 0);
	ck_assert_int_eq(p.ranges[2].off, 100);
	plan_sort_small(&p, 0);			/* plan_sort's order */
	ck_assert_uint_eq(p.ranges[0].file, 7);
	ck_assert_uint_eq(p.ranges[6].file, 4);
	ck_assert_uint_eq(PLAN_SMALL(16 << 20), 2 << 20);
	plan_free(&p);
}
END_TEST

/* Equal lengths: by file, then by offset; one range is left alone. */
START_TEST(test_plan_sort_ties_by_file_then_offset)
{
	struct plan p = { .ranges = NULL };

	ck_assert_int_eq(plan_add(&p, 3, 8, 4, 4), 0);
	ck_assert_int_eq(plan_add(&p, 1, 4, 4, 4), 0);
	ck_assert_int_eq(plan_add(&p, 3, 0, 4, 4), 0);
	ck_assert_int_eq(plan_add(&p, 1, 0, 4, 4), 0);
	ck_assert_int_eq(plan_add(&p, 2, 0, 9, 9), 0);
	plan_sort(&p);
	ck_assert_uint_eq(p.ranges[0].file, 2);
	ck_assert_uint_eq(p.ranges[1].file, 1);
	ck_assert_int_eq(p.ranges[1].off, 0);
	ck_assert_uint_eq(p.ranges[2].file, 1);
	ck_assert_int_eq(p.ranges[2].off, 4);
	ck_assert_uint_eq(p.ranges[3].file, 3);
	ck_assert_int_eq(p.ranges[3].off, 0);
	ck_assert_uint_eq(p.ranges[4].file, 3);
	ck_assert_int_eq(p.ranges[4].off, 8);
	plan_free(&p);
	ck_assert_int_eq(plan_add(&p, 5, 0, 3, 4), 0);
	plan_sort(&p);
	ck_assert_uint_eq(p.ranges[0].file, 5);
	ck_assert_int_eq(p.ranges[0].len, 3);
	plan_free(&p);
}
END_TEST

static int
batch(struct plan *p, off_t target, unsigned max, unsigned writers)
{
	struct batching how = { target, max, writers };

	return plan_batch(p, &how);
}

/* Batches: in order, covering every range once, within target and max;
 * a range as large as the target alone. */
START_TEST(test_plan_batch_groups_small_ranges_and_isolates_big_ones)
{
	const off_t target = 1 << 20;
	struct plan p;
	size_t b, i;
	uint32_t f;

	memset(&p, 0, sizeof(p));
	ck_assert_int_eq(plan_add(&p, 0, 0, 3 * target, target), 0);
	for (f = 1; f <= 200; f++)		/* 200 files of 1 KiB */
		ck_assert_int_eq(plan_add_whole(&p, f, 1024), 0);
	ck_assert_int_eq(batch(&p, target, 64, 0), 0);
	ck_assert_uint_eq(p.batch[0], 0);
	ck_assert_uint_eq(p.batch[p.nbatches], p.nranges);
	for (b = 0; b < p.nbatches; b++) {
		off_t cost = 0;

		ck_assert_uint_lt(p.batch[b], p.batch[b + 1]);
		ck_assert_uint_le(p.batch[b + 1] - p.batch[b], 64);
		for (i = p.batch[b]; i < p.batch[b + 1]; i++)
			cost += p.ranges[i].len + PLAN_TASK_COST;
		if (p.batch[b + 1] - p.batch[b] > 1)
			ck_assert_int_le(cost, target);
	}
	/* The three big ranges alone; 1 KiB + 64 KiB each: 15 a batch. */
	ck_assert_uint_eq(p.batch[1], 1);
	ck_assert_uint_eq(p.batch[2], 2);
	ck_assert_uint_eq(p.batch[3], 3);
	ck_assert_uint_eq(p.batch[4] - p.batch[3], 15);
	ck_assert_uint_eq(p.nbatches, 3 + (200 + 14) / 15);
	plan_free(&p);
	ck_assert_ptr_null(p.batch);
}
END_TEST

START_TEST(test_plan_batch_max_and_empty)
{
	struct plan p;
	uint32_t f;

	memset(&p, 0, sizeof(p));
	ck_assert_int_eq(batch(&p, 1 << 20, 64, 0), 0);
	ck_assert_uint_eq(p.nbatches, 0);
	for (f = 0; f < 10; f++)
		ck_assert_int_eq(plan_add_whole(&p, f, 0), 0);
	ck_assert_int_eq(batch(&p, (off_t)1 << 40, 4, 0), 0);
	ck_assert_uint_eq(p.nbatches, 3);	/* 4, 4, 2 */
	ck_assert_uint_eq(p.batch[1], 4);
	ck_assert_uint_eq(p.batch[2], 8);
	ck_assert_uint_eq(p.batch[3], 10);
	ck_assert_int_eq(batch(&p, 1, 64, 0), 0);	/* a task each */
	ck_assert_uint_eq(p.nbatches, 10);
	plan_free(&p);
}
END_TEST

/* A split file's ranges are batches alone, however small: with two
 * workers the halves of a file run side by side (fork mode's classic). */
START_TEST(test_plan_batch_keeps_ranges_apart)
{
	struct plan p;

	memset(&p, 0, sizeof(p));
	ck_assert_int_eq(plan_add(&p, 0, 0, 2048, 1024), 0);	/* 2 halves */
	ck_assert_int_eq(plan_add_whole(&p, 1, 10), 0);
	ck_assert_int_eq(plan_add_whole(&p, 2, 10), 0);
	ck_assert_int_eq(batch(&p, (off_t)1 << 40, 256, 0), 0);
	ck_assert_uint_eq(p.nbatches, 3);
	ck_assert_uint_eq(p.batch[1], 1);
	ck_assert_uint_eq(p.batch[2], 2);
	ck_assert_uint_eq(p.batch[3], 4);		/* the two files */
	plan_free(&p);
}
END_TEST

/* One writer a file: a split file's ranges, however many, are one batch
 * (beyond max and target); what follows starts a batch of its own. */
START_TEST(test_plan_batch_one_writer_keeps_a_file_together)
{
	struct plan p;

	memset(&p, 0, sizeof(p));
	ck_assert_int_eq(plan_add(&p, 0, 0, 100 * 1024, 1024), 0);
	ck_assert_int_eq(plan_add(&p, 1, 0, 3 * 1024, 1024), 0);
	ck_assert_int_eq(plan_add_whole(&p, 2, 10), 0);
	ck_assert_int_eq(plan_add_whole(&p, 3, 10), 0);
	ck_assert_int_eq(batch(&p, 1 << 20, 4, 1), 0);
	ck_assert_uint_eq(p.nbatches, 3);
	ck_assert_uint_eq(p.batch[1], 100);	/* file 0, all 100 */
	ck_assert_uint_eq(p.batch[2], 103);	/* file 1 */
	ck_assert_uint_eq(p.batch[3], 105);	/* the two whole files */
	ck_assert_int_eq(batch(&p, 1 << 20, 4, 0), 0);
	ck_assert_uint_eq(p.nbatches, 104);	/* a range each, then 2 */
	plan_free(&p);
}
END_TEST

/* Two writers a file: its ranges in two runs of consecutive ranges (a
 * worker per half), each a batch however many; the runs cut where the
 * count of ranges is halved, a short file's too. */
START_TEST(test_plan_batch_two_writers_halve_a_file)
{
	struct plan p;

	memset(&p, 0, sizeof(p));
	ck_assert_int_eq(plan_add(&p, 0, 0, 100 * 1024, 1024), 0);
	ck_assert_int_eq(plan_add(&p, 1, 0, 3 * 1024, 1024), 0);
	ck_assert_int_eq(plan_add(&p, 2, 0, 1024, 1024), 0);
	ck_assert_int_eq(plan_add_whole(&p, 3, 10), 0);
	ck_assert_int_eq(batch(&p, 1 << 20, 4, 2), 0);
	ck_assert_uint_eq(p.nbatches, 6);
	ck_assert_uint_eq(p.batch[1], 50);	/* file 0's first half */
	ck_assert_uint_eq(p.batch[2], 100);	/* its second */
	ck_assert_uint_eq(p.batch[3], 102);	/* file 1: 2 + 1 */
	ck_assert_uint_eq(p.batch[4], 103);
	ck_assert_uint_eq(p.batch[5], 104);	/* file 2: one range */
	ck_assert_uint_eq(p.batch[6], 105);	/* the whole file */
	ck_assert_int_eq(batch(&p, 1 << 20, 4, 3), 0);
	ck_assert_uint_eq(p.batch[1], 34);	/* thirds: 34, 33, 33 */
	ck_assert_uint_eq(p.batch[2], 67);
	ck_assert_uint_eq(p.batch[3], 100);
	plan_free(&p);
}
END_TEST

/* The order for one writer: split files first, each file's ranges
 * together in offset order (a tail range stays with its file), then
 * whole entries largest first, then the small ones in file order. */
START_TEST(test_plan_sort_files_groups_a_file)
{
	struct plan p;
	static const struct { uint32_t file; off_t off, len; } want[] = {
		{ 1, 0, 1024 }, { 1, 1024, 1024 }, { 1, 2048, 10 },
		{ 4, 0, 1024 }, { 4, 1024, 1000 },
		{ 3, 0, 900 }, { 0, 0, 5 }, { 2, 0, 7 },
	};
	size_t i;

	memset(&p, 0, sizeof(p));
	ck_assert_int_eq(plan_add_whole(&p, 2, 7), 0);
	ck_assert_int_eq(plan_add(&p, 4, 0, 2024, 1024), 0);
	ck_assert_int_eq(plan_add_whole(&p, 3, 900), 0);
	ck_assert_int_eq(plan_add(&p, 1, 0, 2058, 1024), 0);
	ck_assert_int_eq(plan_add_whole(&p, 0, 5), 0);
	plan_sort_files(&p, 100);
	ck_assert_uint_eq(p.nranges, sizeof(want) / sizeof(want[0]));
	for (i = 0; i < p.nranges; i++) {
		ck_assert_uint_eq(p.ranges[i].file, want[i].file);
		ck_assert_int_eq(p.ranges[i].off, want[i].off);
		ck_assert_int_eq(p.ranges[i].len, want[i].len);
	}
	plan_free(&p);
}
END_TEST

static Suite *
plan_suite(void)
{
	Suite *s = suite_create("plan");
	TCase *tc;

	tc = tcase_create("split");
	tcase_add_loop_test(tc,
	    test_plan_sizes_around_chunk_multiples_are_covered_once, 0, 32);
	tcase_add_test(tc, test_plan_empty_file_gets_no_range);
	tcase_add_test(tc, test_plan_chunk_larger_than_file_gives_one_range);
	tcase_add_test(tc, test_plan_half_chunk_is_the_two_halves);
	tcase_add_test(tc, test_plan_offsets_past_4gib);
	tcase_add_test(tc, test_plan_extent_ending_at_int64_max);
	tcase_add_test(tc, test_plan_sort_puts_largest_first);
	tcase_add_test(tc, test_plan_sort_ties_by_file_then_offset);
	tcase_add_test(tc, test_plan_sort_small_keeps_small_files_in_walk_order);
	tcase_add_test(tc, test_plan_whole_entries_and_bytes);
	suite_add_tcase(s, tc);
	tc = tcase_create("errors");
	tcase_add_test(tc, test_plan_rejects_overflow_and_bad_arguments);
	tcase_add_test(tc, test_plan_too_many_ranges_is_enomem_not_a_crash);
	suite_add_tcase(s, tc);
	tc = tcase_create("resume");
	tcase_add_test(tc, test_plan_except_plans_only_the_gaps);
	tcase_add_test(tc, test_plan_except_edges);
	tcase_add_test(tc, test_plan_ival_merge_sorts_and_joins);
	suite_add_tcase(s, tc);
	tc = tcase_create("batch");
	tcase_add_test(tc,
	    test_plan_batch_groups_small_ranges_and_isolates_big_ones);
	tcase_add_test(tc, test_plan_batch_max_and_empty);
	tcase_add_test(tc, test_plan_batch_keeps_ranges_apart);
	tcase_add_test(tc, test_plan_batch_one_writer_keeps_a_file_together);
	tcase_add_test(tc, test_plan_batch_two_writers_halve_a_file);
	tcase_add_test(tc, test_plan_sort_files_groups_a_file);
	suite_add_tcase(s, tc);
	tc = tcase_create("chunk");
	tcase_add_test(tc, test_plan_chunk_explicit_wins);
	tcase_add_test(tc, test_plan_chunk_auto_is_aligned_and_clamped);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return testutil_run(plan_suite());
}
