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
