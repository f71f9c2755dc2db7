/*
 * Quoted values for the shell commands that the docker command builders of
 * gcp/ grow in a strbuf: values always go through sh_quote().
 */

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/shquote.h"
#include "config/xmalloc.h"
#include "gcp/docker.h"
#include "gcp/docker_private.h"

void
docker_buf_addq(struct strbuf *b, const char *value)
{
	char	*q = sh_quote(value);

	strbuf_add(b, " ");
	strbuf_add(b, q);
	free(q);
}

void
docker_buf_addf(struct strbuf *b, const char *flag, const char *fmt, ...)
{
	va_list	 ap;
	char	*value;

	va_start(ap, fmt);
	value = xvasprintf(fmt, ap);
	va_end(ap);
	strbuf_add(b, " ");
	strbuf_add(b, flag);
	docker_buf_addq(b, value);
	free(value);
}
