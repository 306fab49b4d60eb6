/* tests/test_config.c: the YAML machine description - a good file, and a
 * table of broken ones, each of which must give a message naming the file,
 * the line, the field and what is allowed. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "cli/config.h"
#include "monitor/vmm.h"

static char path[64];

static int write_file(const char *text)
{
	strcpy(path, "/tmp/discoflash-test-XXXXXX.yaml");
	int fd = mkstemps(path, 5);
	if (fd < 0)
		return -1;
	size_t n = strlen(text);
	int ok = write(fd, text, n) == (ssize_t)n;
	close(fd);
	return ok ? 0 : -1;
}

/* Loads yaml, which must be a good config, into *c. */
static void load_good(const char *yaml, cli_config *c)
{
	assert_int_equal(write_file(yaml), 0);
	char err[512] = "";
	cli_config_default(c);
	int rc = cli_config_load(c, path, err, sizeof(err));
	print_message("%s\n", err);
	assert_int_equal(rc, 0);
	unlink(path);
}

static void test_good(void **state)
{
	cli_config c;
	load_good("machine:\n"
		  "  nodes: 1\n"
		  "  cpus_per_node: 1\n"
		  "  memory_per_node: 128M\n"
		  "  clock_mhz: 250\n"
		  "  latency: {l2_hit_ns: 40, local_miss_ns: 200, remote_miss_ns: 700}\n"
		  "boot:\n"
		  "  kernel: vmlinux\n"
		  "  cmdline: \"console=ttyS0 root=/dev/vda\"\n"
		  "disks:\n"
		  "  - image: /abs/root.img\n"
		  "  - {image: data.img, readonly: true}\n"
		  "network: {devices: 2, backend: loopback}\n"
		  "console: {input: none, script: boot.script}\n"
		  "seed: 42\n",
		  &c);
	assert_int_equal(c.machine.ram_bytes, 128u << 20);
	assert_int_equal(c.machine.cpu_hz, 250000000u);
	assert_int_equal(c.remote_miss_ns, 700);
	assert_string_equal(c.kernel, "/tmp/vmlinux");
	assert_string_equal(c.machine.cmdline, "console=ttyS0 root=/dev/vda");
	assert_int_equal(c.machine.ndisks, 2);
	assert_string_equal(c.machine.disks[0].image, "/abs/root.img");
	assert_string_equal(c.machine.disks[1].image, "/tmp/data.img");
	assert_false(c.machine.disks[0].readonly);
	assert_true(c.machine.disks[1].readonly);
	assert_int_equal(c.machine.nnets, 2);
	assert_true(c.machine.net_loopback);
	assert_int_equal(c.input, CLI_INPUT_NONE);
	assert_string_equal(c.script, "/tmp/boot.script");
	assert_int_equal(c.seed, 42);
	cli_config_free(&c);
}

static void test_vms(void **state)
{
	(void)state;
	cli_config c;
	load_good("machine: {nodes: 8, memory_per_node: 32M}\n"
		  "vms:\n"
		  "  - name: web\n"
		  "    vcpus: 2\n"
		  "    memory: 64M\n"
		  "    nodes: [2, 3]\n"
		  "    kernel: vmlinux\n"
		  "    cmdline: \"console=ttyS0\"\n"
		  "    disks: [{image: web.img, readonly: true}]\n"
		  "    network_devices: 1\n"
		  "    console: web.log\n"
		  "  - {name: db, kernel: /k/vmlinux}\n"
		  "  - {name: sos, app: radix.sos, args: \"-n 64 -p 4\", memory_placement: "
		  "first-touch}\n",
		  &c);
	assert_int_equal(c.nvms, 3);
	assert_string_equal(c.vms[2].app, "/tmp/radix.sos");
	assert_string_equal(c.vms[2].args, "-n 64 -p 4");
	assert_int_equal(c.vms[2].placement, MON_PLACE_FIRST_TOUCH);
	assert_null(c.vms[2].kernel);
	assert_string_equal(c.vms[0].name, "web");
	assert_int_equal(c.vms[0].vcpus, 2);
	assert_int_equal(c.vms[0].memory, 64ull << 20);
	assert_int_equal(c.vms[0].nnodes, 2);
	assert_int_equal(c.vms[0].nodes[1], 3);
	assert_string_equal(c.vms[0].kernel, "/tmp/vmlinux");
	assert_int_equal(c.vms[0].ndisks, 1);
	assert_string_equal(c.vms[0].disk_images[0], "/tmp/web.img");
	assert_true(c.vms[0].disk_readonly[0]);
	assert_int_equal(c.vms[0].nets, 1);
	assert_string_equal(c.vms[0].console_file, "/tmp/web.log");
	/* defaults */
	assert_int_equal(c.vms[1].vcpus, 1);
	assert_int_equal(c.vms[1].memory, 32ull << 20);
	assert_int_equal(c.vms[1].nnodes, 0);
	assert_null(c.vms[1].console_file);
	assert_int_equal(c.vms[1].placement, MON_PLACE_DEFAULT);
	cli_config_free(&c);
}

