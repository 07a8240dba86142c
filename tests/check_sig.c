/* sig: the parent's stop signals are recorded once, then fatal. */
#include "config.h"

#include <sys/wait.h>

#include <signal.h>
#include <string.h>
#include <unistd.h>

#include <check.h>

#include "sig.h"
#include "testutil.h"

/* The handler now installed for sig, and its flags. */
static void
handler_of(int sig, void (**fn)(int), int *flags)
{
	struct sigaction sa;

	ck_assert_int_eq(sigaction(sig, NULL, &sa), 0);
	*fn = sa.sa_handler;
	*flags = sa.sa_flags;
}

START_TEST(test_sig_first_stop_is_recorded)
{
	static const int stops[] = { SIGINT, SIGTERM, SIGHUP };
	pid_t pid;
	int st;

	/* Each signal in its own process: only the first one is kept. */
	if ((pid = fork()) == 0) {
		sig_init();
		if (sig_caught() != 0)
			_exit(10);
		(void)raise(stops[_i]);
		_exit(sig_caught() == stops[_i] ? 0 : 11);
	}
	ck_assert_int_ne(pid, -1);
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	ck_assert_msg(WIFEXITED(st), "killed by %d", WTERMSIG(st));
	ck_assert_int_eq(WEXITSTATUS(st), 0);
}
END_TEST

START_TEST(test_sig_second_stop_kills_with_that_signal)
{
	pid_t pid;
	int st;

	if ((pid = fork()) == 0) {
		sig_init();
		(void)raise(SIGINT);
		(void)raise(SIGTERM);
		_exit(sig_caught() == SIGINT ? 12 : 13);
	}
	ck_assert_int_ne(pid, -1);
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	ck_assert_msg(WIFSIGNALED(st), "exited %d", WEXITSTATUS(st));
	ck_assert_int_eq(WTERMSIG(st), SIGTERM);
}
END_TEST

START_TEST(test_sig_handlers_interrupt_waits)
{
	void (*fn)(int);
	int flags, sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGCHLD };
	size_t i;

	sig_init();
	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
		handler_of(sigs[i], &fn, &flags);
		ck_assert_msg(fn != SIG_DFL && fn != SIG_IGN, "signal %d",
		    sigs[i]);
		ck_assert_int_eq(flags & SA_RESTART, 0);
	}
	/* SIGCHLD's handler records nothing: it only wakes ppoll. */
	(void)raise(SIGCHLD);
	ck_assert_int_eq(sig_caught(), 0);
}
END_TEST

START_TEST(test_sig_block_and_restore)
{
	sigset_t old, now, empty;
	int sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGCHLD };
	size_t i;

	sigemptyset(&empty);
	sigaddset(&empty, SIGUSR1);
	ck_assert_int_eq(sigprocmask(SIG_SETMASK, &empty, NULL), 0);
	sig_block(&old);
	ck_assert_int_eq(sigprocmask(SIG_BLOCK, NULL, &now), 0);
	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
		ck_assert_int_eq(sigismember(&now, sigs[i]), 1);
		ck_assert_int_eq(sigismember(&old, sigs[i]), 0);
	}
	ck_assert_int_eq(sigismember(&now, SIGUSR1), 1);   /* added to */
	ck_assert_int_eq(sigismember(&old, SIGUSR1), 1);
	ck_assert_int_eq(sigismember(&now, SIGUSR2), 0);
	sig_restore(&old);
	ck_assert_int_eq(sigprocmask(SIG_BLOCK, NULL, &now), 0);
	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		ck_assert_int_eq(sigismember(&now, sigs[i]), 0);
	ck_assert_int_eq(sigismember(&now, SIGUSR1), 1);
}
END_TEST

START_TEST(test_sig_worker_restores_defaults_and_the_mask)
{
	sigset_t old, now;
	void (*fn)(int);
	int flags, sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGCHLD };
	size_t i;

	sigemptyset(&now);
	ck_assert_int_eq(sigprocmask(SIG_SETMASK, &now, NULL), 0);
	sig_init();
	sig_block(&old);
	sig_worker(&old);
	ck_assert_int_eq(sigprocmask(SIG_BLOCK, NULL, &now), 0);
	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
		handler_of(sigs[i], &fn, &flags);
		ck_assert_msg(fn == SIG_DFL, "signal %d", sigs[i]);
		ck_assert_int_eq(sigismember(&now, sigs[i]), 0);
	}
}
END_TEST

static Suite *
sig_suite(void)
{
	Suite *s = suite_create("sig");
	TCase *tc;

	tc = tcase_create("stop");
	tcase_add_loop_test(tc, test_sig_first_stop_is_recorded, 0, 3);
	tcase_add_test(tc, test_sig_second_stop_kills_with_that_signal);
	tcase_add_test(tc, test_sig_handlers_interrupt_waits);
	suite_add_tcase(s, tc);

	tc = tcase_create("mask");
	tcase_add_test(tc, test_sig_block_and_restore);
	tcase_add_test(tc, test_sig_worker_restores_defaults_and_the_mask);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return testutil_run(sig_suite());
}
