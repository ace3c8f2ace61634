// SPDX-License-Identifier: GPL-2.0
/*
 * Per-unit identity data: calibration JSON (opcode 0x111) and the opaque
 * NV tag 2 blob (opcode 0x22). Values are plausible for a depth camera and a
 * colour camera 32 mm apart with a 6 degree tilt; each unit gets small
 * serial-dependent variations so units are distinguishable.
 */
#include "mcu.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

struct jbuf {
	char *p;
	size_t cap, len;
	bool over;
};

static void jp(struct jbuf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (b->over)
		return;
	va_start(ap, fmt);
	n = vsnprintf(b->p + b->len, b->cap - b->len, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= b->cap - b->len)
		b->over = true;
	else
		b->len += (size_t)n;
}

static void jarr(struct jbuf *b, const char *name, const double *v, int n, bool last)
{
	int i;

	jp(b, "\"%s\":[", name);
	for (i = 0; i < n; i++)
		jp(b, "%.9g%s", v[i], i + 1 < n ? "," : "");
	jp(b, "]%s", last ? "" : ",");
}

static uint64_t hash_serial(const char *s)
{
	uint64_t h = 0x9e3779b97f4a7c15ull;

	while (*s) {
		h ^= (uint8_t)*s++;
		h *= 0xff51afd7ed558ccdull;
		h ^= h >> 29;
	}
	return h;
}

/* small deterministic variation in [-1, 1] */
static double var(uint64_t *h)
{
	*h ^= *h << 13;
	*h ^= *h >> 7;
	*h ^= *h << 17;
	return ((double)(*h % 20001) - 10000.0) / 10000.0;
}

static void camera(struct jbuf *b, const char *loc, int w, int h, const double *intr,
		   const double *rot, const double *tr, double radius, bool last)
{
	jp(b, "{\"Intrinsics\":{\"ModelParameterCount\":14,");
	jarr(b, "ModelParameters", intr, 14, false);
	jp(b, "\"ModelType\":\"CALIBRATION_LensDistortionModelBrownConrady\"},");
	jp(b, "\"Location\":\"%s\",\"Purpose\":\"CALIBRATION_CameraPurpose%s\",", loc,
	   strstr(loc, "D0") ? "Depth" : "PhotoVideo");
	jp(b, "\"MetricRadius\":%.6g,\"Rt\":{", radius);
	jarr(b, "Rotation", rot, 9, false);
	jarr(b, "Translation", tr, 3, true);
	jp(b, "},\"SensorHeight\":%d,\"SensorWidth\":%d,\"Shutter\":\"CALIBRATION_ShutterType%s\","
	   "\"ThermalAdjustmentParams\":{\"Params\":[0,0,0,0,0,0,0,0,0,0,0,0]}}%s",
	   h, w, strstr(loc, "D0") ? "Undefined" : "Rolling", last ? "" : ",");
}

static void imu(struct jbuf *b, const char *type, const char *loc, uint64_t *hv,
		const double *tr, bool last)
{
	double bias[12] = { 0 }, mix[36] = { 0 }, noise[6], sos[9] = { 0 }, unc[3];
	double rot[9] = { 0 }, tb[2] = { 5.0, 60.0 };
	int i;

	for (i = 0; i < 3; i++) {
		bias[i * 4] = 0.01 * var(hv);
		bias[i * 4 + 1] = 1e-4 * var(hv);
		mix[i * 4 * 3 + i * 4] = 1.0 + 0.002 * var(hv);	/* diagonal of 3x3, order 0 */
		unc[i] = 1e-4;
	}
	for (i = 0; i < 6; i++)
		noise[i] = 9.5e-4;
	/* IMU axes rotated against the depth camera: x -> -z, y -> x, z -> -y */
	rot[2] = -1.0;
	rot[3] = 1.0;
	rot[7] = -1.0;
	jp(b, "{");
	jarr(b, "BiasTemperatureModel", bias, 12, false);
	jarr(b, "BiasUncertainty", unc, 3, false);
	jp(b, "\"Id\":\"CALIBRATION_InertialSensorId_LSM6DSM\",");
	jarr(b, "MixingMatrixTemperatureModel", mix, 36, false);
	jp(b, "\"ModelTypeMask\":16,");
	jarr(b, "Noise", noise, 6, false);
	jp(b, "\"Rt\":{");
	jarr(b, "Rotation", rot, 9, false);
	jarr(b, "Translation", tr, 3, true);
	jp(b, "},");
	jarr(b, "SecondOrderScaling", sos, 9, false);
	jp(b, "\"SensorType\":\"%s\",", type);
	jarr(b, "TemperatureBounds", tb, 2, false);
	jp(b, "\"TemperatureC\":0.0}%s", last ? "" : ",");
	(void)loc;
}

