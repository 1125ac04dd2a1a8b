/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "fp_listen.h"
#include "fp_util.h"

const char *
fp_action_name(unsigned int a)
{
	switch (a) {
	case FP_ACT_COUNT: return "count";
	case FP_ACT_SEQ: return "seq";
	case FP_ACT_ECHO: return "echo";
	case FP_ACT_PLUGIN: return "plugin";
	case FP_ACT_RING: return "ring";
	default: return NULL;
	}
}

int
fp_listener_format(const struct fp_listener *l, char *buf, size_t len)
{
	char a[64];

	if (l->addr.family == FP_AF_NONE && l->wild == FP_AF_INET)
		return snprintf(buf, len, "0.0.0.0:%u", l->port);
	if (l->addr.family == FP_AF_NONE && l->v6any)
		return snprintf(buf, len, "[::]:%u", l->port);
	if (l->addr.family == FP_AF_NONE)
		return snprintf(buf, len, "*:%u", l->port);
	fp_ip_format(&l->addr, a, sizeof(a));
	if (l->addr.family == FP_AF_INET6)
		return snprintf(buf, len, "[%s]:%u", a, l->port);
	return snprintf(buf, len, "%s:%u", a, l->port);
}

/* Split "[ADDR:]PORT" into the listener's address and port. */
static int
parse_endpoint(const char *s, struct fp_listener *l, char *err, size_t errlen,
		const char *whole)
{
	char addr[64];
	const char *port = s;
	uint64_t v;

	memset(&l->addr, 0, sizeof(l->addr));
	if (s[0] == '[') {
		const char *end = strchr(s, ']');

		if (end == NULL || end[1] != ':' || (size_t)(end - s - 1) >= sizeof(addr))
			return fp_err(err, errlen,
				"--listen: '%s': expected [IPv6]:PORT", whole);
		memcpy(addr, s + 1, (size_t)(end - s - 1));
		addr[end - s - 1] = '\0';
		if (fp_ip_parse(addr, &l->addr, NULL) != 0 ||
				l->addr.family != FP_AF_INET6)
			return fp_err(err, errlen,
				"--listen: '%s': invalid IPv6 address '%s'", whole, addr);
		port = end + 2;
	} else if (strchr(s, ':') != NULL) {
		const char *colon = strchr(s, ':');

		if ((size_t)(colon - s) >= sizeof(addr))
			return fp_err(err, errlen, "--listen: '%s': address too long", whole);
		memcpy(addr, s, (size_t)(colon - s));
		addr[colon - s] = '\0';
		if (fp_ip_parse(addr, &l->addr, NULL) != 0 ||
				l->addr.family != FP_AF_INET)
			return fp_err(err, errlen,
				"--listen: '%s': invalid IPv4 address '%s' (IPv6 goes in brackets)",
				whole, addr);
		port = colon + 1;
	}
	if (fp_parse_u64(port, 1, 65535, &v) != 0)
		return fp_err(err, errlen,
			"--listen: '%s': invalid port '%s'; expected 1..65535", whole, port);
	l->port = (uint16_t)v;
	/* the unspecified addresses are a socket's wildcards: 0.0.0.0 any
	 * IPv4 address; [::] any (dual-stack) until v6only says IPv6 only */
	if (l->addr.family != FP_AF_NONE) {
		static const uint8_t zero[16];

		if (memcmp(l->addr.b, zero, l->addr.family == FP_AF_INET ? 4 : 16) == 0) {
			l->v6any = l->addr.family == FP_AF_INET6;
			l->wild = l->v6any ? 0 : FP_AF_INET;
			memset(&l->addr, 0, sizeof(l->addr));
		}
	}
	return 0;
}

