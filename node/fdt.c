/* node/fdt.c: the device tree of the configured machine (see node/fdt.h).
 *
 * What Linux's MIPS_GENERIC kernel needs from it (shared/reference/linux):
 * memory at 0, the CPU clock (the Count rate is half of it), the CPU's own
 * interrupt controller with IP2..IP6 for devices and IP7 for the timer, a
 * ns16550a UART, virtio-mmio slots (every slot in the tree must answer, so
 * only the slots that exist are listed), and a syscon-poweroff node over the
 * power-off register.
 */
#include "node/fdt.h"

#include <libfdt.h>
#include <stdio.h>

#define PHANDLE_CLK 1
#define PHANDLE_INTC 2
#define PHANDLE_SYSCON 3

#define TRY(x)                      \
	do {                        \
		int rc_ = (x);      \
		if (rc_ < 0)        \
			return rc_; \
	} while (0)

static int prop_cells(void *fdt, const char *name, const uint32_t *cells, int n)
{
	fdt32_t v[8];
	for (int i = 0; i < n; i++)
		v[i] = cpu_to_fdt32(cells[i]);
	return fdt_property(fdt, name, v, n * (int)sizeof(fdt32_t));
}

static int reg_node(void *fdt, const char *kind, uint32_t base, uint32_t size)
{
	char name[64];
	snprintf(name, sizeof(name), "%s@%x", kind, base);
	TRY(fdt_begin_node(fdt, name));
	uint32_t reg[2] = {base, size};
	return prop_cells(fdt, "reg", reg, 2);
}

