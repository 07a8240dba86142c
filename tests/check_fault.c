/* fault: every operation has a name, and the text reads as one line. */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <string.h>

#include <check.h>

#include "fault.h"
#include "testutil.h"

START_TEST(test_fault_every_op_has_a_distinct_name)
{
	int i, j;

	for (i = FAULT_NONE; i < FAULT_NOP; i++) {
		ck_assert_ptr_nonnull(fault_str(i));
		ck_assert_str_ne(fault_str(i), "unknown operation");
		for (j = i + 1; j < FAULT_NOP; j++)
			if (strcmp(fault_str(i), fault_str(j)) == 0)
				/* open is the only shared name: two sides */
				ck_assert(fault_is_dst(i) != fault_is_dst(j));
	}
	ck_assert_str_eq(fault_str(FAULT_NOP), "unknown operation");
	ck_assert_str_eq(fault_str(-1), "unknown operation");
}
END_TEST

START_TEST(test_fault_format)
{
	struct fault f;
	char buf[128];

	fault_setc(&f, FAULT_WRITE, ENOSPC);
	ck_assert_str_eq(fault_format(&f, buf, sizeof(buf)),
	    "write: No space left on device");
	fault_setc(&f, FAULT_KILLED, SIGKILL);
	ck_assert_str_eq(fault_format(&f, buf, sizeof(buf)),
	    "worker killed by signal 9 (Killed)");
	fault_setc(&f, FAULT_SHRANK, 0);
	ck_assert_str_eq(fault_format(&f, buf, sizeof(buf)),
	    "file shrank while being copied");
	errno = EACCES;
	fault_set(&f, FAULT_OPEN_SRC);
	ck_assert_str_eq(fault_format(&f, buf, sizeof(buf)),
	    "open: Permission denied");
	ck_assert_str_eq(fault_format(&f, buf, 5), "open");	/* cut */
}
END_TEST

START_TEST(test_fault_reason_alone)
{
	struct fault f;

	fault_setc(&f, FAULT_WRITE, ENOSPC);
	ck_assert_str_eq(fault_reason(&f), strerror(ENOSPC));
	fault_setc(&f, FAULT_VERIFY, 0);
	ck_assert_str_eq(fault_reason(&f), "");
	fault_setc(&f, FAULT_KILLED, SIGKILL);
	ck_assert_str_eq(fault_reason(&f), strsignal(SIGKILL));
	fault_setc(&f, FAULT_NOP, 5);
	ck_assert_str_eq(fault_reason(&f), "");
}
END_TEST

START_TEST(test_fault_sides)
{
	ck_assert(!fault_is_dst(FAULT_READ));
	ck_assert(!fault_is_dst(FAULT_OPEN_SRC));
	ck_assert(fault_is_dst(FAULT_WRITE));
	ck_assert(fault_is_dst(FAULT_CREATE));
	ck_assert(fault_is_dst(FAULT_RENAME));
	ck_assert(!fault_is_dst(FAULT_NOP));
}
END_TEST

static Suite *
fault_suite(void)
{
	Suite *s = suite_create("fault");
	TCase *tc = tcase_create("text");

	tcase_add_test(tc, test_fault_every_op_has_a_distinct_name);
	tcase_add_test(tc, test_fault_format);
	tcase_add_test(tc, test_fault_sides);
	tcase_add_test(tc, test_fault_reason_alone);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return testutil_run(fault_suite());
}
