/*
 * Signal handling for the parent.  A handler only stores the signal number;
 * the executor blocks these signals and waits in ppoll(2) with them
 * unblocked, so a signal can never slip in between "check" and "wait".
 */
#include "config.h"

#include <signal.h>
#include <stddef.h>

#include "sig.h"

static volatile sig_atomic_t caught;

static const int stops[] = { SIGINT, SIGTERM, SIGHUP };

/*
 * The first stop is recorded: the run stops at its next check and cleans
 * up.  A second one ends the process now with that signal's status (the
 * parent may be inside a library call that does not return soon): what
 * it leaves are temps that no one holds, which the next run sweeps.
 */
static void
on_stop(int sig)
{
	struct sigaction sa;

	if (caught == 0) {
		caught = sig;
		return;
	}
	sa.sa_handler = SIG_DFL;
	sa.sa_flags = 0;
	sigemptyset(&sa.sa_mask);
	(void)sigaction(sig, &sa, NULL);
	(void)raise(sig);
}

static void
on_child(int sig)
{
	(void)sig;	/* only here to interrupt ppoll */
}

static void
set_handler(int sig, void (*fn)(int))
{
	struct sigaction sa;

	sa.sa_handler = fn;
	sa.sa_flags = 0;	/* no SA_RESTART: waits must return EINTR */
	sigemptyset(&sa.sa_mask);
	(void)sigaction(sig, &sa, NULL);
}

void
sig_init(void)
{
	size_t i;

	for (i = 0; i < sizeof(stops) / sizeof(stops[0]); i++)
		set_handler(stops[i], on_stop);
	set_handler(SIGCHLD, on_child);
}

int
sig_caught(void)
{
	return caught;
}

void
sig_block(sigset_t *old)
{
	sigset_t set;
	size_t i;

	sigemptyset(&set);
	for (i = 0; i < sizeof(stops) / sizeof(stops[0]); i++)
		sigaddset(&set, stops[i]);
	sigaddset(&set, SIGCHLD);
	(void)sigprocmask(SIG_BLOCK, &set, old);
}

void
sig_restore(const sigset_t *old)
{
	(void)sigprocmask(SIG_SETMASK, old, NULL);
}

void
sig_worker(const sigset_t *old)
{
	size_t i;

	for (i = 0; i < sizeof(stops) / sizeof(stops[0]); i++)
		set_handler(stops[i], SIG_DFL);
	set_handler(SIGCHLD, SIG_DFL);
	sig_restore(old);
}
