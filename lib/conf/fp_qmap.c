/* SPDX-License-Identifier: BSD-3-Clause */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fp_qmap.h"
#include "fp_util.h"

static const char *
skip_blank(const char *p)
{
	while (*p == ' ' || *p == '\t')
		p++;
	return p;
}

/* One unsigned number <= max at *pp; advances *pp. */
static int
take_uint(const char **pp, unsigned long max, unsigned long *out)
{
	const char *p = skip_blank(*pp);
	char *end;

	if (!isdigit((unsigned char)*p))
		return -EINVAL;
	errno = 0;
	*out = strtoul(p, &end, 10);
	if (errno != 0 || *out > max)
		return -ERANGE;
	*pp = skip_blank(end);
	return 0;
}

int
fp_qmap_parse(const char *s, struct fp_qmap *m, char *err, size_t errlen)
{
	static const char *const what[3] = { "port", "queue", "lcore" };
	static const unsigned long max[3] = {
		FP_MAX_PORTS - 1, FP_MAX_QUEUES - 1, FP_MAX_LCORES - 1 };
	const char *p = skip_blank(s);

	m->n = 0;
	if (*p == '\0')
		return fp_err(err, errlen, "empty; expected (port,queue,lcore),...");
	while (*p != '\0') {
		unsigned long v[3];
		int i, rc;

		if (m->n == FP_MAX_QMAP)
			return fp_err(err, errlen, "more than %d entries",
					FP_MAX_QMAP);
		if (*p != '(')
			return fp_err(err, errlen,
				"expected '(' at \"%s\"; format (port,queue,lcore),...",
				p);
		p++;
		for (i = 0; i < 3; i++) {
			rc = take_uint(&p, max[i], &v[i]);
			if (rc == -ERANGE)
				return fp_err(err, errlen,
					"%s out of range in entry %u (0..%lu)",
					what[i], m->n + 1, max[i]);
			if (rc != 0)
				return fp_err(err, errlen,
					"%s of entry %u is not a number; format (port,queue,lcore)",
					what[i], m->n + 1);
			if (*p != (i < 2 ? ',' : ')'))
				return fp_err(err, errlen,
					"expected '%c' after the %s of entry %u; format (port,queue,lcore)",
					i < 2 ? ',' : ')', what[i], m->n + 1);
			p++;
		}
		m->e[m->n].port = (uint16_t)v[0];
		m->e[m->n].queue = (uint16_t)v[1];
		m->e[m->n].lcore = (uint16_t)v[2];
		m->n++;
		p = skip_blank(p);
		if (*p == ',') {
			p = skip_blank(p + 1);
			if (*p == '\0')
				return fp_err(err, errlen,
					"trailing ',' after entry %u", m->n);
		} else if (*p != '\0')
			return fp_err(err, errlen,
				"expected ',' between entries at \"%s\"", p);
	}
	return 0;
}

static int
port_index(const struct fp_qmap_env *env, uint16_t port)
{
	unsigned int i;

	for (i = 0; i < env->nb_ports; i++)
		if (env->ports[i] == port)
			return (int)i;
	return -1;
}

static bool
lcore_polls(const struct fp_qmap_env *env, unsigned int lc)
{
	return lc < FP_MAX_LCORES && env->lcore_enabled[lc] &&
		(lc != env->main_lcore || env->main_polls);
}

unsigned int
fp_qmap_polling_lcores(const struct fp_qmap_env *env, uint16_t *lcores,
		unsigned int max)
{
	unsigned int lc, n = 0;

	for (lc = 0; lc < FP_MAX_LCORES && n < max; lc++)
		if (lcore_polls(env, lc))
			lcores[n++] = (uint16_t)lc;
	return n;
}

