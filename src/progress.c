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

char *
progress_format(const struct progress_view *v, int width, char *buf,
    size_t len)
{
	char f[5][64], a[32], b[32];
	size_t i, used;
	uint64_t bytes = v->bytes < v->total ? v->bytes : v->total;

	(void)snprintf(f[0], sizeof(f[0]), "%3d%%", v->total == 0 ? 100 :
	    (int)(bytes * 100 / v->total));
	(void)snprintf(f[1], sizeof(f[1]), "%s / %s",
	    report_iec(bytes, a, sizeof(a)), report_iec(v->total, b,
	    sizeof(b)));
	(void)snprintf(f[2], sizeof(f[2]), "%s/s", report_iec(v->rate > 0 ?
	    (uint64_t)v->rate : 0, a, sizeof(a)));
	eta(v, f[3], sizeof(f[3]));
	(void)snprintf(f[4], sizeof(f[4]), "files %ju/%ju, errors %ju",
	    (uintmax_t)v->files, (uintmax_t)v->nfiles,
	    (uintmax_t)v->errors);
	buf[0] = '\0';
	for (i = 0, used = 0; i < 5; i++) {
		/* fields in order of importance; the rest if they fit */
		if (used + (i ? 2 : 0) + strlen(f[i]) > (size_t)width - 1 ||
		    used + 2 + strlen(f[i]) >= len)
			break;
		used += (size_t)snprintf(buf + used, len - used, "%s%s",
		    i ? "  " : "", f[i]);
	}
	return buf;
}

static void
draw(struct progress *p, bool final)
{
	struct progress_view v = { p->bytes, p->total, p->files, p->nfiles,
	    p->errors, p->rate };
	char line[256];

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
	char size[32], rate[32];
	double s;

	if (!p->on)
		return;
	p->last = now();
	s = p->last - p->start;
	if (complete)
		p->bytes = p->total;	/* all written (or kept: -n) */
	draw(p, true);
	fprintf(stderr, "parcp: %s in %.2f s (%s/s), %ju of %ju files, "
	    "%ju errors\n", report_iec(p->bytes, size, sizeof(size)), s,
	    report_iec(s > 0 ? (uint64_t)((double)p->bytes / s) : 0, rate,
	    sizeof(rate)), (uintmax_t)p->files, (uintmax_t)p->nfiles,
	    (uintmax_t)p->errors);
	(void)fflush(stderr);
}