typedef struct bad_case {
	const char *yaml;
	const char *where;   /* ":line:" expected in the message */
	const char *field;   /* the field named */
	const char *message; /* what is wrong / allowed */
} bad_case;

static const bad_case bad[] = {
	{"machine: [1, 2\n", ":2:", "not valid YAML", ""},
	{"machin:\n  nodes: 1\n", ":1:", "machin", "allowed here: machine, boot, disks"},
	{"machine:\n  memory_per_node: 64X\n", ":2:", "machine.memory_per_node", "not a size"},
	{"machine:\n  memory_per_node: 2G\n", ":2:", "machine.memory_per_node", "from 4M to 496M"},
	{"machine:\n  memory_per_node: 6000001\n", ":2:", "machine.memory_per_node",
	 "multiple of 4K"},
	{"machine:\n  nodes: 65\n", ":2:", "machine.nodes", "from 1 to 64"},
	{"vms:\n  - name: a\n", ":2:", "vms[0]", "either a kernel: FILE or an app: FILE"},
	{"vms:\n  - {kernel: k, app: a}\n", ":2:", "vms[0]", "either a kernel: FILE or an app"},
	{"vms:\n  - {app: a, cmdline: x}\n", ":2:", "vms[0]", "give its arguments as args:"},
	{"vms:\n  - {kernel: k, args: x}\n", ":2:", "vms[0]", "args: are for an app: VM"},
	{"vms:\n  - {app: a, memory_placement: spread}\n", ":2:", "vms[0].memory_placement",
	 "first-touch, interleave"},
	{"vms:\n  - {kernel: k, vcpus: 0}\n", ":2:", "vms[0].vcpus", "from 1 to 64"},
	{"vms:\n  - {kernel: k, memory: 1G}\n", ":2:", "vms[0].memory", "from 4M to 496M"},
	{"machine: {nodes: 2}\nvms:\n  - {kernel: k, nodes: [0, 2]}\n", ":3:", "vms[0].nodes[1]",
	 "node 2 does not exist"},
	{"vms:\n  - {kernel: k, name: x}\n  - {kernel: k, name: x}\n", ":3:", "vms[1]", "is taken"},
	{"vms:\n  - {kernel: k, colour: red}\n", ":2:", "vms[0].colour", "allowed here"},
	{"machine:\n  cpus_per_node: two\n", ":2:", "machine.cpus_per_node", "from 1 to 8"},
	{"machine:\n  memory_model: slow\n", ":2:", "machine.memory_model", "detailed, fast"},
	{"machine:\n  placement: [0, x]\n", ":2:", "machine.placement[1]", "whole number"},
	{"machine:\n  caches:\n    l2_size: 3M\n", ":3:", "machine.caches.l2_size", "power of two"},
	{"machine:\n  clock_mhz: 0\n", ":2:", "machine.clock_mhz", "from 1 to 4000"},
	{"machine:\n  latency:\n    far_ns: 3\n", ":3:", "machine.latency.far_ns",
	 "l2_hit_ns, local_miss_ns, remote_miss_ns"},
	{"machine: big\n", ":1:", "machine", "expected a mapping"},
	{"disks:\n  image: a.img\n", ":2:", "disks", "expected a list"},
	{"disks:\n  - readonly: true\n", ":2:", "disks[0]", "needs an image"},
	{"disks:\n  - image: a.img\n    readonly: maybe\n", ":3:", "disks[0].readonly",
	 "not true or false"},
	{"network:\n  backend: tap\n", ":2:", "network.backend", "not one of: none, loopback"},
	{"network:\n  devices: 1\n  backend: loopback\n", ":2:", "network", "joins two devices"},
	{"network:\n  devices: 9\n", ":2:", "network.devices", "from 0 to 4"},
	{"console:\n  input: keyboard\n", ":2:", "console.input", "not one of: stdin, none"},
	{"boot:\n  kernel: [a, b]\n", ":2:", "boot.kernel", "expected a single value"},
	{"seed: -1\n", ":1:", "seed", "not a whole number"},
	{"", "", "empty config file", ""},
};

static void test_bad(void **state)
{
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(write_file(bad[i].yaml), 0);
		cli_config c;
		char err[512] = "";
		cli_config_default(&c);
		int rc = cli_config_load(&c, path, err, sizeof(err));
		print_message("%s\n", err);
		assert_int_equal(rc, -1);
		assert_non_null(strstr(err, path));
		assert_non_null(strstr(err, bad[i].where));
		assert_non_null(strstr(err, bad[i].field));
		assert_non_null(strstr(err, bad[i].message));
		cli_config_free(&c);
		unlink(path);
	}
}

static void test_missing(void **state)
{
	cli_config c;
	char err[512];
	cli_config_default(&c);
	assert_int_equal(cli_config_load(&c, "/nonexistent/m.yaml", err, sizeof(err)), -1);
	assert_non_null(strstr(err, "/nonexistent/m.yaml: cannot open config"));
	cli_config_free(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good),
		cmocka_unit_test(test_vms),
		cmocka_unit_test(test_bad),
		cmocka_unit_test(test_missing),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
