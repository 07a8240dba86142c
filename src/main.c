/*
 * parcp: copy files in parallel.
 *
 *   argv -> opts -> tune -> walk -> copy (dirs, plan, pool, finish) -> report
 *                                -> tar_create / tar_extract / tar_list
 *
 * main() is the only place that exits with the run's status: 0 all copied
 * (and verified), 1 some file failed or a usage error (as cp), 3 a copy
 * differed from its source after a retry (--verify), 128+N stopped by
 * signal N.
 */
#include "config.h"

#include <sys/resource.h>

#include <langinfo.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "compat.h"
#include "copy.h"
#include "notice.h"
#include "opts.h"
#include "report.h"
#include "sig.h"
#include "tar.h"
#include "tune.h"
#include "util.h"
#include "walk.h"
#ifdef PARCP_MPI
#include "exec_mpi.h"
#endif

static double
now(void)
{
	struct timespec ts;

	(void)clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double
children_cpu(void)
{
	struct rusage ru;

	if (getrusage(RUSAGE_CHILDREN, &ru) == -1)
		return 0;
	return (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
	    (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

/* The run the options ask for: a copy (c, begun before its walk), or a
 * tar create or extract. */
static int
dispatch(const struct opts *o, struct flist *fl, struct copy_stats *st,
    struct copy *c)
{
	switch (o->tar) {
	case TAR_CREATE:
		return tar_create(o, fl, st);
	case TAR_EXTRACT:
		return tar_extract(o, st);
	default:
		return copy_end(c, true);
	}
}

/*
 * Archive names are converted by libarchive through the locale's charset.
 * In the C locale (ASCII) a member's UTF-8 name (zip, pax) could not be
 * converted at all, so character handling is UTF-8 there (C.UTF-8), as
 * the bytes of Linux file names are kept as they are.
 */
static void
utf8_names(void)
{
	const char *cs = nl_langinfo(CODESET);

	if (strcmp(cs, "ANSI_X3.4-1968") == 0 || strcmp(cs, "ASCII") == 0)
		(void)setlocale(LC_CTYPE, "C.UTF-8");
}

/* A copy's notices: partial work discarded, or kept by a stop. */
static void
tell(const struct opts *o, const struct flist *fl,
    const struct copy_stats *st, int rv, char **argv)
{
	notice_discarded(st);
	if (rv >= 128)
		notice_stopped(o, fl, st, argv);
}

/* The run the parsed options o ask for; its exit status. */
static int
run_opts(struct opts *o, char **argv)
{
	struct copy_stats st;
	struct report_run run;
	struct copy *c = NULL;
	struct flist fl;
	double t0;
	int bad, rv;

	utf8_names();
	if (o->tar == TAR_LIST)
		return tar_list(o) | (fflush(stdout) == EOF);
	tune_opts(o);			/* -j and --split, by DEST */
	sig_init();
	memset(&fl, 0, sizeof(fl));
	bad = 0;
	t0 = now();			/* a copy may start during its walk */
	if (o->tar == TAR_NONE)
		c = copy_begin(o, &fl, &st);
	if (o->tar != TAR_EXTRACT)
		bad = o->tar == TAR_CREATE ? walk_sources(o, &fl) :
		    walk_args(o, &fl, copy_hook(c));
	if (bad == -1) {		/* nothing can be copied at all */
		if (c != NULL)
			(void)copy_end(c, false);
		else {
			memset(&st, 0, sizeof(st));
			st.lane_bytes = xcalloc(o->jobs,
			    sizeof(*st.lane_bytes));
		}
		rv = 1;
	} else
		rv = dispatch(o, &fl, &st, c);
	run.seconds = now() - t0;
	run.cpu = children_cpu();
	run.status = rv != 0 ? rv : bad > 0;
	run.walk_errors = fl.errors;
	run.nwalk_errors = fl.nerrors;
	if (o->tar == TAR_NONE && bad != -1)
		tell(o, &fl, &st, rv, argv);
	if (o->stats && rv < 128 && bad != -1)
		/* with --json, stdout is the JSON object alone */
		report_stats(o->json ? stderr : stdout, o, &st, run.seconds,
		    run.cpu);
	if (o->json)
		report_json(stdout, o, &st, &run);
	copy_stats_free(&st);
	flist_free(&fl);
	if (fflush(stdout) == EOF)
		err(1, "stdout");
	return run.status;
}

#ifdef PARCP_MPI
/*
 * parcp-mpi: the ranks are the workers (-j and --mode do not apply);
 * across hosts every range is made durable before it is journaled.
 */
static void
mpi_opts(struct opts *o)
{
	o->mode = EXEC_MPI;
	o->jobs = (unsigned)exec_mpi_ranks();
	if (o->jobs > EXEC_MAX)
		errx(1, "at most %d ranks", EXEC_MAX);
	o->durable_ranges = exec_mpi_hosts();
}
#endif

int
main(int argc, char **argv)
{
	struct opts o;
	int rv;

#ifdef PARCP_MPI
	if (exec_mpi_init(&argc, &argv) != 0)
		return exec_mpi_serve();
#endif
	/*
	 * The user's locale, first: libarchive converts member names with
	 * it (in the "C" locale a zip member's non-ASCII name has no
	 * pathname at all), and quote() keeps UTF-8 names readable.  Numbers
	 * stay "C" so that --json and --stats print 1.5, never 1,5.
	 */
	(void)setlocale(LC_ALL, "");
	(void)setlocale(LC_NUMERIC, "C");
	/* Options first: their messages quote in the user's own locale. */
	switch (opts_parse(&o, argc, argv)) {
	case OPTS_OK:
		break;
	case OPTS_DONE:
		rv = 0;
		goto out;
	case OPTS_USAGE:
		fprintf(stderr, "Try 'parcp --help' for more information.\n");
		/* FALLTHROUGH */
	case OPTS_FAIL:
		rv = 1;
		goto out;
	}
#ifdef PARCP_MPI
	mpi_opts(&o);
#endif
	rv = run_opts(&o, argv);
out:
	exclude_free(&o.exclude);
	return rv;
}
