/*
 * Which URLs a request may carry a bearer token or a key to: https to any
 * host, plain http only to this machine, where the tests run their fake
 * Google.  One rule for every URL the user or a credentials file can set
 * (gcp.*_endpoint, token_uri), so a typo or a hostile file cannot send
 * the token over the network unencrypted.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "config/xmalloc.h"
#include "gcp/http.h"

char *
http_url_host(const char *url, int *https)
{
	const char	*p;
	size_t		 len;

	if (strncasecmp(url, "https://", 8) == 0) {
		*https = 1;
		p = url + 8;
	} else if (strncasecmp(url, "http://", 7) == 0) {
		*https = 0;
		p = url + 7;
	} else
		return NULL;
	len = strcspn(p, "/?#");
	if (len == 0 || memchr(p, '@', len) != NULL)
		return NULL;
	return xstrndup(p, len);
}

int
http_url_loopback(const char *host)
{
	size_t	len;

	if (strncmp(host, "[::1]", 5) == 0)
		return host[5] == '\0' || host[5] == ':';
	len = strcspn(host, ":");
	if (len == 9 && strncmp(host, "localhost", 9) == 0)
		return 1;
	return strncmp(host, "127.", 4) == 0 &&
	    strspn(host, "0123456789.") == len;
}

int
http_url_check(const char *url, const char *what, char **cause)
{
	char	*host;
	int	 https = 0, ok;

	host = http_url_host(url, &https);
	if (host == NULL) {
		*cause = xasprintf("%s: '%s' is not an https:// URL with a "
		    "host (and no user@)", what, url);
		return -1;
	}
	ok = https || http_url_loopback(host);
	free(host);
	if (!ok) {
		*cause = xasprintf("%s: plain http:// would send the access "
		    "token unencrypted; use https:// (http is only for a "
		    "server on this machine: 127.0.0.1, localhost, [::1])",
		    what);
		return -1;
	}
	return 0;
}
