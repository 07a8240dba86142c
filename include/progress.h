/*
 * --progress: one line on stderr, redrawn at most ten times a second on a
 * terminal (percent, bytes of total, smoothed rate, ETA, files, errors),
 * then a summary line.  Not a terminal: nothing, unless --progress=always,
 * which prints a plain line a second.  Parent only.
 */
#ifndef PARCP_PROGRESS_H
#define PARCP_PROGRESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "opts.h"

#define PROGRESS_TICK_MS	100	/* how often the pool reports */

struct progress {
	bool		 on;
	bool		 tty;
	uint64_t	 total;		/* bytes the run will write */
	uint64_t	 nfiles;	/* entries it will copy */
	uint64_t	 bytes;		/* written so far (from the workers) */
	uint64_t	 files;		/* entries finished (copied or not) */
	uint64_t	 errors;
	double		 start;		/* CLOCK_MONOTONIC seconds */
	double		 last;		/* last sample */
	double		 drawn;		/* last line printed */
	uint64_t	 last_bytes;
	double		 rate;		/* smoothed bytes per second */
};

/* What one line shows. */
struct progress_view {
	uint64_t	 bytes, total, files, nfiles, errors;
	double		 rate;		/* bytes/s; <= 0: unknown */
	double		 elapsed;	/* seconds since the start */
	bool		 bar;		/* draw a bar where there is room */
};

void	progress_start(struct progress *, enum progress_when,
	    uint64_t total, uint64_t nfiles);
/* A new byte count from the workers; redraws when due. */
void	progress_update(struct progress *, uint64_t bytes);
/* Erase the bar so that another line can be printed (-v). */
void	progress_clear(struct progress *);
/* The last bar (at 100% if complete) and the summary line. */
void	progress_end(struct progress *, bool complete);
/*
 * Format v into buf as one line of at most width - 1 columns.  Shown in
 * this order: percent, bar, bytes of total, rate, elapsed, ETA, files
 * and errors; when they do not fit, dropped in this order: the bar (it
 * only takes the room left), elapsed, ETA, files, rate, bytes.  Returns
 * buf.  Pure.
 */
char	*progress_format(const struct progress_view *, int width, char *buf,
	    size_t len);
/* The summary line, cut to fit width - 1 columns the same way (errors,
 * files, rate go first).  Returns buf.  Pure. */
char	*progress_summary(const struct progress_view *, int width, char *buf,
	    size_t len);

#endif
