/*
 * Signals.  The parent's handlers only record what arrived; the parent's
 * loops look at sig_caught() and decide.  Workers take default dispositions.
 */
#ifndef PARCP_SIG_H
#define PARCP_SIG_H

#include <signal.h>

/* Parent, once: SIGINT/SIGTERM/SIGHUP are recorded; SIGCHLD wakes ppoll. */
void	sig_init(void);
/* The first SIGINT/SIGTERM/SIGHUP received, or 0. */
int	sig_caught(void);
/* Block the signals above (so only ppoll sees them); the old mask in *old. */
void	sig_block(sigset_t *old);
void	sig_restore(const sigset_t *old);
/* In a just-forked worker: default dispositions, and the mask *old. */
void	sig_worker(const sigset_t *old);

#endif
