// SPDX-License-Identifier: GPL-2.0
/*
 * Debug-kernel self-test module: proves that the VM bench, on the debug kernel
 * (tools/vm/debug-kernel.sh), fails a run in which the kernel's checkers report a bug.
 * Loaded with bug=NAME it commits that bug in its init function:
 *   uaf    reads a kmalloc()ed object after kfree()         -> KASAN
 *   abba   takes two mutexes in both orders, one after the other (no actual deadlock)
 *                                                           -> lockdep
 *   sleep  a GFP_KERNEL allocation under a spinlock         -> might_sleep()
 *   leak   drops the only pointers to kmalloc()ed objects  -> kmemleak (at the next scan)
 *   none   nothing (the clean run)
 * Built only for the bench self-test; never part of k4a.ko.
 */
#include <linux/compiler.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/printk.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/string.h>

static char *bug = "none";
module_param(bug, charp, 0444);
MODULE_PARM_DESC(bug, "bug to commit at load time: none, uaf, abba, sleep or leak");

static DEFINE_MUTEX(debugcheck_a);
static DEFINE_MUTEX(debugcheck_b);
static DEFINE_SPINLOCK(debugcheck_lock);

static noinline int debugcheck_uaf(void)
{
	char *p = kmalloc(64, GFP_KERNEL);
	char c;

	if (!p)
		return -ENOMEM;
	p[0] = 'k';
	kfree(p);
	/* Hide the pointer from the compiler so that the read is not folded away. */
	OPTIMIZER_HIDE_VAR(p);
	c = READ_ONCE(p[0]);
	pr_info("k4a_debugcheck: read %d after kfree\n", c);
	return 0;
}

static noinline int debugcheck_abba(void)
{
	mutex_lock(&debugcheck_a);
	mutex_lock(&debugcheck_b);
	mutex_unlock(&debugcheck_b);
	mutex_unlock(&debugcheck_a);

	mutex_lock(&debugcheck_b);
	mutex_lock(&debugcheck_a);
	mutex_unlock(&debugcheck_a);
	mutex_unlock(&debugcheck_b);
	return 0;
}

static noinline int debugcheck_sleep(void)
{
	void *p;

	spin_lock(&debugcheck_lock);
	p = kmalloc(32, GFP_KERNEL);
	spin_unlock(&debugcheck_lock);
	kfree(p);
	return 0;
}

/*
 * kmemleak scans whole kernel stacks, so a stale copy of a lost pointer left there keeps its
 * object "referenced": lose several, each allocation overwrites the copies of the one before.
 */
static noinline int debugcheck_leak(void)
{
	void *p;
	int i;

	for (i = 0; i < 8; i++) {
		p = kmalloc(128, GFP_KERNEL);
		if (!p)
			return -ENOMEM;
		memset(p, 0x6b, 128);
		/* The only pointer to the object dies here. */
		OPTIMIZER_HIDE_VAR(p);
	}
	return 0;
}

static int __init debugcheck_init(void)
{
	int ret = 0;

	if (!strcmp(bug, "uaf"))
		ret = debugcheck_uaf();
	else if (!strcmp(bug, "abba"))
		ret = debugcheck_abba();
	else if (!strcmp(bug, "sleep"))
		ret = debugcheck_sleep();
	else if (!strcmp(bug, "leak"))
		ret = debugcheck_leak();
	else if (strcmp(bug, "none"))
		return -EINVAL;
	pr_info("k4a_debugcheck: loaded (bug=%s)\n", bug);
	return ret;
}

static void __exit debugcheck_exit(void)
{
	pr_info("k4a_debugcheck: unloaded\n");
}

module_init(debugcheck_init);
module_exit(debugcheck_exit);
MODULE_DESCRIPTION("k4a VM bench self-test for the debug kernel's checkers");
MODULE_LICENSE("GPL");
