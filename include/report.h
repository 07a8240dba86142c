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

#endif