int
fp_qmap_validate(const struct fp_qmap *m, const struct fp_qmap_env *env,
		uint16_t *nb_rxq, char *err, size_t errlen)
{
	unsigned int i, j;

	for (i = 0; i < env->nb_ports; i++)
		nb_rxq[i] = 0;
	for (i = 0; i < m->n; i++) {
		const struct fp_qmap_entry *e = &m->e[i];
		int pi = port_index(env, e->port);

		if (pi < 0)
			return fp_err(err, errlen,
				"(%u,%u,%u): port %u is not in use (%u port(s) in use)",
				e->port, e->queue, e->lcore, e->port,
				env->nb_ports);
		if (e->lcore >= FP_MAX_LCORES || !env->lcore_enabled[e->lcore])
			return fp_err(err, errlen,
				"(%u,%u,%u): lcore %u is not enabled in EAL (-l/--lcores)",
				e->port, e->queue, e->lcore, e->lcore);
		if (!lcore_polls(env, e->lcore))
			return fp_err(err, errlen,
				"(%u,%u,%u): lcore %u is the main lcore; add --main-polls to let it poll",
				e->port, e->queue, e->lcore, e->lcore);
		if (e->queue >= env->max_rxq[pi])
			return fp_err(err, errlen,
				"(%u,%u,%u): port %u has %u rx queue(s) (0..%u)",
				e->port, e->queue, e->lcore, e->port,
				env->max_rxq[pi], env->max_rxq[pi] - 1);
		for (j = 0; j < i; j++)
			if (m->e[j].port == e->port && m->e[j].queue == e->queue)
				return fp_err(err, errlen,
					"port %u queue %u is mapped twice (lcores %u and %u)",
					e->port, e->queue, m->e[j].lcore,
					e->lcore);
		if (e->queue + 1u > nb_rxq[pi])
			nb_rxq[pi] = e->queue + 1u;
	}
	for (i = 0; i < env->nb_ports; i++) {
		uint16_t q;

		if (nb_rxq[i] == 0)
			return fp_err(err, errlen,
				"port %u has no queue in the map", env->ports[i]);
		for (q = 0; q < nb_rxq[i]; q++) {
			for (j = 0; j < m->n; j++)
				if (m->e[j].port == env->ports[i] &&
						m->e[j].queue == q)
					break;
			if (j == m->n)
				return fp_err(err, errlen,
					"port %u queue %u is not mapped (queues 0..%u must all be)",
					env->ports[i], q, nb_rxq[i] - 1);
		}
	}
	return 0;
}

int
fp_qmap_auto(const struct fp_qmap_env *env, uint16_t rxq_req,
		struct fp_qmap *m, uint16_t *nb_rxq, char *err, size_t errlen)
{
	uint16_t lcores[FP_MAX_LCORES];
	unsigned int nl, i, next = 0;

	nl = fp_qmap_polling_lcores(env, lcores, FP_MAX_LCORES);
	if (nl == 0)
		return fp_err(err, errlen,
			"no lcore to poll: give EAL a worker lcore (-l 0,1) or use --main-polls");
	m->n = 0;
	for (i = 0; i < env->nb_ports; i++) {
		unsigned int q, want = rxq_req ? rxq_req : nl;

		if (rxq_req == 0 && want > env->max_rxq[i])
			want = env->max_rxq[i];   /* auto: what the device has */
		if (want > env->max_rxq[i])
			return fp_err(err, errlen,
				"port %u has %u rx queue(s); %u requested",
				env->ports[i], env->max_rxq[i], want);
		if (m->n + want > FP_MAX_QMAP)
			return fp_err(err, errlen, "more than %d queues in all",
					FP_MAX_QMAP);
		nb_rxq[i] = (uint16_t)want;
		for (q = 0; q < want; q++) {
			m->e[m->n].port = env->ports[i];
			m->e[m->n].queue = (uint16_t)q;
			m->e[m->n].lcore = lcores[next++ % nl];
			m->n++;
		}
	}
	return 0;
}

int
fp_qmap_format(const struct fp_qmap *m, char *buf, size_t len)
{
	size_t used = 0;
	unsigned int i;

	if (len > 0)
		buf[0] = '\0';
	for (i = 0; i < m->n; i++) {
		int w = snprintf(buf + used, len - used, "%s(%u,%u,%u)",
				i ? "," : "", m->e[i].port, m->e[i].queue,
				m->e[i].lcore);

		if (w < 0 || (size_t)w >= len - used)
			return -ENOSPC;
		used += (size_t)w;
	}
	return (int)used;
}
