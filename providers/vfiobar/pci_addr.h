/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * PCI addresses as libvfiobar reads them, for the tools that link the
 * internal vfiobar_core library (vfiobard) without the library's private
 * header.
 */
#ifndef VFIOBAR_PCI_ADDR_H
#define VFIOBAR_PCI_ADDR_H

#include <stdbool.h>
#include <stddef.h>

#define VFIOBAR_PCI_ADDR_LEN 13 /* "DDDD:BB:DD.F" */

/*
 * "DDDD:BB:DD.F" or "BB:DD.F" (domain 0) into the full form in @out:
 * true, or false if @s is not a PCI address.
 */
bool vfiobar_parse_pci_addr(const char *s, char *out, size_t len);

#endif /* VFIOBAR_PCI_ADDR_H */
