/*
 * Reporting: --stats prints what was copied, how fast, by whom.  The
 * formatters are pure so that their edge cases are unit-tested.
 */
#include "config.h"

#include <stdio.h>

#include "report.h"

char *
report_iec(uint64_t bytes, char *buf, size_t len)
{
	static const char *units[] = { "KiB", "MiB", "GiB", "TiB", "PiB",
	    "EiB" };
	double v = (double)bytes;
	int u = -1;

	if (bytes < 1024) {
		(void)snprintf(buf, len, "%ju B", (uintmax_t)bytes);
		return buf;
	}
	while (v >= 1024 && u < 5) {
		v /= 1024;
		u++;
	}
	(void)snprintf(buf, len, "%.2f %s", v, units[u]);
	return buf;
}

void
report_stats(FILE *fp, const struct opts *o, const struct copy_stats *st,
    double seconds, double cpu)
{
	char size[32], rate[32];
	unsigned i;

	report_iec(st->bytes, size, sizeof(size));
	report_iec(seconds > 0 ? (uint64_t)((double)st->bytes / seconds) : 0,
	    rate, sizeof(rate));
	fprintf(fp, "copied %ju bytes (%s) in %.3f s, %s/s\n",
	    (uintmax_t)st->bytes, size, seconds, rate);
	fprintf(fp, "files %ju copied, %ju failed; %ju directories; %ju "
	    "tasks; jobs %u, mode %s; workers' cpu %.3f s\n",
	    (uintmax_t)st->files, (uintmax_t)st->failed,
	    (uintmax_t)st->dirs, (uintmax_t)st->ranges, o->jobs,
	    o->mode == POOL_MODE_FORK ? "fork" : "pool", cpu);
	for (i = 0; i < o->jobs; i++)
		if (st->lane_bytes[i] != 0)
			fprintf(fp, "worker %u: %ju bytes\n", i,
			    (uintmax_t)st->lane_bytes[i]);
}
