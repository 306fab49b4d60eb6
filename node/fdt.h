/* node/fdt.h: generates the flattened device tree that describes the
 * configured machine to the guest (libfdt), handed over by UHI. */
#ifndef NODE_FDT_H
#define NODE_FDT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define NODE_FDT_MAX_VIRTIO 8

typedef struct node_fdt_board {
	uint32_t ram_bytes;
	int ncpus;
	uint32_t cpu_hz;
	const char *bootargs;
	uint32_t uart_base;
	int uart_ip; /* CPU interrupt line (IP number) */
	int nvirtio;
	uint32_t virtio_base[NODE_FDT_MAX_VIRTIO];
	int virtio_ip[NODE_FDT_MAX_VIRTIO];
	uint32_t poweroff_base;
	uint32_t initrd_start, initrd_end; /* physical; equal: no initrd */
	uint32_t magic_base, magic_size;   /* the MAGIC blocks; size 0: none */
	bool monitor;			   /* a VM under the monitor (magic_regs.h) */
	uint32_t special_page;		   /* its special page's address, 0: none */
} node_fdt_board;

/* Writes the tree into buf. Returns its size, or a negative libfdt error
 * (FDT_ERR_NOSPACE when buf is too small). */
int node_fdt_build(const node_fdt_board *b, void *buf, size_t size);

#endif
