/*
 * Option parsing.  One table describes every option: getopt_long's tables
 * and the --help text are both made from it, so they cannot drift apart.
 * Each option has a small setter that validates its argument.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "compat.h"
#include "opts.h"

enum { OPT_MODE = 256, OPT_CHUNK, OPT_BUFSZ, OPT_STATS, OPT_VERSION };

static int	set_jobs(struct opts *, const char *);
static int	set_mode(struct opts *, const char *);
static int	set_chunk(struct opts *, const char *);
static int	set_bufsz(struct opts *, const char *);
static int	set_verbose(struct opts *, const char *);
static int	set_stats(struct opts *, const char *);

static const struct optdef {
	const char	*name;
	int		 val;		/* short option, or OPT_* */
	const char	*arg;		/* argument name, NULL if none */
	int		(*set)(struct opts *, const char *);
	const char	*help;
} optdefs[] = {
	{ "jobs", 'j', "N", set_jobs,
	    "number of workers, 1..1024 (default: online CPUs)" },
	{ "mode", OPT_MODE, "MODE", set_mode,
	    "pool (default): workers pull ranges; fork: child each" },
	{ "chunk-size", OPT_CHUNK, "SIZE", set_chunk,
	    "range size (default: auto, 1M..16M)" },
	{ "buffer-size", OPT_BUFSZ, "SIZE", set_bufsz,
	    "each worker's I/O buffer (default: 1M)" },
	{ "verbose", 'v', NULL, set_verbose,
	    "print each file; -vv: each range and its worker" },
	{ "stats", OPT_STATS, NULL, set_stats,
	    "print bytes, time, rate and per-worker bytes" },
	{ "help", 'h', NULL, NULL, "show this help and exit" },
	{ "version", OPT_VERSION, NULL, NULL, "show the version and exit" },
};
#define NOPTDEFS	(sizeof(optdefs) / sizeof(optdefs[0]))

static void
usage(void)
{
	char left[40];
	size_t i;

	printf("usage: parcp [OPTIONS] SOURCE DEST\n"
	    "       parcp [OPTIONS] SOURCE... DIRECTORY\n"
	    "Copy files in parallel: each file is split into byte ranges that "
	    "worker\nprocesses copy at once.  SIZE takes K, M, G or T "
	    "(binary) suffixes.\n\n");
	for (i = 0; i < NOPTDEFS; i++) {
		if (optdefs[i].val < 256)
			(void)snprintf(left, sizeof(left), "-%c, --%s%s%s",
			    optdefs[i].val, optdefs[i].name,
			    optdefs[i].arg ? " " : "",
			    optdefs[i].arg ? optdefs[i].arg : "");
		else
			(void)snprintf(left, sizeof(left), "    --%s%s%s",
			    optdefs[i].name, optdefs[i].arg ? "=" : "",
			    optdefs[i].arg ? optdefs[i].arg : "");
		printf("  %-24s %s\n", left, optdefs[i].help);
	}
	printf("\nExit status: 0 all copied, 1 some file failed, 2 usage "
	    "error,\n128+N stopped by signal N (130 SIGINT, 143 SIGTERM).\n");
}

int
opts_parse_size(const char *s, off_t min, off_t max, off_t *out)
{
	static const char units[] = "KMGTPE";
	const char *u;
	char *end;
	uintmax_t v;
	int shift = 0;

	if (!isdigit((unsigned char)*s)) {
		errno = EINVAL;
		return -1;
	}
	errno = 0;
	v = strtoumax(s, &end, 10);
	if (errno == ERANGE)
		return -1;
	if (*end != '\0') {
		if ((u = strchr(units, toupper((unsigned char)*end))) == NULL ||
		    (end[1] != '\0' && strcmp(end + 1, "iB") != 0)) {
			errno = EINVAL;
			return -1;
		}
		shift = 10 * (int)(u - units + 1);
	}
	if (v > (uintmax_t)max >> shift || (off_t)(v << shift) < min) {
		errno = ERANGE;
		return -1;
	}
	*out = (off_t)(v << shift);
	return 0;
}

