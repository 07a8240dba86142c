/*
 * Reporting: --stats prints what was copied, how fast, by whom.  The
 * formatters are pure so that their edge cases are unit-tested.
 */
#include "config.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <xxhash.h>

#include "engine.h"
#include "tune.h"
#include "fault.h"
#include "report.h"
#include "tar.h"

/* The executor's name, as --mode spells it. */
static const char *
mode_name(enum exec_mode mode)
{
	return mode == EXEC_FORK ? "fork" : mode == EXEC_MPI ? "mpi" : "pool";
}


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
	    mode_name(o->mode), cpu);
	if (o->verify)
		fprintf(fp, "verified %ju bytes; repaired %ju range%s (read "
		    "back different, copied again)\n", (uintmax_t)st->verified,
		    (uintmax_t)st->repaired, st->repaired == 1 ? "" : "s");
	for (i = 0; i < o->jobs; i++)
		if (st->lane_bytes[i] != 0)
			fprintf(fp, "worker %u: %ju bytes\n", i,
			    (uintmax_t)st->lane_bytes[i]);
}

void
report_json_str(FILE *fp, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n;

	fputc('"', fp);
	for (; *p != '\0'; p += n) {
		n = report_utf8_len(p);
		if (*p == '"' || *p == '\\')
			fprintf(fp, "\\%c", *p);
		else if (*p < 0x20 || n == 0) {
			/* control bytes, and bytes that are not UTF-8: as
			 * the code point of the byte (lossless for ASCII) */
			fprintf(fp, "\\u%04x", *p);
			n = 1;
		} else
			(void)fwrite(p, 1, n, fp);
	}
	fputc('"', fp);
}

size_t
report_utf8_len(const unsigned char *p)
{
	size_t n, i;

	if (p[0] < 0x80)
		return 1;
	if (p[0] >= 0xc2 && p[0] <= 0xdf)
		n = 2;
	else if (p[0] >= 0xe0 && p[0] <= 0xef)
		n = 3;
	else if (p[0] >= 0xf0 && p[0] <= 0xf4)
		n = 4;
	else
		return 0;
	for (i = 1; i < n; i++)
		if ((p[i] & 0xc0) != 0x80)
			return 0;
	/* overlong 3- and 4-byte forms, surrogates, past U+10FFFF */
	if ((p[0] == 0xe0 && p[1] < 0xa0) || (p[0] == 0xed && p[1] >= 0xa0) ||
	    (p[0] == 0xf0 && p[1] < 0x90) || (p[0] == 0xf4 && p[1] >= 0x90))
		return 0;
	return n;
}

static void
json_error(FILE *fp, bool first, const char *path, const char *op,
    const char *reason)
{
	fprintf(fp, "%s\n    {\"path\": ", first ? "" : ",");
	report_json_str(fp, path);
	fprintf(fp, ", \"operation\": ");
	report_json_str(fp, op);
	fprintf(fp, ", \"error\": ");
	report_json_str(fp, reason);
	fprintf(fp, "}");
}

/* The walk's errors (a directory not opened...), then the copy's. */
static void
json_errors(FILE *fp, const struct copy_stats *st,
    const struct report_run *run)
{
	size_t i;

	fprintf(fp, "  \"errors\": [");
	for (i = 0; i < run->nwalk_errors; i++)
		json_error(fp, i == 0, run->walk_errors[i].path,
		    run->walk_errors[i].op, run->walk_errors[i].err == 0 ?
		    "see its message" : strerror(run->walk_errors[i].err));
	for (i = 0; i < st->nerrors; i++)
		json_error(fp, i + run->nwalk_errors == 0, st->errors[i].path,
		    fault_str(st->errors[i].fault.op),
		    fault_reason(&st->errors[i].fault));
	fprintf(fp, "%s]\n", st->nerrors + run->nwalk_errors ? "\n  " : "");
}

/* --dry-run: what the copy would have done. */
static void
json_would(FILE *fp, const struct copy_stats *st)
{
	size_t i;

	fprintf(fp, "  \"dry_run\": true,\n  \"would\": [");
	for (i = 0; i < st->nwould; i++) {
		fprintf(fp, "%s\n    {\"action\": ", i ? "," : "");
		report_json_str(fp, st->would[i].action);
		fprintf(fp, ", \"source\": ");
		report_json_str(fp, st->would[i].src);
		fprintf(fp, ", \"destination\": ");
		report_json_str(fp, st->would[i].dst);
		fprintf(fp, ", \"bytes\": %ju}", (uintmax_t)st->would[i].bytes);
	}
	fprintf(fp, "%s],\n", st->nwould ? "\n  " : "");
}

static void
json_strings(FILE *fp, const char *key, char **v, int n)
{
	int i;

	fprintf(fp, "  \"%s\": [", key);
	for (i = 0; i < n; i++) {
		fprintf(fp, "%s", i ? ", " : "");
		report_json_str(fp, v[i]);
	}
	fprintf(fp, "],\n");
}

