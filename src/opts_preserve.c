/*
 * The word-list options: --preserve and --no-preserve, --backup and -S.
 * Their words are matched by opts_words.c; these setters fill struct
 * opts.  Parent only.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "compat.h"
#include "opts.h"
#include "opts_preserve.h"
#include "opts_words.h"

/* --preserve and --no-preserve words, in cp's order. */
static const struct opts_word preserve_words[] = {
	{ "mode", PRESERVE_MODE }, { "timestamps", PRESERVE_TIMES },
	{ "ownership", PRESERVE_OWNER }, { "links", PRESERVE_LINKS },
	{ "context", PRESERVE_CONTEXT }, { "xattr", PRESERVE_XATTR },
	{ "all", PRESERVE_ALL },
};
#define NPRESERVE_WORDS	(sizeof(preserve_words) / sizeof(preserve_words[0]))

int
opts_parse_preserve(const char *s, unsigned *out)
{
	const char *bad;
	size_t len;

	return opts_word_list(preserve_words, NPRESERVE_WORDS, s, out, &bad,
	    &len);
}

/* The bits of a --preserve or --no-preserve list; -1 after saying why. */
static int
preserve_list(const char *opt, const char *arg, unsigned *bits)
{
	const char *bad;
	size_t len;
	int rv;

	if ((rv = opts_word_list(preserve_words, NPRESERVE_WORDS, arg, bits,
	    &bad, &len)) == 0)
		return 0;
	opts_word_bad(preserve_words, NPRESERVE_WORDS, rv, opt, bad, len);
	return -1;
}

int
opts_set_preserve(struct opts *o, const char *arg)
{
	unsigned bits;

	if (arg == NULL)
		arg = "mode,ownership,timestamps";
	if (preserve_list("--preserve", arg, &bits) == -1)
		return -1;
	o->preserve |= bits;
	if (bits & PRESERVE_MODE)
		o->default_mode = false;
	if (bits & PRESERVE_XATTR)
		o->xattr_quiet = false;	/* asked for by name: must work */
	return 0;
}

/*
 * --no-preserve=LIST clears what it names; "mode" also gives new files
 * the default mode rather than the source's bits (cp's rule), and
 * "context" takes back an earlier --preserve=context.
 */
int
opts_set_no_preserve(struct opts *o, const char *arg)
{
	unsigned bits;

	if (preserve_list("--no-preserve", arg, &bits) == -1)
		return -1;
	o->preserve &= ~bits;
	if (bits & PRESERVE_MODE)
		o->default_mode = true;
	return 0;
}

/* --backup=CONTROL and $VERSION_CONTROL words, in cp's order. */
static const struct opts_word backup_words[] = {
	{ "none", BACKUP_NONE }, { "off", BACKUP_NONE },
	{ "simple", BACKUP_SIMPLE }, { "never", BACKUP_SIMPLE },
	{ "existing", BACKUP_EXISTING }, { "nil", BACKUP_EXISTING },
	{ "numbered", BACKUP_NUMBERED }, { "t", BACKUP_NUMBERED },
};
#define NBACKUP_WORDS	(sizeof(backup_words) / sizeof(backup_words[0]))

/* -b and --backup[=CONTROL]: as cp, -b keeps an earlier CONTROL. */
int
opts_set_backup(struct opts *o, const char *arg)
{
	o->make_backups = true;
	if (arg != NULL)
		o->backup_control = arg;
	return 0;
}

int
opts_set_suffix(struct opts *o, const char *arg)
{
	o->make_backups = true;
	o->backup.suffix = arg;
	return 0;
}

/* The backup kind the words name; -1 after saying why not. */
static int
backup_kind(const char *what, const char *s)
{
	int v;

	if ((v = opts_word_match(backup_words, NBACKUP_WORDS, s,
	    strlen(s))) >= 0)
		return v;
	opts_word_bad(backup_words, NBACKUP_WORDS, v, what, s, strlen(s));
	return -1;
}

int
opts_backup_resolve(struct opts *o)
{
	const char *s = o->backup_control, *what = "backup type";
	int v = BACKUP_EXISTING;

	o->backup.kind = BACKUP_NONE;
	if (!o->make_backups)
		return 0;
	if (o->noclobber) {
		warnx("options --backup and --no-clobber are mutually "
		    "exclusive");
		return -1;
	}
	if (s == NULL || *s == '\0') {
		s = getenv("VERSION_CONTROL");
		what = "$VERSION_CONTROL";
	}
	if (s != NULL && *s != '\0' && (v = backup_kind(what, s)) == -1)
		return -1;
	o->backup.kind = (enum backup)v;
	/* A suffix that would put the backup elsewhere is not used. */
	if (o->backup.suffix == NULL)
		o->backup.suffix = getenv("SIMPLE_BACKUP_SUFFIX");
	if (o->backup.suffix == NULL || *o->backup.suffix == '\0' ||
	    strchr(o->backup.suffix, '/') != NULL)
		o->backup.suffix = "~";
	return 0;
}

/* --update=WHEN words (later coreutils' --update; 9.1's is bare). */
enum { UPDATE_ALL, UPDATE_NONE, UPDATE_OLDER };
static const struct opts_word update_words[] = {
	{ "all", UPDATE_ALL }, { "none", UPDATE_NONE },
	{ "older", UPDATE_OLDER },
};
#define NUPDATE_WORDS	(sizeof(update_words) / sizeof(update_words[0]))

/* --update[=WHEN]: older is -u, none is -n, all takes back -u. */
int
opts_set_update(struct opts *o, const char *arg)
{
	int v = UPDATE_OLDER;

	if (arg != NULL && (v = opts_word_match(update_words, NUPDATE_WORDS,
	    arg, strlen(arg))) < 0) {
		opts_word_bad(update_words, NUPDATE_WORDS, v, "--update", arg,
		    strlen(arg));
		return -1;
	}
	o->update = v == UPDATE_OLDER;
	if (v == UPDATE_NONE) {
		o->noclobber = true;
		o->interactive = false;
	}
	return 0;
}

/*
 * --context[=CTX], as cp without SELinux: bare, nothing to do; a CTX
 * cannot be set, said once, and the copy goes on.
 */
int
opts_set_context(struct opts *o, const char *arg)
{
	o->context_default = true;
	if (arg != NULL)
		warnx("warning: ignoring --context; it requires an "
		    "SELinux-enabled kernel");
	return 0;
}

/* --reflink=WHEN words, in cp's order. */
static const struct opts_word reflink_words[] = {
	{ "auto", REFLINK_AUTO }, { "always", REFLINK_ALWAYS },
	{ "never", REFLINK_NEVER },
};
#define NREFLINK_WORDS	(sizeof(reflink_words) / sizeof(reflink_words[0]))

/*
 * --reflink[=WHEN]: always (bare) is the reflink engine that fails where
 * a clone cannot be made, as cp's; auto, the auto engine (which clones
 * where the file system shares blocks); never, no clone even there.
 */
int
opts_set_reflink(struct opts *o, const char *arg)
{
	int v = REFLINK_ALWAYS;

	if (arg != NULL && (v = opts_word_match(reflink_words,
	    NREFLINK_WORDS, arg, strlen(arg))) < 0) {
		opts_word_bad(reflink_words, NREFLINK_WORDS, v, "--reflink",
		    arg, strlen(arg));
		return -1;
	}
	o->reflink = (enum reflink_when)v;
	if (v == REFLINK_ALWAYS)
		o->engine = ENGINE_REFLINK;
	else if (v == REFLINK_AUTO || o->engine == ENGINE_REFLINK)
		o->engine = ENGINE_AUTO;
	return 0;
}