static int
parse_seq_key(struct fp_listener *l, const char *key, const char *val,
		char *err, size_t errlen, const char *whole)
{
	uint64_t v;

	if (strcmp(key, "offset") == 0) {
		if (fp_parse_u64(val, 0, 65535 - 8, &v) != 0)
			return fp_err(err, errlen,
				"--listen: '%s': offset '%s' must be 0..65527", whole, val);
		l->seq_offset = (uint16_t)v;
	} else if (strcmp(key, "size") == 0) {
		if (strcmp(val, "4") != 0 && strcmp(val, "8") != 0)
			return fp_err(err, errlen,
				"--listen: '%s': size '%s' must be 4 or 8", whole, val);
		l->seq_size = (uint8_t)(val[0] - '0');
	} else if (strcmp(key, "order") == 0) {
		if (strcmp(val, "be") != 0 && strcmp(val, "le") != 0)
			return fp_err(err, errlen,
				"--listen: '%s': order '%s' must be be or le", whole, val);
		l->seq_le = val[0] == 'l';
	} else {
		return fp_err(err, errlen,
			"--listen: '%s': unknown key '%s' for seq (offset, size, order)",
			whole, key);
	}
	return 0;
}

/* path=FILE or arg=STRING of a plugin listener. */
static int
parse_plugin_key(struct fp_plugin_spec *spec, const char *k, const char *v,
		char *err, size_t errlen, const char *s)
{
	char *dst;
	size_t max;

	if (strcmp(k, "path") == 0) {
		dst = spec->path;
		max = sizeof(spec->path);
	} else if (strcmp(k, "arg") == 0) {
		dst = spec->arg;
		max = sizeof(spec->arg);
	} else {
		return fp_err(err, errlen,
			"--listen: '%s': unknown plugin option '%s'; expected path=FILE or arg=STRING",
			s, k);
	}
	if ((strcmp(k, "path") == 0 && v[0] == '\0') || strlen(v) >= max)
		return fp_err(err, errlen,
			"--listen: '%s': %s= must be 1 to %zu characters", s, k, max - 1);
	strcpy(dst, v);
	return 0;
}

