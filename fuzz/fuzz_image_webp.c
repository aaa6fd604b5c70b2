/*
 * fuzz_image_webp: any bytes through image_store() accepting WebP only, so
 * they reach image_webp.c's probe and decoder (see image_target.h).
 */
#define FORMAT	(IMAGE_WEBP | IMAGE_SIZES)
#include "image_target.h"
