/* SPDX-License-Identifier: GPL-2.0 */
/* Pure time arithmetic of the emulator: device clocks, delivery jitter, laser windows. */
#ifndef K4A_EMU_TIMING_H
#define K4A_EMU_TIMING_H

#include <stdbool.h>
#include <stdint.h>

#define TICKS_PER_SEC	90000u

/**
 * struct devclock - one unit's 90 kHz clock
 * @rate:        ticks per ns (90e-6 scaled by 1 + drift)
 * @epoch_ns:    monotonic ns at which the clock read @epoch_ticks
 * @epoch_ticks: value at @epoch_ns
 */
struct devclock {
	double rate;
	int64_t epoch_ns;
	int64_t epoch_ticks;
};

void clk_init(struct devclock *c, double drift_ppm, int64_t now_ns, int64_t ticks);
void clk_set_drift(struct devclock *c, double drift_ppm, int64_t now_ns);
/* Device ticks at monotonic time @ns (may be negative before a reset). */
int64_t clk_ticks(const struct devclock *c, int64_t ns);
/* Monotonic time at which the clock shows @ticks. */
int64_t clk_ns(const struct devclock *c, int64_t ticks);
/* Duration of @ticks device ticks in ns. */
int64_t clk_dur_ns(const struct devclock *c, int64_t ticks);
/* Duration of @dev_ns ns of the device's own time (its crystal's) in ns. */
int64_t clk_span_ns(const struct devclock *c, int64_t dev_ns);
/* Reset to 0 at @ns. */
void clk_reset(struct devclock *c, int64_t ns);

enum jitter_dist { JIT_NONE, JIT_UNIFORM, JIT_PARETO };

/**
 * struct jitter - USB completion latency model
 * @base_ns:     fixed latency added to every completion
 * @jit_ns:      uniform: maximum extra; pareto: scale (median ~ 0.4 x scale), capped at 20x
 * @dist:        distribution of the extra latency
 * @spike_ppm:   probability of a spike per completion, parts per million
 * @spike_ns:    spike length
 * @rng:         xorshift state
 */
struct jitter {
	int64_t base_ns, jit_ns;
	enum jitter_dist dist;
	uint32_t spike_ppm;
	int64_t spike_ns;
	uint64_t rng;
};

int64_t jitter_sample(struct jitter *j);
int jitter_parse(const char *s, struct jitter *j);
uint64_t xorshift64(uint64_t *s);

/**
 * struct punctual - waking for a due time on time
 * @early_ns:  wake this long before a due time and wait the rest out on the
 *             clock; 0: sleep until the due time
 * @share_ppm: most of the time the waiting may take, parts per million
 * @burst_ns:  most waiting that can be saved up
 * @credit_ns: waiting allowed now
 * @last_ns:   when @credit_ns was last topped up
 * @spins:     due times waited for on the clock
 * @spun_ns:   time spent waiting on the clock
 * @short_ns:  wakes that found too little credit to wait (slept to the due time)
 *
 * A loop that sleeps until a due time wakes late by the scheduler's and the
 * timer's latency, tens to hundreds of microseconds on a busy or emulated
 * CPU; a device is never late. Waking @early_ns before and busy-waiting the
 * rest is on time whenever the wake was less late than that, at the price of
 * a CPU busy meanwhile, which @share_ppm bounds (a token bucket).
 */
struct punctual {
	int64_t early_ns, burst_ns, credit_ns, last_ns;
	uint32_t share_ppm;
	uint64_t spins, spun_ns, short_wakes;
};

void punctual_init(struct punctual *p, int64_t early_ns, uint32_t share_ppm, int64_t now);
int punctual_parse(const char *s, int64_t *early_ns, uint32_t *share_ppm);
/* When to wake for due time @due, at @now: early if the credit allows it. */
int64_t punctual_wake(struct punctual *p, int64_t now, int64_t due);
/* At @now, whether to busy-wait until @due; if so the credit is charged. */
bool punctual_spin(struct punctual *p, int64_t now, int64_t due);

/* Laser emission windows of one depth exposure (mode = sensor mode). */
#define LASER_PULSES	9
#define LASER_PULSE_NS	125000
/* idle between pulses in ns, 0 = no laser (passive IR) */
int64_t laser_idle_ns(uint32_t sensor_mode);
/* exposure of a depth mode in ns */
int64_t depth_exposure_ns(uint32_t sensor_mode);
/* Overlapping laser pulse pairs between two exposures starting at a and b. */
unsigned int laser_overlaps(int64_t a_ns, uint32_t a_mode, int64_t b_ns, uint32_t b_mode);

#endif
