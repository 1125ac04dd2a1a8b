/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef FP_WORKER_H
#define FP_WORKER_H

/* The run-to-completion poll loop of one lcore (lcore_function_t). On the
 * main lcore (--main-polls) it also runs the housekeeping. */
int fp_worker_main(void *arg);

/* The main lcore's loop when it does not poll: housekeeping until quit. */
void fp_control_loop(void);

#endif /* FP_WORKER_H */