size_t calib_json(const char *serial, unsigned int index, char *out, size_t cap)
{
	struct jbuf b = { out, cap, 0, false };
	uint64_t hv = hash_serial(serial) ^ index;
	const double tilt = -6.0 * M_PI / 180.0;
	double dint[14], cint[14], id[9] = { 1, 0, 0, 0, 1, 0, 0, 0, 1 }, zero[3] = { 0 };
	double crot[9], ctr[3], gtr[3], atr[3];
	int i;

	/* normalised Brown-Conrady parameters: cx cy fx fy k1..k6 codx cody p2 p1 */
	const double d0[14] = { 0.5, 0.5, 0.492, 0.492, 0.55, -0.03, -0.004, 0.89, 0.16,
				-0.018, 0, 0, -6e-5, 3e-5 };
	const double c0[14] = { 0.4995, 0.4992, 0.4926, 0.6568, 0.52, -2.6, 1.55, 0.40,
				-2.45, 1.48, 0, 0, 4e-4, -2e-4 };

	for (i = 0; i < 14; i++) {
		dint[i] = d0[i] * (1.0 + (i < 4 ? 0.002 : 0.01) * var(&hv));
		cint[i] = c0[i] * (1.0 + (i < 4 ? 0.002 : 0.01) * var(&hv));
	}
	crot[0] = 1;
	crot[1] = 0.0015 * var(&hv);
	crot[2] = 0.0008 * var(&hv);
	crot[3] = -crot[1];
	crot[4] = cos(tilt);
	crot[5] = -sin(tilt);
	crot[6] = -crot[2];
	crot[7] = sin(tilt);
	crot[8] = cos(tilt);
	ctr[0] = -0.0320 + 0.0002 * var(&hv);
	ctr[1] = -0.0020 + 0.0002 * var(&hv);
	ctr[2] = 0.0038 + 0.0002 * var(&hv);
	gtr[0] = -0.0511;
	gtr[1] = 0.0034;
	gtr[2] = -0.0013;
	memcpy(atr, gtr, sizeof(atr));

	jp(&b, "{\"CalibrationInformation\":{\"Cameras\":[");
	camera(&b, "CALIBRATION_CameraLocationD0", 1024, 1024, dint, id, zero, 1.74, false);
	camera(&b, "CALIBRATION_CameraLocationPV0", 4096, 3072, cint, crot, ctr, 0.0, true);
	jp(&b, "],\"InertialSensors\":[");
	imu(&b, "CALIBRATION_InertialSensorType_Gyro", "gyro", &hv, gtr, false);
	imu(&b, "CALIBRATION_InertialSensorType_Accelerometer", "accel", &hv, atr, true);
	jp(&b, "],\"Metadata\":{\"SerialId\":\"%s\",\"FactoryCalDate\":\"1/1/2026 0:00:00 AM\","
	   "\"Version\":{\"Major\":1,\"Minor\":2}}}}", serial);
	return b.over ? 0 : b.len;
}

void calib_nvblob(const char *serial, uint8_t *out, size_t len)
{
	uint64_t h = hash_serial(serial) | 1;
	size_t i, n;
	char hdr[64];

	for (i = 0; i + 8 <= len; i += 8) {
		h ^= h << 13;
		h ^= h >> 7;
		h ^= h << 17;
		memcpy(out + i, &h, 8);
	}
	for (; i < len; i++)
		out[i] = (uint8_t)(i * 31);
	n = (size_t)snprintf(hdr, sizeof(hdr), "K4A-EMU-CCB v1 %s", serial);
	if (n < len && n < sizeof(hdr))
		memcpy(out, hdr, n);
}
