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

#include <inttypes.h>
#include <limits.h>
#include <stdio.h>

#include "compat.h"
#include "journal.h"
#include "notice.h"
#include "quote.h"

void
notice_tally(struct copy *c, uint32_t node, const struct engine_tally *t)
{
	struct fault f;

	c->st->verified += t->verified;
	if (t->repaired == 0)
		return;
	c->st->repaired += t->repaired;
	if (copy_paths(c, node, &f) == -1)
		return;
	progress_clear(&c->pr);
	warnx("warning: %s: offset %jd, %jd bytes: read back different from "
	    "the source; copied again and verified", quote(c->dst),
	    (intmax_t)t->repair_off, (intmax_t)t->repair_len);
	/* XXX one task reports its first repair by place: a sparse file's
	 * extents in one task share one line */
	if (t->repaired > 1)
		warnx("warning: %s: %" PRIu32 " more ranges of it repaired",
		    quote(c->dst), t->repaired - 1);
}

void
notice_kept(struct copy *c)
{
	struct fault f;
	uint32_t i;

	for (i = 0; c->held != NULL && i < c->fl->n; i++) {
		if (c->held[i].fd == -1 || copy_paths(c, i, &f) == -1)
			continue;
		c->st->kept_files++;
		c->st->kept_bytes += journal_kept(c->jnl);
	}
}
