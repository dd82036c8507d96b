/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The kernel log (/dev/kmsg) for tests that expect a message from a
 * check they trigger: open it after what was logged so far, trigger, then
 * look for the message among the records logged since.
 */
#ifndef VBR_KMSG_H
#define VBR_KMSG_H

/* /dev/kmsg, positioned after the last record: an fd, or -1 with errno. */
int kmsg_open(void);
/*
 * How many records logged since kmsg_open() hold @text (each printed as
 * "kernel log: MESSAGE"), or -1 with errno; closes @fd either way.
 */
int kmsg_logged(int fd, const char *text);

#endif /* VBR_KMSG_H */