static void
json_engines(FILE *fp, unsigned used)
{
	int k, first = 1;

	fprintf(fp, "  \"engines_used\": [");
	for (k = 1; k < ENGINE_NKINDS; k++)
		if (used & (1u << k)) {
			fprintf(fp, "%s\"%s\"", first ? "" : ", ",
			    engine_name(k));
			first = 0;
		}
	fprintf(fp, "],\n");
}

void
report_json(FILE *fp, const struct opts *o, const struct copy_stats *st,
    const struct report_run *run)
{
	char *archive[1] = { (char *)o->tar_path };
	unsigned i;
	int nsrc = o->target != NULL || o->tar == TAR_CREATE ? o->npaths :
	    o->npaths - 1;

	fprintf(fp, "{\n  \"version\": \"%s\",\n", PACKAGE_VERSION);
	if (o->tar == TAR_EXTRACT)
		json_strings(fp, "sources", archive, 1);
	else
		json_strings(fp, "sources", o->paths, nsrc);
	fprintf(fp, "  \"destination\": ");
	report_json_str(fp, o->tar == TAR_CREATE ? o->tar_path :
	    o->target != NULL ? o->target : o->paths[o->npaths - 1]);
	fprintf(fp, ",\n  \"exit_status\": %d,\n", run->status);
	fprintf(fp, "  \"bytes\": %ju,\n  \"bytes_written\": %ju,\n"
	    "  \"resumed_bytes\": %ju,\n", (uintmax_t)st->bytes,
	    (uintmax_t)st->written, (uintmax_t)st->resumed);
	fprintf(fp, "  \"files\": %ju,\n  \"files_skipped\": %ju,\n"
	    "  \"files_failed\": %ju,\n  \"directories\": %ju,\n",
	    (uintmax_t)st->files, (uintmax_t)st->skipped,
	    (uintmax_t)st->failed, (uintmax_t)st->dirs);
	fprintf(fp, "  \"seconds\": %.6f,\n  \"throughput_bytes_per_s\": "
	    "%.0f,\n  \"cpu_seconds\": %.6f,\n", run->seconds,
	    run->seconds > 0 ? (double)st->written / run->seconds : 0.0,
	    run->cpu);
	fprintf(fp, "  \"jobs\": %u,\n  \"mode\": \"%s\",\n  \"engine\": "
	    "\"%s\",\n", o->jobs, mode_name(o->mode),
	    engine_name(o->engine));
	fprintf(fp, "  \"split\": %s,\n  \"destination_kind\": \"%s\",\n",
	    o->split == SPLIT_NEVER ? "false" : "true",
	    tune_kind_name((enum fs_kind)o->dest_kind));
	json_engines(fp, st->engines);
	fprintf(fp, "  \"chunk_size\": %jd,\n  \"buffer_size\": %zu,\n"
	    "  \"tasks\": %ju,\n  \"verified\": %s,\n", (intmax_t)st->chunk,
	    o->bufsz, (uintmax_t)st->ranges, o->verify ? "true" : "false");
	fprintf(fp, "  \"verified_bytes\": %ju,\n  \"repaired_ranges\": %ju,\n",
	    (uintmax_t)st->verified, (uintmax_t)st->repaired);
	fprintf(fp, "  \"kept_files\": %ju,\n  \"kept_bytes\": %ju,\n"
	    "  \"discarded_bytes\": %ju,\n", (uintmax_t)st->kept_files,
	    (uintmax_t)st->kept_bytes, (uintmax_t)st->discarded);
	fprintf(fp, "  \"worker_bytes\": [");
	for (i = 0; i < o->jobs; i++)
		fprintf(fp, "%s%ju", i ? ", " : "",
		    (uintmax_t)st->lane_bytes[i]);
	fprintf(fp, "],\n");
	if (o->dry_run)
		json_would(fp, st);
	json_errors(fp, st, run);
	fprintf(fp, "}\n");
}

void
report_version(FILE *fp)
{
	unsigned x = XXH_versionNumber();
	int k;

	fprintf(fp, "parcp %s\n", PACKAGE_VERSION);
	fprintf(fp, "libarchive: %s\n", tar_lib_version());
	fprintf(fp, "xxhash: %u.%u.%u\n", x / 10000, x / 100 % 100, x % 100);
	fprintf(fp, "engines:");
	for (k = ENGINE_AUTO; k < ENGINE_NKINDS; k++)
		fprintf(fp, " %s", engine_name(k));
	fprintf(fp, "\nexecutors: pool fork\n");
	fprintf(fp, "path resolution: openat2 (RESOLVE_BENEATH), O_NOFOLLOW "
	    "walk\n");
	fprintf(fp, "report bugs to: %s\n", PACKAGE_BUGREPORT);
}