/* Report a bad SIZE argument for option name. */
static int
bad_size(const char *name, const char *arg)
{
	warnx("invalid %s '%s': %s", name, arg,
	    errno == ERANGE ? "out of range" : "expected a number with an "
	    "optional K, M, G or T suffix");
	return -1;
}

static int
set_jobs(struct opts *o, const char *arg)
{
	const char *errstr;

	o->jobs = (unsigned)strtonum(arg, 1, POOL_MAX, &errstr);
	if (errstr != NULL) {
		warnx("invalid number of jobs '%s': %s (1..%d)", arg, errstr,
		    POOL_MAX);
		return -1;
	}
	return 0;
}

static int
set_mode(struct opts *o, const char *arg)
{
	if (strcmp(arg, "pool") == 0)
		o->mode = POOL_MODE_POOL;
	else if (strcmp(arg, "fork") == 0)
		o->mode = POOL_MODE_FORK;
	else {
		warnx("invalid mode '%s': expected pool or fork", arg);
		return -1;
	}
	return 0;
}

static int
set_chunk(struct opts *o, const char *arg)
{
	if (opts_parse_size(arg, 1, INT64_MAX, &o->chunk) == -1)
		return bad_size("chunk size", arg);
	return 0;
}

static int
set_bufsz(struct opts *o, const char *arg)
{
	off_t v;

	if (opts_parse_size(arg, 1, OPTS_BUFSZ_MAX, &v) == -1)
		return bad_size("buffer size", arg);
	o->bufsz = (size_t)v;
	return 0;
}

static int
set_verbose(struct opts *o, const char *arg)
{
	(void)arg;
	o->verbose++;
	return 0;
}

static int
set_stats(struct opts *o, const char *arg)
{
	(void)arg;
	o->stats = true;
	return 0;
}

static void
defaults(struct opts *o)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	memset(o, 0, sizeof(*o));
	o->jobs = n < 1 ? 1 : n > POOL_MAX ? POOL_MAX : (unsigned)n;
	o->mode = POOL_MODE_POOL;
	o->bufsz = OPTS_BUFSZ_DEFAULT;
}

/* Build getopt_long's tables from optdefs. */
static void
getopt_tables(struct option *lopts, char *sopts)
{
	size_t i;

	for (i = 0; i < NOPTDEFS; i++) {
		lopts[i].name = optdefs[i].name;
		lopts[i].has_arg = optdefs[i].arg ? required_argument :
		    no_argument;
		lopts[i].flag = NULL;
		lopts[i].val = optdefs[i].val;
		if (optdefs[i].val < 256) {
			*sopts++ = (char)optdefs[i].val;
			if (optdefs[i].arg)
				*sopts++ = ':';
		}
	}
	memset(&lopts[i], 0, sizeof(lopts[i]));
	*sopts = '\0';
}

static enum opts_status
operands(struct opts *o, int argc, char **argv)
{
	o->paths = argv;
	o->npaths = argc;
	if (argc == 0) {
		warnx("missing file operand");
		return OPTS_USAGE;
	}
	if (argc == 1) {
		warnx("missing destination file operand after '%s'", argv[0]);
		return OPTS_USAGE;
	}
	return OPTS_OK;
}

enum opts_status
opts_parse(struct opts *o, int argc, char **argv)
{
	struct option lopts[NOPTDEFS + 1];
	char sopts[2 * NOPTDEFS + 2];
	size_t i;
	int ch;

	defaults(o);
	getopt_tables(lopts, sopts);
	optind = 0;		/* glibc: full re-initialisation */
	while ((ch = getopt_long(argc, argv, sopts, lopts, NULL)) != -1) {
		if (ch == 'h') {
			usage();
			return OPTS_DONE;
		}
		if (ch == OPT_VERSION) {
			printf("parcp %s\n", PACKAGE_VERSION);
			return OPTS_DONE;
		}
		for (i = 0; i < NOPTDEFS && optdefs[i].val != ch; i++)
			;
		if (i == NOPTDEFS || optdefs[i].set(o, optarg) == -1)
			return OPTS_USAGE;	/* getopt said why for '?' */
	}
	return operands(o, argc - optind, argv + optind);
}
