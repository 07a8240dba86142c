/* nameset: a set of names, with removal, that grows as it fills. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <check.h>

#include "nameset.h"
#include "testutil.h"

START_TEST(test_nameset_add_has_and_duplicates)
{
	struct nameset ns;

	memset(&ns, 0, sizeof(ns));
	ck_assert(!nameset_has(&ns, "a", 1));	/* empty: nothing probed */
	nameset_del(&ns, "a");			/* and nothing to remove */
	ck_assert(nameset_add(&ns, "alpha"));
	ck_assert(nameset_add(&ns, "beta"));
	ck_assert(!nameset_add(&ns, "alpha"));
	ck_assert_uint_eq(ns.n, 2);
	ck_assert(nameset_has(&ns, "alpha", 5));
	ck_assert(nameset_has(&ns, "beta", 4));
	ck_assert(!nameset_has(&ns, "gamma", 5));
	nameset_free(&ns);
	ck_assert_ptr_null(ns.slot);
	ck_assert_uint_eq(ns.n, 0);
	ck_assert_uint_eq(ns.cap, 0);
}
END_TEST

START_TEST(test_nameset_has_compares_len_bytes_only)
{
	struct nameset ns;

	memset(&ns, 0, sizeof(ns));
	ck_assert(nameset_add(&ns, "dir"));
	ck_assert(nameset_has(&ns, "dir/file", 3));
	ck_assert(!nameset_has(&ns, "dir/file", 2));	/* "di" */
	ck_assert(!nameset_has(&ns, "dir/file", 4));	/* "dir/" */
	ck_assert(!nameset_has(&ns, "dirt", 4));
	ck_assert(!nameset_has(&ns, "dir", 0));
	ck_assert(nameset_add(&ns, "di"));
	ck_assert(nameset_has(&ns, "dir", 2));
	nameset_free(&ns);
}
END_TEST

START_TEST(test_nameset_del_removes_one_name)
{
	struct nameset ns;

	memset(&ns, 0, sizeof(ns));
	ck_assert(nameset_add(&ns, "a"));
	ck_assert(nameset_add(&ns, "b"));
	nameset_del(&ns, "a");
	nameset_del(&ns, "zz");		/* not there: nothing happens */
	ck_assert(!nameset_has(&ns, "a", 1));
	ck_assert(nameset_has(&ns, "b", 1));
	ck_assert(nameset_add(&ns, "a"));	/* back again */
	ck_assert(nameset_has(&ns, "a", 1));
	nameset_del(&ns, "b");
	nameset_del(&ns, "a");
	ck_assert(!nameset_has(&ns, "a", 1));
	ck_assert(!nameset_has(&ns, "b", 1));
	nameset_free(&ns);
}
END_TEST

START_TEST(test_nameset_grows_and_probes_past_removed_names)
{
	struct nameset ns;
	char name[32];
	int i;

	memset(&ns, 0, sizeof(ns));
	for (i = 0; i < 5000; i++) {
		(void)snprintf(name, sizeof(name), "n%d", i);
		ck_assert(nameset_add(&ns, name));
	}
	ck_assert_uint_eq(ns.n, 5000);
	ck_assert_uint_ge(ns.cap, 10000);
	ck_assert_uint_eq(ns.cap & (ns.cap - 1), 0);	/* a power of 2 */
	/* Remove every other one: the rest are still found past them. */
	for (i = 0; i < 5000; i += 2) {
		(void)snprintf(name, sizeof(name), "n%d", i);
		nameset_del(&ns, name);
	}
	for (i = 0; i < 5000; i++) {
		(void)snprintf(name, sizeof(name), "n%d", i);
		ck_assert_msg(nameset_has(&ns, name, strlen(name)) == (i % 2),
		    "%s", name);
	}
	ck_assert(!nameset_has(&ns, "n5000", 5));
	/* Growing again drops the tombstones and keeps the rest. */
	for (i = 5000; i < 12000; i++) {
		(void)snprintf(name, sizeof(name), "n%d", i);
		ck_assert(nameset_add(&ns, name));
	}
	for (i = 0; i < 12000; i++) {
		(void)snprintf(name, sizeof(name), "n%d", i);
		ck_assert_msg(nameset_has(&ns, name, strlen(name)) ==
		    (i >= 5000 || i % 2), "%s", name);
	}
	ck_assert_uint_le(ns.n, 12000);
	ck_assert_uint_ge(2 * ns.n, 9500);
	ck_assert_uint_le(2 * ns.n, ns.cap);
	nameset_free(&ns);
}
END_TEST

static Suite *
nameset_suite(void)
{
	Suite *s = suite_create("nameset");
	TCase *tc;

	tc = tcase_create("set");
	tcase_add_test(tc, test_nameset_add_has_and_duplicates);
	tcase_add_test(tc, test_nameset_has_compares_len_bytes_only);
	tcase_add_test(tc, test_nameset_del_removes_one_name);
	tcase_add_test(tc, test_nameset_grows_and_probes_past_removed_names);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return testutil_run(nameset_suite());
}
