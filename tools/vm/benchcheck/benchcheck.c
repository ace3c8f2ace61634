// SPDX-License-Identifier: GPL-2.0
/*
 * Bench self-test module: proves that the VM bench fails a run whose guest kernel log shows a
 * warning. Loaded with warn=1 it raises a WARN() from its init function; with warn=0 it only
 * logs a line. Never part of k4a.ko.
 */
#include <linux/bug.h>
#include <linux/module.h>
#include <linux/printk.h>

static bool warn;
module_param(warn, bool, 0444);
MODULE_PARM_DESC(warn, "raise a kernel warning at load time");

static int __init benchcheck_init(void)
{
	WARN(warn, "k4a_benchcheck: warning raised on request\n");
	pr_info("k4a_benchcheck: loaded (warn=%d)\n", warn);
	return 0;
}

static void __exit benchcheck_exit(void)
{
	pr_info("k4a_benchcheck: unloaded\n");
}

module_init(benchcheck_init);
module_exit(benchcheck_exit);
MODULE_DESCRIPTION("k4a VM bench self-test");
MODULE_LICENSE("GPL");
