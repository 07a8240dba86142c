/*
 * The manifest lists files in walk order (parents first), one line each:
 * 32 hex digits of the canonical XXH128, two spaces, the destination path
 * as parcp built it (relative paths stay relative to where parcp ran).
 */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "compat.h"
#include "dest.h"
#include "manifest.h"
#include "util.h"

void
manifest_init(struct manifest *m, size_t nodes)
{
	m->n = nodes;
	m->hash = xcalloc(nodes ? nodes : 1, sizeof(*m->hash));
	m->has = xcalloc(nodes ? nodes : 1, 1);
}

void
manifest_set(struct manifest *m, uint32_t node, const unsigned char *hash)
{
	size_t n;

	if (m->hash == NULL)
		return;
	if (node >= m->n) {		/* a streamed archive's members */
		for (n = m->n ? m->n : 1; n <= node; n *= 2)
			;
		m->hash = xreallocarray(m->hash, n, sizeof(*m->hash));
		m->has = xreallocarray(m->has, n, 1);
		memset(m->has + m->n, 0, n - m->n);
		m->n = n;
	}
	memcpy(m->hash[node], hash, VERIFY_HASHLEN);
	m->has[node] = 1;
}

void
manifest_copy(struct manifest *m, uint32_t node, uint32_t from)
{
	if (m->hash != NULL && from < m->n && m->has[from])
		manifest_set(m, node, m->hash[from]);
}

/* One line per hashed node; 1 if a name had to be left out. */
static int
lines(const struct manifest *m, manifest_name_cb *name, const void *arg,
    FILE *fp)
{
	char path[PATH_MAX];
	int rv = 0, i, n;
	size_t node;

	for (node = 0; node < m->n; node++) {
		path[0] = '\0';
		if (!m->has[node] || (n = name(arg, (uint32_t)node, path,
		    sizeof(path))) == -1)
			continue;
		if (n < 0 || (size_t)n >= sizeof(path)) {
			path[sizeof(path) - 1] = '\0';
			warnx("%.64s...: not in the manifest: its path is "
			    "longer than %d bytes", path, PATH_MAX - 1);
			rv = 1;
			continue;
		}
		if (strchr(path, '\n') != NULL) {
			warnx("%s: not in the manifest: xxhsum cannot read a "
			    "name with a newline", path);
			rv = 1;
			continue;
		}
		for (i = 0; i < VERIFY_HASHLEN; i++)
			fprintf(fp, "%02x", m->hash[node][i]);
		fprintf(fp, "  %s\n", path);
	}
	return rv;
}

/* flist_path fails only when the path does not fit. */
static int
flist_name_cb(const void *fl, uint32_t node, char *buf, size_t len)
{
	int n = flist_path(fl, node, FLIST_DST, buf, len);

	return n == -1 ? (int)len : n;
}

int
manifest_write(const struct manifest *m, const struct flist *fl,
    const char *path)
{
	return manifest_write_with(m, flist_name_cb, fl, path);
}

int
manifest_write_with(const struct manifest *m, manifest_name_cb *name,
    const void *arg, const char *path)
{
	char tmp[PATH_MAX];
	FILE *fp = NULL;
	int rv;

	if (dest_tmpname(path, getpid(), 0, tmp, sizeof(tmp)) == -1 ||
	    (fp = fopen(tmp, "wx")) == NULL) {
		warn("%s", path);
		return -1;
	}
	rv = lines(m, name, arg, fp);
	if (ferror(fp) | (fclose(fp) == EOF) || rename(tmp, path) == -1) {
		warn("%s", path);
		(void)unlink(tmp);
		return -1;
	}
	return rv;
}

void
manifest_free(struct manifest *m)
{
	free(m->hash);
	free(m->has);
	memset(m, 0, sizeof(*m));
}
