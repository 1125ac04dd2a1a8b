/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef FP_NOTIFY_H
#define FP_NOTIFY_H

/*
 * systemd's readiness protocol (sd_notify(3)), without libsystemd: one
 * datagram to $NOTIFY_SOCKET. Under Type=notify the unit is "started"
 * only once fastpath says READY=1, after its ports are up and its lcores
 * poll; outside systemd ($NOTIFY_SOCKET unset) it does nothing.
 * 0, or a negative errno (never fatal: the caller may log it).
 */
int fp_notify(const char *state);

#endif /* FP_NOTIFY_H */
