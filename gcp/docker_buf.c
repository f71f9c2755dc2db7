/*
 * A growing shell command, shared by the docker command builders of gcp/:
 * words are appended, values always through sh_quote().
 */

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gcp/docker.h"
#include "gcp/docker_private.h"
#include "tui/xmalloc.h"

void
docker_buf_add(struct docker_buf *b, const char *s)
{
	size_t	len = strlen(s);

	if (b->len + len + 1 > b->size) {
		b->size = (b->len + len + 1) * 2;
		b->s = xrealloc(b->s, b->size);
	}
	memcpy(b->s + b->len, s, len + 1);
	b->len += len;
}

void
docker_buf_addq(struct docker_buf *b, const char *value)
{
	char	*q = sh_quote(value);

	docker_buf_add(b, " ");
	docker_buf_add(b, q);
	free(q);
}

void
docker_buf_addf(struct docker_buf *b, const char *flag, const char *fmt, ...)
{
	va_list	 ap;
	char	*value;

	va_start(ap, fmt);
	if (vasprintf(&value, fmt, ap) == -1)
		abort();
	va_end(ap);
	docker_buf_add(b, " ");
	docker_buf_add(b, flag);
	docker_buf_addq(b, value);
	free(value);
}
