/*
 * Notices of work that is not a plain copy.  Workers never print: a
 * worker counts what --verify compared and repaired in its task's result
 * (struct engine_tally), and the parent, which knows the file's name,
 * says it here.  A repaired range is a sign of failing hardware (a bad
 * cable, RAM, a disk's cache): it is a warning even though the copy was
 * then right, and the exit status stays 0.  A stopped run's kept parts
 * are counted here too, from their journals, for main's one line.
 */
#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "compat.h"
#include "journal.h"
#include "notice.h"
#include "quote.h"
#include "report.h"

void
notice_tally(struct copy *c, uint32_t node, const struct engine_tally *t)
{
	const char *dst;

	c->st->verified += t->verified;
	if (t->repaired == 0)
		return;
	c->st->repaired += t->repaired;
	dst = copy_path(c, node, FLIST_DST);
	progress_clear(&c->pr);
	warnx("warning: %s: offset %jd, %jd bytes: read back different from "
	    "the source; copied again and verified", quote(dst),
	    (intmax_t)t->repair_off, (intmax_t)t->repair_len);
	/* XXX one task reports its first repair by place: a sparse file's
	 * extents in one task share one line */
	if (t->repaired > 1)
		warnx("warning: %s: %" PRIu32 " more ranges of it repaired",
		    quote(dst), t->repaired - 1);
}

/*
 * Is node's part kept?  Still held (the stop came while planning), or
 * finished as interrupted (its part and journal stay; any other failure
 * removed them).
 */
static bool
kept(const struct copy *c, uint32_t node)
{
	const struct node *n = &c->fl->v[node];

	if (!n->split)
		return false;
	if (c->held != NULL && c->held[node].fd != -1)
		return true;
	return n->state == NS_FAILED && n->fault.op == FAULT_INTR;
}

void
notice_kept(struct copy *c)
{
	uint64_t bytes;
	uint32_t i;

	for (i = 0; i < c->fl->n; i++) {
		if (!kept(c, i) || !part_kept(c, i, &bytes))
			continue;
		c->st->kept_files++;
		c->st->kept_bytes += bytes;
	}
}

/* arg as a shell reads it back: bare when it is plain, else quoted. */
static const char *
word(const char *arg)
{
	const char *safe = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	    "0123456789_@%+=:,./-";

	return arg[0] != '\0' && strspn(arg, safe) == strlen(arg) ? arg :
	    quote(arg);
}

/*
 * Would a rerun name other targets?  SOURCE DEST, SOURCE a directory and
 * DEST not one: this run made DEST the copy; a rerun, DEST now a
 * directory, would copy into DEST/SOURCE.  -T keeps the first naming.
 */
static bool
needs_no_target(const struct opts *o, const struct flist *fl)
{
	char dst[PATH_MAX];
	uint32_t i;

	if (o->no_target || o->target != NULL || o->parents ||
	    o->npaths != 2)
		return false;
	for (i = 0; i < fl->n; i++)
		if (fl->v[i].parent == NODE_NONE && fl->v[i].type == FT_DIR &&
		    !fl->v[i].path_dir && flist_path(fl, i, FLIST_DST, dst,
		    sizeof(dst)) != -1 && strcmp(dst, o->paths[1]) == 0)
			return true;
	return false;
}

/* The command that finishes the run: its own, with --resume (and -T). */
static void
put_command(FILE *fp, const struct opts *o, const struct flist *fl,
    char **argv)
{
	int i, nopts = (int)(o->paths - argv);
	bool dashes = nopts > 1 && strcmp(argv[nopts - 1], "--") == 0;

	/* XXX an option's argument "--" just before the operands (-S --)
	 * is taken for the end of the options */
	fprintf(fp, "%s", word(argv[0]));
	if (!o->resume)
		fprintf(fp, " --resume");
	for (i = 1; i < nopts - dashes; i++)
		fprintf(fp, " %s", word(argv[i]));
	if (needs_no_target(o, fl))
		fprintf(fp, " -T");
	for (i = 0; i < o->npaths && !dashes; i++)
		dashes = o->paths[i][0] == '-';
	if (dashes)
		fprintf(fp, " --");
	for (i = 0; i < o->npaths; i++)
		fprintf(fp, " %s", word(o->paths[i]));
}

void
notice_stopped(const struct opts *o, const struct flist *fl,
    const struct copy_stats *st, char **argv)
{
	char size[32];

	if (st->kept_files == 0)
		fprintf(stderr, "%s: interrupted: no partial work kept "
		    "(complete files are in place); to finish: ",
		    program_invocation_short_name);
	else
		fprintf(stderr, "%s: interrupted: kept %ju bytes (%s) of "
		    "partial work in %ju file%s for --resume; to finish: ",
		    program_invocation_short_name, (uintmax_t)st->kept_bytes,
		    report_iec(st->kept_bytes, size, sizeof(size)),
		    (uintmax_t)st->kept_files, st->kept_files == 1 ? "" : "s");
	put_command(stderr, o, fl, argv);
	fprintf(stderr, "\n");
}

void
notice_discarded(const struct copy_stats *st)
{
	char size[32];

	if (st->discarded == 0)
		return;
	warnx("discarded %ju bytes (%s) of partial work an interrupted run "
	    "had kept (--resume finishes it instead)",
	    (uintmax_t)st->discarded, report_iec(st->discarded, size,
	    sizeof(size)));
}
