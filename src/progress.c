/*
 * The progress line.  The byte count comes from the workers' shared
 * counters (sampled by the pool every PROGRESS_TICK_MS), so it moves while
 * one huge file is copied; the rate is smoothed over about two seconds so
 * the ETA does not jump.
 */
#include "config.h"

#include <sys/ioctl.h>

#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "progress.h"
#include "report.h"

#define SMOOTH_S	2.0	/* rate averaging time constant */
#define PLAIN_EVERY_S	1.0	/* not a terminal: a line a second */
#define TTY_EVERY_S	0.1

static double
now(void)
{
	struct timespec ts;

	(void)clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int
columns(void)
{
	struct winsize ws;

	if (ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
		return ws.ws_col;
	return 80;
}

static void
eta(const struct progress_view *v, char *buf, size_t len)
{
	double s;

	if (v->rate <= 0 || v->bytes >= v->total) {
		(void)snprintf(buf, len, "ETA %s", v->bytes >= v->total ?
		    "0:00" : "--:--");
		return;
	}
	s = (double)(v->total - v->bytes) / v->rate;
	if (s >= 360000)
		(void)snprintf(buf, len, "ETA >99h");
	else if (s >= 3600)
		(void)snprintf(buf, len, "ETA %d:%02d:%02d", (int)s / 3600,
		    (int)s / 60 % 60, (int)s % 60);
	else
		(void)snprintf(buf, len, "ETA %d:%02d", (int)s / 60,
		    (int)s % 60);
}

/* m:ss, or h:mm:ss */
static void
clock_time(double s, const char *pre, const char *post, char *buf,
    size_t len)
{
	int t = s > 0 ? (int)s : 0;

	if (t >= 3600)
		(void)snprintf(buf, len, "%s%d:%02d:%02d%s", pre, t / 3600,
		    t / 60 % 60, t % 60, post);
	else
		(void)snprintf(buf, len, "%s%d:%02d%s", pre, t / 60, t % 60,
		    post);
}

enum { F_PCT, F_BAR, F_BYTES, F_RATE, F_ELAPSED, F_ETA, F_FILES, NF };

/* How long a field stays when the line is too wide: higher, longer. */
static const int keep[NF] = {
	[F_PCT] = 7, [F_BYTES] = 6, [F_RATE] = 5, [F_FILES] = 4, [F_ETA] = 3,
	[F_ELAPSED] = 2, [F_BAR] = 1
};

/* The width of the fields shown, with two spaces between them. */
static size_t
shown_width(char f[NF][64], const bool *on)
{
	size_t w = 0;
	int i, n = 0;

	for (i = 0; i < NF; i++)
		if (on[i]) {
			w += strlen(f[i]) + (n++ ? 2 : 0);
		}
	return w;
}

/* A bar of room columns ("[###   ]"), or nothing if it would be tiny. */
static void
bar(const struct progress_view *v, uint64_t bytes, size_t room, char *buf)
{
	size_t n, fill, i;

	buf[0] = '\0';
	if (!v->bar || room < 2 + 2 + 8)
		return;
	n = room - 2 - 2 < 40 ? room - 2 - 2 : 40;
	fill = v->total == 0 ? n : (size_t)((double)bytes * (double)n /
	    (double)v->total);
	buf[0] = '[';
	for (i = 0; i < n; i++)
		buf[1 + i] = i < fill ? '#' : '.';
	buf[1 + n] = ']';
	buf[2 + n] = '\0';
}

char *
progress_format(const struct progress_view *v, int width, char *buf,
    size_t len)
{
	char f[NF][64], a[32], b[32];
	bool on[NF], all;
	size_t max = width > 1 ? (size_t)width - 1 : 0, used;
	uint64_t bytes = v->bytes < v->total ? v->bytes : v->total;
	int i, drop;

	(void)snprintf(f[F_PCT], sizeof(f[0]), "%3d%%", v->total == 0 ? 100 :
	    (int)(bytes * 100 / v->total));
	(void)snprintf(f[F_BYTES], sizeof(f[0]), "%s / %s",
	    report_iec(bytes, a, sizeof(a)), report_iec(v->total, b,
	    sizeof(b)));
	(void)snprintf(f[F_RATE], sizeof(f[0]), "%s/s", report_iec(v->rate > 0 ?
	    (uint64_t)v->rate : 0, a, sizeof(a)));
	clock_time(v->elapsed, "", " elapsed", f[F_ELAPSED], sizeof(f[0]));
	eta(v, f[F_ETA], sizeof(f[0]));
	(void)snprintf(f[F_FILES], sizeof(f[0]), "files %ju/%ju, errors %ju",
	    (uintmax_t)v->files, (uintmax_t)v->nfiles,
	    (uintmax_t)v->errors);
	f[F_BAR][0] = '\0';
	for (i = 0; i < NF; i++)
		on[i] = i != F_BAR;
	/* the least important go until the line fits; the bar only takes
	 * the room left when everything else is shown */
	all = shown_width(f, on) <= max;
	while (shown_width(f, on) > max) {
		for (drop = -1, i = 0; i < NF; i++)
			if (on[i] && (drop == -1 || keep[i] < keep[drop]))
				drop = i;
		if (drop == F_PCT)
			break;
		on[drop] = false;
	}
	used = shown_width(f, on);
	if (all && used + 2 < max) {
		bar(v, bytes, max - used, f[F_BAR]);
		on[F_BAR] = f[F_BAR][0] != '\0';
	}
	buf[0] = '\0';
	for (i = 0, used = 0; i < NF; i++)
		if (on[i] && used + 2 + strlen(f[i]) < len &&
		    used + (used ? 2 : 0) + strlen(f[i]) <= max)
			used += (size_t)snprintf(buf + used, len - used,
			    "%s%s", used ? "  " : "", f[i]);
	return buf;
}

char *
progress_summary(const struct progress_view *v, int width, char *buf,
    size_t len)
{
	char size[32], rate[32], secs[32], files[64], errs[32], c[5][256];
	size_t max = width > 1 ? (size_t)width - 1 : 0;
	int i;

	(void)report_iec(v->bytes, size, sizeof(size));
	(void)report_iec(v->rate > 0 ? (uint64_t)v->rate : 0, rate,
	    sizeof(rate));
	(void)snprintf(secs, sizeof(secs), "%.2f s", v->elapsed);
	(void)snprintf(files, sizeof(files), ", %ju of %ju files",
	    (uintmax_t)v->files, (uintmax_t)v->nfiles);
	(void)snprintf(errs, sizeof(errs), ", %ju errors",
	    (uintmax_t)v->errors);
	/* the whole line, then with less and less */
	(void)snprintf(c[0], sizeof(c[0]), "parcp: %s in %s (%s/s)%s%s", size,
	    secs, rate, files, errs);
	(void)snprintf(c[1], sizeof(c[1]), "parcp: %s in %s (%s/s)%s", size,
	    secs, rate, files);
	(void)snprintf(c[2], sizeof(c[2]), "parcp: %s in %s", size, secs);
	(void)snprintf(c[3], sizeof(c[3]), "%s in %s", size, secs);
	(void)snprintf(c[4], sizeof(c[4]), "%s", size);
	for (i = 0; i < 4 && strlen(c[i]) > max; i++)
		;
	(void)snprintf(buf, len, "%.*s", (int)max, c[i]);
	return buf;
}

static struct progress_view
view(const struct progress *p)
{
	struct progress_view v = { p->bytes, p->total, p->files, p->nfiles,
	    p->errors, p->rate, p->last - p->start, p->tty };

	return v;
}

static void
draw(struct progress *p, bool final)
{
	struct progress_view v = view(p);
	char line[512];

	progress_format(&v, p->tty ? columns() : 256, line, sizeof(line));
	if (p->tty)
		fprintf(stderr, "\r%s\033[K%s", line, final ? "\n" : "");
	else
		fprintf(stderr, "%s\n", line);
	(void)fflush(stderr);
	p->drawn = p->last;
}

void
progress_start(struct progress *p, enum progress_when when, uint64_t total,
    uint64_t nfiles)
{
	/* files and errors may have counted already: planning fails some */
	p->bytes = p->last_bytes = 0;
	p->rate = 0;
	p->tty = isatty(STDERR_FILENO);
	p->on = when == PROGRESS_ALWAYS || (when == PROGRESS_AUTO && p->tty);
	p->total = total;
	p->nfiles = nfiles;
	p->start = p->last = p->drawn = now();
}

void
progress_update(struct progress *p, uint64_t bytes)
{
	double t = now(), dt = t - p->last, inst;

	if (!p->on || dt <= 0)
		return;
	if (bytes > p->bytes) {
		inst = (double)(bytes - p->last_bytes) / dt;
		p->rate = p->rate == 0 ? inst :
		    p->rate + (inst - p->rate) * (1 - exp(-dt / SMOOTH_S));
		p->bytes = bytes;
	}
	p->last_bytes = p->bytes;
	p->last = t;
	if (t - p->drawn >= (p->tty ? TTY_EVERY_S : PLAIN_EVERY_S))
		draw(p, false);
}

void
progress_clear(struct progress *p)
{
	if (p->on && p->tty)
		fprintf(stderr, "\r\033[K");
}

void
progress_end(struct progress *p, bool complete)
{
	struct progress_view v;
	char line[512];
	double s;

	if (!p->on)
		return;
	p->last = now();
	s = p->last - p->start;
	if (complete)
		p->bytes = p->total;	/* all written (or kept: -n) */
	/* the last bar's rate is the run's, as the summary says */
	p->rate = s > 0 ? (double)p->bytes / s : 0;
	draw(p, true);
	v = view(p);
	fprintf(stderr, "%s\n", progress_summary(&v, p->tty ? columns() : 512,
	    line, sizeof(line)));
	(void)fflush(stderr);
}