/* name=NAME or size=N of a ring listener. */
static int
parse_ring_key(struct fp_plugin_spec *spec, const char *k, const char *v,
		char *err, size_t errlen, const char *s)
{
	uint64_t n;

	if (strcmp(k, "name") == 0) {
		size_t len = strlen(v);

		if (len == 0 || len > FP_RING_NAME_MAX ||
				strspn(v, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-") != len)
			return fp_err(err, errlen,
				"--listen: '%s': name= must be 1 to %d of [A-Za-z0-9_.-]",
				s, FP_RING_NAME_MAX);
		strcpy(spec->ring, v);
		return 0;
	}
	if (strcmp(k, "size") == 0) {
		if (fp_parse_u64(v, FP_RING_SIZE_MIN, FP_RING_SIZE_MAX, &n) != 0 ||
				(n & (n - 1)) != 0)
			return fp_err(err, errlen,
				"--listen: '%s': size= must be a power of two, %u to %u datagrams",
				s, FP_RING_SIZE_MIN, FP_RING_SIZE_MAX);
		spec->ring_size = (uint32_t)n;
		return 0;
	}
	return fp_err(err, errlen,
		"--listen: '%s': unknown ring option '%s'; expected name=NAME or size=N",
		s, k);
}

int
fp_listen_add(struct fp_listen_table *t, struct fp_local *local,
		const char *s, char *err, size_t errlen)
{
	struct fp_listener l;
	struct fp_plugin_spec spec;
	char buf[512], *eq, *act, *save = NULL, *kv;
	unsigned int i;
	int rc;

	if (strlen(s) >= sizeof(buf))
		return fp_err(err, errlen, "--listen: value longer than %zu characters",
				sizeof(buf) - 1);
	strcpy(buf, s);
	eq = strchr(buf, '=');
	if (eq == NULL)
		return fp_err(err, errlen,
			"--listen: '%s': expected [ADDR:]PORT=ACTION[,key=value...] with ACTION count, seq or echo",
			s);
	*eq = '\0';
	if (eq[1] != '\0' && !fp_list_ok(eq + 1))
		return fp_err(err, errlen,
			"--listen: '%s': empty item in '%s'; expected ACTION[,key=value...] with no empty item",
			s, eq + 1);
	memset(&l, 0, sizeof(l));
	l.seq_size = 4;
	rc = parse_endpoint(buf, &l, err, errlen, s);
	if (rc != 0)
		return rc;
	act = strtok_r(eq + 1, ",", &save);
	if (act == NULL)
		return fp_err(err, errlen,
			"--listen: '%s': missing action (count, seq, echo, plugin)", s);
	if (strcmp(act, "count") == 0)
		l.action = FP_ACT_COUNT;
	else if (strcmp(act, "seq") == 0)
		l.action = FP_ACT_SEQ;
	else if (strcmp(act, "echo") == 0)
		l.action = FP_ACT_ECHO;
	else if (strcmp(act, "plugin") == 0)
		l.action = FP_ACT_PLUGIN;
	else if (strcmp(act, "ring") == 0)
		l.action = FP_ACT_RING;
	else
		return fp_err(err, errlen,
			"--listen: '%s': unknown action '%s'; expected count, seq, echo, plugin or ring",
			s, act);
	memset(&spec, 0, sizeof(spec));
	spec.ring_size = FP_RING_SIZE_DEF;
	while ((kv = strtok_r(NULL, ",", &save)) != NULL) {
		char *v = strchr(kv, '=');

		/* IPV6_V6ONLY, for any action */
		if (strcmp(kv, "v6only") == 0) {
			if (!l.v6any)
				return fp_err(err, errlen,
					"--listen: '%s': v6only applies to [::] only", s);
			l.wild = FP_AF_INET6;
			continue;
		}
		if (l.action != FP_ACT_SEQ && l.action != FP_ACT_PLUGIN &&
				l.action != FP_ACT_RING)
			return fp_err(err, errlen,
				"--listen: '%s': action %s takes no options", s, act);
		if (v == NULL)
			return fp_err(err, errlen,
				"--listen: '%s': option '%s' is not key=value", s, kv);
		*v = '\0';
		if (l.action == FP_ACT_SEQ)
			rc = parse_seq_key(&l, kv, v + 1, err, errlen, s);
		else if (l.action == FP_ACT_RING)
			rc = parse_ring_key(&spec, kv, v + 1, err, errlen, s);
		else
			rc = parse_plugin_key(&spec, kv, v + 1, err, errlen, s);
		if (rc != 0)
			return rc;
	}
	if (l.action == FP_ACT_PLUGIN && spec.path[0] == '\0')
		return fp_err(err, errlen,
			"--listen: '%s': plugin needs path=FILE (a handler's shared object)", s);
	if (l.action == FP_ACT_RING && spec.ring[0] == '\0')
		return fp_err(err, errlen,
			"--listen: '%s': ring needs name=NAME (what consumers open)", s);
	for (i = 0; l.action == FP_ACT_RING && i < t->n; i++)
		if (t->l[i].action == FP_ACT_RING &&
				strcmp(t->plugin[i].ring, spec.ring) == 0)
			return fp_err(err, errlen,
				"--listen: '%s': a ring named %s exists (listener %u)",
				s, spec.ring, i);
	if (l.action == FP_ACT_ECHO && fp_ip_is_multicast(&l.addr) &&
			l.addr.family != FP_AF_NONE)
		return fp_err(err, errlen,
			"--listen: '%s': echo does not answer multicast", s);
	for (i = 0; i < t->n; i++)
		if (t->l[i].port == l.port &&
				memcmp(&t->l[i].addr, &l.addr, sizeof(l.addr)) == 0 &&
				(l.addr.family != FP_AF_NONE || t->l[i].wild == l.wild))
			return fp_err(err, errlen,
				"--listen: '%s': a listener on this address and port exists", s);
	if (t->n == FP_MAX_LISTENERS)
		return fp_err(err, errlen, "--listen: more than %d listeners",
				FP_MAX_LISTENERS);
	if (l.addr.family != FP_AF_NONE && fp_ip_is_multicast(&l.addr) &&
			fp_local_join(local, &l.addr) != 0)
		return fp_err(err, errlen, "--listen: more than %d multicast groups",
				FP_MAX_GROUPS);
	l.next = t->head[l.port] & ~FP_LISTEN_ONLY_WILD;
	l.id = (uint8_t)t->n;
	t->l[t->n] = l;
	t->plugin[t->n] = spec;
	t->head[l.port] = (uint8_t)(++t->n);
	if (l.next == 0 && l.addr.family == FP_AF_NONE && l.wild == 0)
		t->head[l.port] |= FP_LISTEN_ONLY_WILD;
	return 0;
}