int node_fdt_build(const node_fdt_board *b, void *buf, size_t size)
{
	void *fdt = buf;
	TRY(fdt_create(fdt, (int)size));
	TRY(fdt_finish_reservemap(fdt));
	TRY(fdt_begin_node(fdt, ""));
	TRY(fdt_property_u32(fdt, "#address-cells", 1));
	TRY(fdt_property_u32(fdt, "#size-cells", 1));
	TRY(fdt_property_string(fdt, "compatible", "discoflash,flash-node"));
	TRY(fdt_property_string(fdt, "model", "discoflash FLASH node (MIPS32r2)"));

	TRY(fdt_begin_node(fdt, "chosen"));
	TRY(fdt_property_string(fdt, "bootargs", b->bootargs ? b->bootargs : ""));
	TRY(fdt_property_string(fdt, "stdout-path", "serial0:115200n8"));
	if (b->initrd_end > b->initrd_start) {
		TRY(fdt_property_u32(fdt, "linux,initrd-start", b->initrd_start));
		TRY(fdt_property_u32(fdt, "linux,initrd-end", b->initrd_end));
	}
	TRY(fdt_end_node(fdt));

	TRY(fdt_begin_node(fdt, "aliases"));
	char uart_path[64];
	snprintf(uart_path, sizeof(uart_path), "/soc/serial@%x", b->uart_base);
	TRY(fdt_property_string(fdt, "serial0", uart_path));
	TRY(fdt_end_node(fdt));

	TRY(fdt_begin_node(fdt, "cpus"));
	TRY(fdt_property_u32(fdt, "#address-cells", 1));
	TRY(fdt_property_u32(fdt, "#size-cells", 0));
	for (int i = 0; i < b->ncpus; i++) {
		char name[32];
		snprintf(name, sizeof(name), "cpu@%d", i);
		TRY(fdt_begin_node(fdt, name));
		TRY(fdt_property_string(fdt, "device_type", "cpu"));
		TRY(fdt_property_string(fdt, "compatible", "mti,mips24KEc"));
		TRY(fdt_property_u32(fdt, "reg", (uint32_t)i));
		TRY(fdt_property_u32(fdt, "clocks", PHANDLE_CLK));
		TRY(fdt_end_node(fdt));
	}
	TRY(fdt_end_node(fdt));

	TRY(fdt_begin_node(fdt, "cpu-clock"));
	TRY(fdt_property_string(fdt, "compatible", "fixed-clock"));
	TRY(fdt_property_u32(fdt, "#clock-cells", 0));
	TRY(fdt_property_u32(fdt, "clock-frequency", b->cpu_hz));
	TRY(fdt_property_u32(fdt, "phandle", PHANDLE_CLK));
	TRY(fdt_end_node(fdt));

	TRY(reg_node(fdt, "memory", 0, b->ram_bytes));
	TRY(fdt_property_string(fdt, "device_type", "memory"));
	TRY(fdt_end_node(fdt));

	TRY(fdt_begin_node(fdt, "interrupt-controller"));
	TRY(fdt_property_string(fdt, "compatible", "mti,cpu-interrupt-controller"));
	TRY(fdt_property(fdt, "interrupt-controller", NULL, 0));
	TRY(fdt_property_u32(fdt, "#address-cells", 0));
	TRY(fdt_property_u32(fdt, "#interrupt-cells", 1));
	TRY(fdt_property_u32(fdt, "phandle", PHANDLE_INTC));
	TRY(fdt_end_node(fdt));

	TRY(fdt_begin_node(fdt, "soc"));
	TRY(fdt_property_string(fdt, "compatible", "simple-bus"));
	TRY(fdt_property_u32(fdt, "#address-cells", 1));
	TRY(fdt_property_u32(fdt, "#size-cells", 1));
	TRY(fdt_property(fdt, "ranges", NULL, 0));
	TRY(fdt_property_u32(fdt, "interrupt-parent", PHANDLE_INTC));

	TRY(reg_node(fdt, "serial", b->uart_base, 0x100));
	TRY(fdt_property_string(fdt, "compatible", "ns16550a"));
	TRY(fdt_property_u32(fdt, "reg-io-width", 1));
	TRY(fdt_property_u32(fdt, "reg-shift", 0));
	TRY(fdt_property_u32(fdt, "clock-frequency", 1843200));
	TRY(fdt_property_u32(fdt, "interrupts", (uint32_t)b->uart_ip));
	TRY(fdt_property(fdt, "no-loopback-test", NULL, 0));
	TRY(fdt_end_node(fdt));

	for (int i = 0; i < b->nvirtio; i++) {
		TRY(reg_node(fdt, "virtio", b->virtio_base[i], 0x200));
		TRY(fdt_property_string(fdt, "compatible", "virtio,mmio"));
		TRY(fdt_property_u32(fdt, "interrupts", (uint32_t)b->virtio_ip[i]));
		TRY(fdt_end_node(fdt));
	}

	if (b->magic_size) {
		/* the per-node MAGIC blocks (node/magic_regs.h) */
		TRY(reg_node(fdt, "magic", b->magic_base, b->magic_size));
		TRY(fdt_property_string(fdt, "compatible", "discoflash,magic"));
		TRY(fdt_end_node(fdt));
	}

	if (b->monitor) {
		/* the monitor's calls and special page (node/magic_regs.h) */
		TRY(fdt_begin_node(fdt, "monitor"));
		TRY(fdt_property_string(fdt, "compatible", "discoflash,monitor"));
		if (b->special_page)
			TRY(fdt_property_u32(fdt, "special-page", b->special_page));
		TRY(fdt_end_node(fdt));
	}

	TRY(reg_node(fdt, "syscon", b->poweroff_base, 0x4));
	static const char syscon_compat[] = "discoflash,poweroff\0syscon";
	TRY(fdt_property(fdt, "compatible", syscon_compat, sizeof(syscon_compat)));
	TRY(fdt_property_u32(fdt, "phandle", PHANDLE_SYSCON));
	TRY(fdt_end_node(fdt));

	TRY(fdt_begin_node(fdt, "poweroff"));
	TRY(fdt_property_string(fdt, "compatible", "syscon-poweroff"));
	TRY(fdt_property_u32(fdt, "regmap", PHANDLE_SYSCON));
	TRY(fdt_property_u32(fdt, "offset", 0));
	/* syscon-poweroff does a read-modify-write and skips the write when
	 * nothing changes: the register reads 0, so write 0x100, whose low
	 * byte (the exit status) is 0. */
	TRY(fdt_property_u32(fdt, "value", 0x100));
	TRY(fdt_end_node(fdt));

	TRY(fdt_end_node(fdt)); /* soc */
	TRY(fdt_end_node(fdt)); /* root */
	TRY(fdt_finish(fdt));
	return (int)fdt_totalsize(fdt);
}
