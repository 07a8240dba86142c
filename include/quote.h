/*
 * File names quoted for messages the way GNU cp and ls quote them (ls
 * --quoting-style=shell-escape-always): a string a shell reads back as
 * the name, on one line, with no raw control character or escape sequence.
 */
#ifndef PARCP_QUOTE_H
#define PARCP_QUOTE_H

#include <stddef.h>

/*
 * NAME quoted as cp quotes it into buf (always NUL-terminated, cut with
 * "..." if it does not fit); returns buf.  Worker-safe: no output, no
 * allocation, no static state.  len 0 leaves buf untouched.
 */
char	*quote_into(char *buf, size_t len, const char *name);
/*
 * NAME quoted, in one of 8 rotating static buffers of PATH_MAX*4+16 bytes
 * (so up to 8 quote() calls can be in one printf).  Parent only.
 */
const char *quote(const char *name);

#endif
