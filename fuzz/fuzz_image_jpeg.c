/*
 * fuzz_image_jpeg: any bytes through image_store() accepting JPEG only, so
 * they reach image_jpeg.c's probe and decoder (see image_target.h).
 */
#define FORMAT	(IMAGE_JPEG | IMAGE_SIZES)
#include "image_target.h"
