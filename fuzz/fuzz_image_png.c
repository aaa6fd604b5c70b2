/*
 * fuzz_image_png: any bytes through image_store() accepting PNG only, so
 * they reach image_png.c's probe and decoder (see image_target.h).
 */
#define FORMAT	(IMAGE_PNG | IMAGE_SIZES)
#include "image_target.h"
