/*
 * The end-of-run summary (--stats) and its pure formatters.
 */
#ifndef PARCP_REPORT_H
#define PARCP_REPORT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "copy.h"
#include "opts.h"

/* Format bytes in IEC units ("1.50 GiB", "512 B") into buf; returns buf. */
char	*report_iec(uint64_t bytes, char *buf, size_t len);
/* Print the --stats summary to fp.  seconds: wall; cpu: workers' user+sys. */
void	 report_stats(FILE *fp, const struct opts *, const struct copy_stats *,
	    double seconds, double cpu);

/* What the run was, besides its counts. */
struct report_run {
	double		 seconds;	/* wall */
	double		 cpu;		/* workers' user + sys */
	int		 status;	/* the exit status */
	const struct flist_error *walk_errors;	/* before the copy's */
	size_t		 nwalk_errors;
};

/* Print the --json object to fp (field names are stable: man parcp). */
void	 report_json(FILE *fp, const struct opts *, const struct copy_stats *,
	    const struct report_run *);
/* s as a JSON string: escaped; bytes that are not UTF-8 as \u00XX. */
void	 report_json_str(FILE *fp, const char *s);
/* Length of the valid UTF-8 sequence at p, or 0 if it is not one. */
size_t	 report_utf8_len(const unsigned char *p);

/* --version: the version, then what this build has (libraries, engines,
 * executors), one "name: value" line each, for bug reports. */
void	report_version(FILE *);

#endif
